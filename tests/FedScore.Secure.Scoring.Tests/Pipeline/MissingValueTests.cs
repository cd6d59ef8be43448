using FedScore.Secure.Scoring.Data;
using FedScore.Secure.Scoring.Statistics;

namespace FedScore.Secure.Scoring.Tests.Pipeline;

public class MissingValueTests
{
    private static readonly Lazy<Dataset> s_data = new(() => CsvDatasetLoader.Load(TestData.PathOf("autoscore_sample_data_with_missing.csv")));

    [Fact]
    public void MissingNumericAndCategoricalValuesGetUnknownLevels()
    {
        var (train, validation, test) = DataSplitter.Split(s_data.Value, seed: 1);
        Assert.Equal(20000, train.RowCount + validation.RowCount + test.RowCount);
        Assert.Equal(4000, test.RowCount);
        Assert.Equal(2000, validation.RowCount);
        var site = new SiteStatistics(train, validation, test);
        var pipeline = new AutoScorePipeline(site);
        var score = pipeline.DeriveScore(["Age", "Gender", "lactate_mean"]);
        var age = score.Table.Variables.Single(v => v.Variable == "Age");
        var gender = score.Table.Variables.Single(v => v.Variable == "Gender");
        Assert.Equal("*Unknown", age.Binning.Labels[^1]);
        Assert.Equal(["F", "M", "Unknown"], gender.Binning.Labels);
        var auc = pipeline.Evaluate(score.Table, DataPart.Test, bootstrap: false).Auc;
        Assert.InRange(auc.Auc, 0.6, 0.9);
    }

    [Fact]
    public void ImputationUsesTrainMedianAndMode()
    {
        var data = s_data.Value;
        var imputer = MissingValueImputer.Fit(new SiteStatistics(data), DataPart.Train);
        var ages = data["Age"].Values.ToArray().Where(v => !double.IsNaN(v)).Order().ToArray();
        Assert.Equal(FedScore.Secure.Scoring.Binning.Type7Quantile.FromSorted(ages, 0.5), imputer.Medians["Age"]);
        Assert.Equal("M", imputer.Modes["Gender"]);
        var filled = imputer.Apply(data);
        Assert.Equal(0, filled["Age"].MissingCount());
        Assert.Equal(0, filled["Gender"].MissingCount());
    }

    [Fact]
    public void TooManyCategoricalLevelsIsAnError()
    {
        var rows = string.Join("\n", Enumerable.Range(0, 12).Select(i => $"lvl{i},{i % 2}"));
        var e = Assert.Throws<DataFormatException>(() =>
            CsvDatasetLoader.Load(new StringReader("g,label\n" + rows + "\n"), "many.csv"));
        Assert.Equal("g", e.Column);
        Assert.Contains("fewer than 10 levels", e.Message);
    }
}
