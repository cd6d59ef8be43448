using FedScore.Secure.Scoring.Binning;
using FedScore.Secure.Scoring.Data;
using FedScore.Secure.Scoring.Modeling;
using FedScore.Secure.Scoring.Statistics;

namespace FedScore.Secure.Scoring.Tests.Modeling;

public class SeparationInScoreTests
{
    [Fact]
    public void BinWithoutEventsIsReportedAndPointsStayFinite()
    {
        // x in [0, 100); events only when x ≥ 20, so the bin (,20) has none.
        var rng = new Random(8);
        var n = 600;
        var x = new double[n];
        var y = new int[n];
        for (var i = 0; i < n; i++)
        {
            x[i] = Math.Floor(rng.NextDouble() * 100);
            y[i] = x[i] >= 20 && rng.NextDouble() < x[i] / 150 ? 1 : 0;
        }

        var site = new SiteStatistics(new Dataset([PredictorColumn.Numeric("x", x)], y));
        var binnings = CutPointCalculator.Binnings(site, DataPart.Train, ["x"],
            new Dictionary<string, CutVector> { ["x"] = CutVector.Numeric("x", [20, 50, 80]) });
        var r = ScoreDerivation.Derive(site, DataPart.Train, binnings);
        Assert.Contains(r.Warnings, w => w.Contains("x(,20)") && w.Contains("no events"));
        Assert.All(r.SecondFit.Coefficients, c => Assert.True(double.IsFinite(c)));
        // Separated reference level: the other levels get large but finite coefficients; points still sum to 100.
        var points = r.Table.Variables[0].Points;
        Assert.Equal(0, points[0]);
        Assert.Equal(100, points.Max());
    }
}
