using FedScore.Secure.Scoring.Modeling;

namespace FedScore.Secure.Scoring.Evaluation;

/// <summary>One row of the score→risk conversion table.</summary>
public sealed record ConversionRow(double Risk, int? ScoreCutoff, double PercentAtOrAbove, BinaryMetrics? Metrics);

/// <summary>The score→risk model and AutoScore's <c>conversion_table(by = "risk")</c>.</summary>
public sealed record ConversionTable(LogisticFit Model, IReadOnlyList<double> RiskByScore, IReadOnlyList<ConversionRow> Rows)
{
    public static readonly double[] DefaultRisks = [0.01, 0.05, 0.1, 0.2, 0.5];

    /// <summary>
    /// Fits glm(label ~ score) from the count tables (Newton on count-weighted statistics: pooled tables give the
    /// pooled fit), predicts the risk of every score 0..MaxScore, and for each risk level reports the smallest
    /// observed score whose predicted risk reaches it, the percentage of patients at or above that score, and
    /// the metrics of "score ≥ cut-off". Bootstrap CIs of these rows (R prints them) are not computed here.
    /// </summary>
    public static ConversionTable Create(ScoreCounts counts, IReadOnlyList<double>? risks = null)
    {
        risks ??= DefaultRisks;
        var fit = NewtonLogisticSolver.Fit(
            beta => LogisticStatistics.FromScoreCounts(counts.Controls, counts.Cases, beta),
            ["(Intercept)", "score"],
            options: new LogisticFitOptions { Ridge = 0 });
        var riskByScore = new double[counts.MaxScore + 1];
        for (var s = 0; s < riskByScore.Length; s++)
        {
            riskByScore[s] = 1 / (1 + Math.Exp(-(fit.Coefficients[0] + fit.Coefficients[1] * s)));
        }

        double total = counts.ControlCount + counts.CaseCount;
        var rows = new List<ConversionRow>();
        foreach (var r in risks)
        {
            int? cutoff = null;
            for (var s = 0; s < riskByScore.Length; s++)
            {
                if (counts.Controls[s] + counts.Cases[s] > 0 && riskByScore[s] >= r)
                {
                    cutoff = s;
                    break;
                }
            }

            if (cutoff is null)
            {
                rows.Add(new ConversionRow(r, null, 0, null));
                continue;
            }

            double above = 0;
            for (var s = cutoff.Value; s < riskByScore.Length; s++)
            {
                above += counts.Controls[s] + counts.Cases[s];
            }

            rows.Add(new ConversionRow(r, cutoff, 100 * above / total, RocAnalysis.MetricsAt(counts, cutoff.Value)));
        }

        return new ConversionTable(fit, riskByScore, rows);
    }
}
