using FedScore.Secure.Federation;
using FedScore.Secure.Scoring.Binning;
using FedScore.Secure.Scoring.Data;
using FedScore.Secure.Scoring.Federated;
using FedScore.Secure.Scoring.Modeling;
using FedScore.Secure.Scoring.Statistics;

namespace FedScore.Secure.Scoring.Tests.Federated;

public class DisclosureControlTests
{
    [Fact]
    public void PolicyRefusesACountOfTwoAndNamesTheStatisticAndCell()
    {
        var policy = DisclosurePolicy.Default;
        policy.CheckCounts("kind", [0, 3, 100], i => $"cell {i}");

        var e = Assert.Throws<DisclosureRefusedException>(() => policy.CheckCounts("fedscore.level-counts", [5, 2, 0], i => $"cell {i}"));
        Assert.Equal("fedscore.level-counts", e.Statistic);
        Assert.Equal("cell 1", e.Cell);
        Assert.Contains("fedscore.level-counts", e.Message);
        Assert.Contains("cell 1", e.Message);
    }

    [Fact]
    public void PolicyRefusesAGlmWithTooManyParametersForItsRows()
    {
        var policy = DisclosurePolicy.Default;
        policy.CheckGlm("glm", 1000, 20);
        Assert.Throws<DisclosureRefusedException>(() => policy.CheckGlm("glm", 9, 2));
        Assert.Throws<DisclosureRefusedException>(() => policy.CheckGlm("glm", 30, 11));
    }

    [Fact]
    public void PooledLevelCountOfTwoIsRefusedBeforeTheCoordinatorUsesIt()
    {
        // Each site has one row with level "X": the pooled count is 2.
        var federation = TestFederations.Create("plain", new Dictionary<ParticipantId, ISiteStatistics>
        {
            ["a"] = Site(["X", "Y", "Y", "Y", "Y"], [0, 1, 0, 1, 0]),
            ["b"] = Site(["X", "Y", "Y", "Y", "Y"], [1, 0, 1, 0, 0]),
        });
        try
        {
            var stats = new SecurePooledStatistics(federation);
            var e = Assert.Throws<DisclosureRefusedException>(() => stats.LevelCounts(DataPart.Train, "group", ["X", "Y"]));
            Assert.StartsWith(RequestKinds.LevelCounts, e.Statistic);
            Assert.Equal("group = 'X'", e.Cell);

            // With a policy the data owners agreed to, the same statistic is released.
            var permissive = new SecurePooledStatistics(federation, DisclosurePolicy.AllowSmallCells);
            Assert.Equal([2L, 8L, 0L], permissive.LevelCounts(DataPart.Train, "group", ["X", "Y"]));
        }
        finally
        {
            TestFederations.Dispose(federation);
        }
    }

    [Fact]
    public void ScoreCountCellOfTwoIsRefusedAndNamedUnderTheStrictPolicy()
    {
        // x: 10 rows below 10 (score 0), one row in [10,20) per site (score 50, both controls), 9 rows ≥ 20 (score 100).
        double[] x = [.. Enumerable.Repeat(5.0, 10), 15, .. Enumerable.Repeat(25.0, 9)];
        int[] y = [.. Enumerable.Range(0, 10).Select(i => i % 2), 0, .. Enumerable.Range(0, 9).Select(i => i % 3 == 0 ? 1 : 0)];
        var federation = TestFederations.Create("plain", new Dictionary<ParticipantId, ISiteStatistics>
        {
            ["a"] = NumericSite(x, y),
            ["b"] = NumericSite(x, y),
        });
        try
        {
            var table = new ScoringTable([new VariablePoints(NumericBinning.Create("x", [10, 20], true, true, false), [0, 50, 100])]);
            var strict = new DisclosurePolicy { CheckScoreTablesPerCell = true };
            var e = Assert.Throws<DisclosureRefusedException>(() => new SecurePooledStatistics(federation, strict).ScoreCounts(DataPart.Train, table));
            Assert.StartsWith(RequestKinds.ScoreCounts, e.Statistic);
            Assert.Equal("controls at score 50", e.Cell);

            // The default policy checks the class totals only (the table is an intermediate of the ROC code).
            var counts = new SecurePooledStatistics(federation).ScoreCounts(DataPart.Train, table);
            Assert.Equal(2, counts.Controls[50]);
        }
        finally
        {
            TestFederations.Dispose(federation);
        }
    }

    [Fact]
    public void ScoreCountTableWithTooFewCasesInTotalIsRefusedByDefault()
    {
        // One case per site: 2 cases in total, below the minimum cell size.
        double[] x = [.. Enumerable.Repeat(5.0, 10), .. Enumerable.Repeat(25.0, 10)];
        int[] y = [1, .. Enumerable.Repeat(0, 19)];
        var federation = TestFederations.Create("plain", new Dictionary<ParticipantId, ISiteStatistics>
        {
            ["a"] = NumericSite(x, y),
            ["b"] = NumericSite(x, y),
        });
        try
        {
            var table = new ScoringTable([new VariablePoints(NumericBinning.Create("x", [10, 20], true, true, false), [0, 50, 100])]);
            var e = Assert.Throws<DisclosureRefusedException>(() => new SecurePooledStatistics(federation).ScoreCounts(DataPart.Train, table));
            Assert.Equal("events", e.Cell);
        }
        finally
        {
            TestFederations.Dispose(federation);
        }
    }

    [Fact]
    public void SiteRejectsMalformedOrUnknownRequestsWithArgumentException()
    {
        var site = NumericSite([1, 2, 3], [0, 1, 0]);
        Assert.Throws<ArgumentException>(() => site.Compute(new StatisticRequest(RequestKinds.Logistic, "{not json")));
        Assert.Throws<ArgumentException>(() => site.Compute(new StatisticRequest("fedscore.unknown", "{}")));
        Assert.Throws<ArgumentException>(() => site.Compute(FederatedJson.Request(RequestKinds.Logistic,
            new LogisticRequest(DataPart.Train, DesignSpec.From(new NumericDesign(["x"])), [0.0]))));
        Assert.Throws<ArgumentException>(() => site.Compute(FederatedJson.Request(RequestKinds.CountAtOrBelow,
            new CountAtOrBelowRequest(DataPart.Train, ["x", "x"], [1.0]))));
        Assert.Throws<ArgumentException>(() => site.Compute(FederatedJson.Request(RequestKinds.RowsAndEvents, new PartRequest(DataPart.Test))));
        Assert.Throws<ArgumentException>(() => site.HandleBroadcast(new StatisticRequest("fedscore.unknown", "{}")));
    }

    private static FedScoreSiteStatistics Site(string[] group, int[] y) =>
        new(new SiteStatistics(new Dataset([PredictorColumn.Categorical("group", group), PredictorColumn.Numeric("x", [.. group.Select((_, i) => (double)i)])], y)));

    private static FedScoreSiteStatistics NumericSite(double[] x, int[] y) =>
        new(new SiteStatistics(new Dataset([PredictorColumn.Numeric("x", x)], y)));
}
