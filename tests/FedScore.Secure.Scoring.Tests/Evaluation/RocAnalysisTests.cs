using FedScore.Secure.Scoring.Evaluation;

namespace FedScore.Secure.Scoring.Tests.Evaluation;

public class RocAnalysisTests
{
    [Fact]
    public void DeLongVarianceOfASmallExampleMatchesHandComputation()
    {
        // Cases {3, 5}, controls {1, 3, 4}.
        // V10: case 3 → (1 + ½)/3 = .5, case 5 → 1; AUC = .75. V01: control 1 → 1, 3 → (1 + ½)/2 = .75, 4 → .5.
        // var(V10) = (.0625 + .0625)/1 = .125; var(V01) = (.0625 + 0 + .0625)/2 = .0625.
        // Var = .125/2 + .0625/3 = 0.083333…
        var counts = ScoreCounts.Tally([3, 5, 1, 3, 4], [1, 1, 0, 0, 0], 6);
        var auc = RocAnalysis.Auc(counts);
        Assert.Equal(0.75, auc.Auc, 12);
        Assert.Equal(0.125 / 2 + 0.0625 / 3, auc.Variance, 12);
        Assert.Equal(Math.Min(1, 0.75 + 1.959963984540054 * Math.Sqrt(auc.Variance)), auc.Upper, 12);
    }

    [Fact]
    public void AucEqualsMannWhitneyWithHalfTies()
    {
        var rng = new Random(11);
        var scores = Enumerable.Range(0, 400).Select(_ => rng.Next(0, 30)).ToArray();
        var labels = scores.Select(s => rng.NextDouble() < s / 40.0 ? 1 : 0).ToArray();
        double wins = 0, pairs = 0;
        for (var i = 0; i < scores.Length; i++)
        {
            for (var j = 0; j < scores.Length; j++)
            {
                if (labels[i] == 1 && labels[j] == 0)
                {
                    pairs++;
                    wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
                }
            }
        }

        var fromCounts = RocAnalysis.Auc(ScoreCounts.Tally(scores, labels, 30));
        var fromValues = RocAnalysis.Auc(scores.Select(s => (double)s).ToArray(), labels);
        Assert.Equal(wins / pairs, fromCounts.Auc, 12);
        Assert.Equal(fromCounts.Auc, fromValues.Auc, 12);
        Assert.Equal(fromCounts.Variance, fromValues.Variance, 12);
    }

    [Fact]
    public void AutoDirectionFlipsWhenCasesAreLower()
    {
        var r = RocAnalysis.Auc([1.0, 2, 3, 4], [1, 1, 0, 0], RocDirection.Auto);
        Assert.Equal(1.0, r.Auc, 12);
        Assert.Equal(0.0, RocAnalysis.Auc([1.0, 2, 3, 4], [1, 1, 0, 0]).Auc, 12);
    }

    [Fact]
    public void YoudenPicksTheSeparatingThresholdAndRoundsTheMidpointUp()
    {
        // Controls at 10 and 20, cases at 30 and 40: best threshold is the midpoint 25 → rule "≥ 25".
        var counts = ScoreCounts.Tally([10, 20, 30, 40], [0, 0, 1, 1], 50);
        var m = RocAnalysis.Youden(counts);
        Assert.Equal(25, m.Threshold);
        Assert.Equal(1.0, m.Sensitivity);
        Assert.Equal(1.0, m.Specificity);
        Assert.Equal(1.0, m.Ppv);
        Assert.Equal(1.0, m.Npv);
    }

    [Fact]
    public void MetricsAtThresholdCountTheFourCells()
    {
        // ≥ 3: TP = 2 (3, 5), FP = 2 (3, 4), FN = 0, TN = 1 (1).
        var m = RocAnalysis.MetricsAt(ScoreCounts.Tally([3, 5, 1, 3, 4], [1, 1, 0, 0, 0], 6), 3);
        Assert.Equal(1.0, m.Sensitivity);
        Assert.Equal(1 / 3.0, m.Specificity, 12);
        Assert.Equal(0.5, m.Ppv, 12);
        Assert.Equal(1.0, m.Npv, 12);
    }

    [Fact]
    public void BootstrapIsReproducibleAndBracketsThePointEstimate()
    {
        var rng = new Random(5);
        var scores = Enumerable.Range(0, 600).Select(_ => rng.Next(0, 60)).ToArray();
        var labels = scores.Select(s => rng.NextDouble() < s / 80.0 ? 1 : 0).ToArray();
        var counts = ScoreCounts.Tally(scores, labels, 60);
        var a = BootstrapMetrics.Compute(counts, 300, seed: 9);
        var b = BootstrapMetrics.Compute(counts, 300, seed: 9);
        Assert.Equal(a, b);
        var point = RocAnalysis.Youden(counts);
        Assert.InRange(point.Sensitivity, a.Sensitivity.Lower - 0.1, a.Sensitivity.Upper + 0.1);
        Assert.True(a.Specificity.Lower <= a.Specificity.Median && a.Specificity.Median <= a.Specificity.Upper);
    }

    [Fact]
    public void ConversionTableRiskIncreasesWithScore()
    {
        var rng = new Random(2);
        var scores = Enumerable.Range(0, 2000).Select(_ => rng.Next(0, 100)).ToArray();
        var labels = scores.Select(s => rng.NextDouble() < 1 / (1 + Math.Exp(-(-5 + 0.06 * s))) ? 1 : 0).ToArray();
        var table = ConversionTable.Create(ScoreCounts.Tally(scores, labels, 100));
        Assert.InRange(table.Model.Coefficients[1], 0.04, 0.08);
        for (var s = 1; s < table.RiskByScore.Count; s++)
        {
            Assert.True(table.RiskByScore[s] > table.RiskByScore[s - 1]);
        }

        var cutoffs = table.Rows.Where(r => r.ScoreCutoff is not null).Select(r => r.ScoreCutoff!.Value).ToList();
        Assert.Equal(cutoffs.Order(), cutoffs);
    }
}
