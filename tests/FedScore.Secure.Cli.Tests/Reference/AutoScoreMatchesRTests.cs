using FedScore.Secure.Aggregation;
using FedScore.Secure.Aggregation.Federation;
using FedScore.Secure.Federation;
using FedScore.Secure.Scoring.Binning;
using FedScore.Secure.Scoring.Data;
using FedScore.Secure.Scoring.Evaluation;
using FedScore.Secure.Scoring.Federated;
using FedScore.Secure.Scoring.Modeling;
using Xunit.Abstractions;

namespace FedScore.Secure.Cli.Tests.Reference;

/// <summary>
/// The AutoScore pieces where base R gives the standard answer, computed the federated way (secure sums over
/// site1 and site2 under pairwise masking, pooled TRAIN rows) and compared with R on the stacked data:
/// type-7 quantiles (R's quantile(type = 7)), the binned logistic fits (glm with factor() bins, before and after
/// AutoScore's change of reference), the points and the pooled test AUC with its DeLong CI.
/// </summary>
public class AutoScoreMatchesRTests(ITestOutputHelper output)
{
    private static readonly string[] s_binned = ["Age", "Lab_H", "Lab_B", "Lab_K", "Vital_E"];

    private static InProcessFederation Federation(string scheme = "masking")
    {
        var sites = new[] { "site1.csv", "site2.csv" }.ToDictionary(
            f => new ParticipantId(Path.GetFileNameWithoutExtension(f)),
            f => (ISiteStatistics)FedScoreSiteStatistics.FromSplit(CsvDatasetLoader.Load(RReference.DataFile(f))));
        return new InProcessFederation(AggregationSchemes.Create(scheme), sites, recordTranscript: false);
    }

    [Fact]
    public void PooledExactQuantilesFromSecureCountsAreRsType7QuantilesBitForBit()
    {
        using var federation = Federation();
        var stats = new SecurePooledStatistics(federation);
        var expected = RReference.Expected("quantiles.csv");
        var variables = expected.Rows.Select(r => expected.Get(r, "variable")).Distinct().ToArray();
        var probabilities = expected.Where("variable", variables[0]).Select(r => expected.Number(r, "prob")).ToArray();
        Assert.Equal(CutPointCalculator.DefaultProbabilities, probabilities);

        var ours = CutPointCalculator.Quantiles(stats, DataPart.Train, variables, probabilities);

        for (var v = 0; v < variables.Length; v++)
        {
            var r = expected.Where("variable", variables[v]).Select(row => expected.Number(row, "value")).ToArray();
            for (var k = 0; k < probabilities.Length; k++)
            {
                Assert.True(r[k] == ours[v][k], $"{variables[v]} q({probabilities[k]}): R {r[k]:R}, ours {ours[v][k]:R}");
            }
        }

        output.WriteLine($"{variables.Length} variables × {probabilities.Length} probabilities: all equal to R's quantile(type = 7) bit for bit.");
    }

    [Fact]
    public void BinnedFitsPointsAndTestAucFromSecureSumsAreRsOnThePooledData()
    {
        using var federation = Federation();
        var stats = new SecurePooledStatistics(federation);
        var cuts = CutPointCalculator.CutVectors(stats, DataPart.Train, s_binned);
        var binnings = CutPointCalculator.Binnings(stats, DataPart.Train, s_binned, cuts).Cast<NumericBinning>().ToArray();

        var result = ScoreDerivation.Derive(stats, DataPart.Train, binnings);

        var glm = RReference.Expected("binned_glm.csv");
        var maxFirst = CompareFit(glm, "first", result.FirstFit, binnings);
        var maxSecond = CompareFit(glm, "second", result.SecondFit, binnings);

        var points = RReference.Expected("binned_points.csv");
        for (var v = 0; v < binnings.Length; v++)
        {
            var b = binnings[v];
            var rRows = points.Where("variable", b.Variable).ToArray();
            Assert.Equal(rRows.Length, b.LevelCount);
            for (var l = 0; l < b.LevelCount; l++)
            {
                var row = rRows.Single(r => (int)points.Number(r, "interval") == Interval(b, l));
                Assert.Equal(points.Get(row, "label"), b.Labels[l]);
                Assert.True((int)points.Number(row, "points") == result.Table.Variables[v].Points[l], $"points of {b.Variable}{b.Labels[l]}");
            }
        }

        var auc = RocAnalysis.Auc(stats.ScoreCounts(DataPart.Test, result.Table));
        var rAuc = RReference.Expected("binned_auc.csv");
        var aucRow = rAuc.Rows.Single();
        Assert.Equal((long)rAuc.Number(aucRow, "n_cases"), auc.Cases);
        Assert.Equal((long)rAuc.Number(aucRow, "n_controls"), auc.Controls);
        var dAuc = RReference.Relative(rAuc.Number(aucRow, "auc"), auc.Auc);
        var dLower = RReference.Relative(rAuc.Number(aucRow, "lower"), auc.Lower);
        var dUpper = RReference.Relative(rAuc.Number(aucRow, "upper"), auc.Upper);
        Assert.True(dAuc <= 1e-12, $"AUC: R {rAuc.Get(aucRow, "auc")}, ours {auc.Auc:R}");
        Assert.True(Math.Max(dLower, dUpper) <= 1e-9, $"DeLong CI: R [{rAuc.Get(aucRow, "lower")}, {rAuc.Get(aucRow, "upper")}], ours [{auc.Lower:R}, {auc.Upper:R}]");

        output.WriteLine($"binned glm vs R: max relative diff first fit {maxFirst.Coefficients:E2} (SEs {maxFirst.StandardErrors:E2}), " +
            $"after change of reference {maxSecond.Coefficients:E2} (SEs {maxSecond.StandardErrors:E2}); " +
            $"points identical; test AUC {auc.Auc:F6} (relative diff {dAuc:E2}), DeLong CI diff {Math.Max(dLower, dUpper):E2}.");
    }

    /// <summary>R names a bin by its interval index j = findInterval(x, breaks): 0 is the open "(,c1)" bin.</summary>
    private static int Interval(NumericBinning b, int level) => level + (b.HasOpenLowBin ? 0 : 1);

    private static (double Coefficients, double StandardErrors) CompareFit(CsvTable glm, string fit, LogisticFit ours, IReadOnlyList<NumericBinning> binnings)
    {
        var rows = glm.Where("fit", fit).ToArray();
        Assert.Equal(rows.Length, ours.Coefficients.Length);
        double maxCoef = 0, maxSe = 0;
        void Check(string[] row, string name)
        {
            var i = ours.ColumnNames.ToList().IndexOf(name);
            Assert.True(i >= 0, $"{fit} fit: R has a coefficient for {name}, ours does not (have {string.Join(", ", ours.ColumnNames)}).");
            var d = RReference.Relative(glm.Number(row, "estimate"), ours.Coefficients[i]);
            // R's SE at the MLE (summary.glm's own is from the penultimate IRLS iterate; see glm_reference.R).
            var ds = RReference.Relative(glm.Number(row, "std_error_at_mle"), ours.StandardErrors[i]);
            Assert.True(d <= 1e-6, $"{fit} fit {name}: R {glm.Get(row, "estimate")}, ours {ours.Coefficients[i]:R} (relative {d:G3})");
            Assert.True(ds <= 1e-6, $"{fit} fit SE {name}: R {glm.Get(row, "std_error_at_mle")}, ours {ours.StandardErrors[i]:R} (relative {ds:G3})");
            maxCoef = Math.Max(maxCoef, d);
            maxSe = Math.Max(maxSe, ds);
        }

        Check(rows.Single(r => glm.Get(r, "variable") == "(Intercept)"), "(Intercept)");
        foreach (var b in binnings)
        {
            foreach (var row in rows.Where(r => glm.Get(r, "variable") == b.Variable))
            {
                var level = Enumerable.Range(0, b.LevelCount).Single(l => Interval(b, l) == (int)glm.Number(row, "interval"));
                Assert.Equal(glm.Get(row, "label"), b.Labels[level]);
                Check(row, b.Variable + b.Labels[level]);
            }
        }

        return (maxCoef, maxSe);
    }
}
