using FedScore.Secure.Scoring.Binning;
using FedScore.Secure.Scoring.Data;
using FedScore.Secure.Scoring.Statistics;

namespace FedScore.Secure.Scoring.Tests.Binning;

public class CutPointAndBinningTests
{
    [Fact]
    public void Site1TrainCutVectorsMatchPublishedFedScoreCutoffs()
    {
        // FedScore-R output/binary/cutoff.json, site 1 (get_cut_vec on the train split).
        var cuts = CutPointCalculator.CutVectors(TestData.Site1Statistics, DataPart.Train, ["Age", "Lab_H"]);
        Assert.Equal([36.0, 49, 76, 89], cuts["Age"].Cuts);
        Assert.Equal([0.1, 1, 3.1, 4], cuts["Lab_H"].Cuts);
    }

    [Fact]
    public void Site2TrainCutVectorsMatchPublishedFedScoreCutoffs()
    {
        var site2 = SiteStatistics.FromSplit(TestData.Site2);
        var cuts = CutPointCalculator.CutVectors(site2, DataPart.Train, ["Age", "Lab_H"]);
        Assert.Equal([35.0, 49, 76, 89], cuts["Age"].Cuts);
        Assert.Equal([0.2, 1.1, 3.1, 4], cuts["Lab_H"].Cuts);
    }

    [Fact]
    public void CountBasedQuantilesEqualSortBasedQuantiles()
    {
        var train = TestData.Site1.Part(DataPart.Train);
        var names = train.PredictorNames.ToList();
        var q = CutPointCalculator.Quantiles(new SiteStatistics(train), DataPart.Train, names, CutPointCalculator.DefaultProbabilities);
        for (var v = 0; v < names.Count; v++)
        {
            var direct = Type7Quantile.Compute(train[names[v]].Values, CutPointCalculator.DefaultProbabilities);
            Assert.Equal(direct, q[v]);
        }
    }

    [Fact]
    public void LabelsFollowRCutWithOpenEnds()
    {
        var b = NumericBinning.Create("Lab_B", [8.5, 11.2, 17, 19.8], anyBelowFirst: true, anyAtOrAboveLast: true, anyMissing: false);
        Assert.Equal(["(,8.5)", "[8.5,11.2)", "[11.2,17)", "[17,19.8)", "[19.8,)"], b.Labels);
        // R's factor order is the string order; "(,8.5)" sorts first and is the first glm's reference.
        var sorted = b.Labels.Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["(,8.5)", "[11.2,17)", "[17,19.8)", "[19.8,)", "[8.5,11.2)"], sorted);
        Assert.Equal(0, b.FirstLevelInStringOrder([1, 1, 1, 1, 1]));
        Assert.Equal(0, b.LevelOfValue(3));
        Assert.Equal(1, b.LevelOfValue(8.5));   // left-closed
        Assert.Equal(1, b.LevelOfValue(11.19));
        Assert.Equal(4, b.LevelOfValue(19.8));
        Assert.Equal(4, b.LevelOfValue(1e6));
    }

    [Fact]
    public void NoLowBinWhenDataStartAtFirstCut()
    {
        // Lab_H with FedScore's uni_cut [0,1,3,4]: min(Lab_H) = 0 is not below 0, so R adds no low sentinel.
        var b = NumericBinning.Create("Lab_H", [0, 1, 3, 4], anyBelowFirst: false, anyAtOrAboveLast: true, anyMissing: true);
        Assert.Equal(["[0,1)", "[1,3)", "[3,4)", "[4,)", "*Unknown"], b.Labels);
        Assert.Equal(0, b.LevelOfValue(-5)); // new data below the range: nearest end bin (documented)
        Assert.Equal(4, b.LevelOfValue(double.NaN));
    }

    [Fact]
    public void DuplicateCutsCollapseAndLargeCutsUseExponentLabels()
    {
        var b = NumericBinning.Create("x", [3, 3, 4, 1050], true, true, false);
        Assert.Equal(["(,3)", "[3,4)", "[4,1.05e+03)", "[1.05e+03,)"], b.Labels);
    }

    [Fact]
    public void BinaryVariableBecomesLetBinaryWithItsMode()
    {
        // Sorted 0×6, 1×4: the 5/20/80/95 % quantiles are 0, 0, 1, 1 → two distinct values → let_binary.
        var x = new double[] { 0, 1, 0, 1, 0, 1, 0, 0, 1, 0 };
        var d = new Dataset([PredictorColumn.Numeric("flag", x)], [0, 1, 0, 1, 0, 1, 0, 0, 1, 0]);
        var stats = new SiteStatistics(d);
        var cuts = CutPointCalculator.CutVectors(stats, DataPart.Train, ["flag"]);
        Assert.True(cuts["flag"].IsLetBinary);
        var binning = Assert.IsType<LetBinaryBinning>(CutPointCalculator.Binnings(stats, DataPart.Train, ["flag"], cuts)[0]);
        Assert.Equal(0, binning.Mode);
        Assert.Equal(["0", "not_0"], binning.Labels);
    }

    [Fact]
    public void CutVectorsAreMatchedByNameNotPosition()
    {
        var train = TestData.Site1.Part(DataPart.Train);
        var stats = new SiteStatistics(train);
        var cuts = CutPointCalculator.CutVectors(stats, DataPart.Train, ["Age", "Lab_H"]);
        var reversed = new Dictionary<string, CutVector> { ["Lab_H"] = cuts["Lab_H"], ["Age"] = cuts["Age"] };
        var a = CutPointCalculator.Binnings(stats, DataPart.Train, ["Age", "Lab_H"], cuts);
        var b = CutPointCalculator.Binnings(stats, DataPart.Train, ["Age", "Lab_H"], reversed);
        Assert.Equal(a.Select(x => x.ToString()), b.Select(x => x.ToString()));
        Assert.StartsWith("Age: (,36) | [36,49)", a[0].ToString());
    }
}
