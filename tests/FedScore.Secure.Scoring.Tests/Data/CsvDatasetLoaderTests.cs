using FedScore.Secure.Scoring.Data;

namespace FedScore.Secure.Scoring.Tests.Data;

public class CsvDatasetLoaderTests
{
    private static Dataset LoadText(string text, CsvLoadOptions? options = null) =>
        CsvDatasetLoader.Load(new StringReader(text), "mem.csv", options);

    [Fact]
    public void Site1LoadsWithTwentyPredictorsAndItsSplit()
    {
        var d = TestData.Site1;
        Assert.Equal(14000, d.RowCount);
        Assert.Equal(20, d.Predictors.Count);
        Assert.DoesNotContain("row_name", d.PredictorNames);
        Assert.DoesNotContain("sample_data_row", d.PredictorNames);
        Assert.All(d.Predictors, p => Assert.Equal(PredictorKind.Numeric, p.Kind));
        Assert.Equal(9800, d.Part(DataPart.Train).RowCount);
        Assert.Equal(1401, d.Part(DataPart.Validation).RowCount);
        Assert.Equal(2799, d.Part(DataPart.Test).RowCount);
        Assert.Equal(0.0784, d.EventCount / 14000.0, 4);
    }

    [Fact]
    public void MissingValuesAndCategoricalColumnsAreRead()
    {
        var d = CsvDatasetLoader.Load(TestData.PathOf("autoscore_sample_data_with_missing.csv"));
        Assert.Equal(20000, d.RowCount);
        Assert.Equal(100, d["Age"].MissingCount());
        Assert.False(d.HasSplit);
    }

    [Fact]
    public void ConfigurableOutcomeColumnIsUsed()
    {
        var d = LoadText("a,y\n1,0\n2,1\n", new CsvLoadOptions { OutcomeColumn = "y" });
        Assert.Equal([0, 1], d.Outcome.ToArray());
        Assert.Equal(["a"], d.PredictorNames);
    }

    [Fact]
    public void CategoricalColumnGetsSortedLevelsAndMissingCode()
    {
        var d = LoadText("g,x,label\nM,1,0\nF,2,1\n,3,0\nNA,4,1\n");
        var g = d["g"];
        Assert.Equal(PredictorKind.Categorical, g.Kind);
        Assert.Equal(["F", "M"], g.Levels);
        Assert.Equal([1, 0, -1, -1], g.Codes.ToArray());
    }

    [Fact]
    public void NonBinaryOutcomeNamesFileLineAndColumn()
    {
        var e = Assert.Throws<DataFormatException>(() => LoadText("x,label\n1,0\n2,7\n"));
        Assert.Equal("mem.csv", e.File);
        Assert.Equal(3, e.Line);
        Assert.Equal("label", e.Column);
        Assert.Contains("mem.csv, line 3, column 'label'", e.Message);
    }

    [Fact]
    public void NonNumericValueInNumericColumnIsRejectedWithItsLine()
    {
        var rows = string.Join("\n", Enumerable.Range(0, 20).Select(i => $"{i},0"));
        var e = Assert.Throws<DataFormatException>(() => LoadText("x,label\n" + rows + "\nabc,1\n"));
        Assert.Equal(22, e.Line);
        Assert.Equal("x", e.Column);
        Assert.Contains("'abc'", e.Message);
    }

    [Fact]
    public void WrongFieldCountIsRejected()
    {
        var e = Assert.Throws<DataFormatException>(() => LoadText("x,label\n1,0\n2\n"));
        Assert.Equal(3, e.Line);
    }

    [Fact]
    public void MissingOutcomeColumnIsRejected()
    {
        var e = Assert.Throws<DataFormatException>(() => LoadText("x,y\n1,0\n"));
        Assert.Equal("label", e.Column);
        Assert.Equal(1, e.Line);
    }

    [Fact]
    public void UnknownSplitLabelIsRejected()
    {
        var e = Assert.Throws<DataFormatException>(() => LoadText("split,x,label\ntrain,1,0\nholdout,2,1\n"));
        Assert.Equal("split", e.Column);
        Assert.Equal(3, e.Line);
    }

    [Fact]
    public void QuotedFieldsWithCommasParse()
    {
        var d = LoadText("\"g\",\"label\"\n\"a, b\",1\n\"c\"\"d\",0\n");
        Assert.Equal(["a, b", "c\"d"], d["g"].Levels);
    }
}
