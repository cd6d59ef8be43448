using FedScore.Secure.Scoring.Binning;
using FedScore.Secure.Scoring.Data;
using FedScore.Secure.Scoring.Modeling;

namespace FedScore.Secure.Scoring.Federated;

/// <summary>
/// AutoScore's two-step derivation (first fit, change of reference, refit, points scaled to 100 half-even) with a
/// pluggable federated fitter, for the approximate FedAvg / ODAL2 comparisons. It follows
/// <see cref="ScoreDerivation.Derive"/> step by step; the pooled-exact path calls that method directly.
/// MERGE NOTE: if <see cref="ScoreDerivation.Derive"/> gains a fitter parameter, this class can go.
/// </summary>
public static class TwoStepScoreDerivation
{
    public static ScoreDerivationResult Derive(SecurePooledStatistics stats, DataPart part, IReadOnlyList<VariableBinning> binnings, FederatedFitMethod method, int maxScore = 100)
    {
        var warnings = new List<string>();
        var counts = stats.BinOutcomeCounts(part, binnings);
        var levelRows = new long[binnings.Count][];
        var offset = 0;
        for (var v = 0; v < binnings.Count; v++)
        {
            levelRows[v] = new long[binnings[v].LevelCount];
            for (var l = 0; l < levelRows[v].Length; l++)
            {
                levelRows[v][l] = counts[offset + 2 * l];
            }

            offset += 2 * binnings[v].LevelCount;
        }

        var refs1 = binnings.Select((b, v) => b.FirstLevelInStringOrder(levelRows[v])).ToArray();
        var design1 = new BinnedDesign(binnings, refs1);
        var fit1 = FederatedFitters.Fit(stats, part, design1, method);
        var coef1 = LevelCoefficients(design1, fit1.Coefficients, levelRows);
        var refs2 = new int[binnings.Count];
        for (var v = 0; v < binnings.Count; v++)
        {
            refs2[v] = refs1[v];
            var min = 0.0;
            for (var l = 0; l < binnings[v].LevelCount; l++)
            {
                if (l != refs1[v] && coef1[v][l] < min)
                {
                    min = coef1[v][l];
                    refs2[v] = l;
                }
            }
        }

        var design2 = new BinnedDesign(binnings, refs2);
        var fit2 = FederatedFitters.Fit(stats, part, design2, method);
        warnings.AddRange(fit2.Warnings);
        var coef2 = LevelCoefficients(design2, fit2.Coefficients, levelRows);
        var min2 = double.PositiveInfinity;
        for (var v = 0; v < binnings.Count; v++)
        {
            for (var l = 0; l < binnings[v].LevelCount; l++)
            {
                if (l != refs2[v])
                {
                    min2 = Math.Min(min2, coef2[v][l]);
                }
            }
        }

        if (!(min2 > 0))
        {
            var positive = coef2.SelectMany((c, v) => c.Where((x, l) => l != refs2[v] && x > 0)).DefaultIfEmpty(double.NaN).Min();
            warnings.Add($"smallest non-reference coefficient is {min2:G4} (≤ 0); scaling by the smallest positive one instead.");
            min2 = double.IsNaN(positive) ? 1 : positive;
        }

        var tmp = coef2.Select((c, v) => c.Select((x, l) => l == refs2[v] ? 0 : RNumerics.RoundHalfEven(x / min2)).ToArray()).ToArray();
        var total = tmp.Sum(t => t.Length == 0 ? 0 : t.Max());
        var points = binnings.Select((b, v) => new VariablePoints(b,
            [.. tmp[v].Select(t => total > 0 ? (int)RNumerics.RoundHalfEven(t / (total / maxScore)) : 0)])).ToList();
        return new ScoreDerivationResult(new ScoringTable(points), fit1, fit2, design2, warnings);
    }

    private static double[][] LevelCoefficients(BinnedDesign design, double[] beta, long[][] levelRows)
    {
        var result = new double[design.Binnings.Count][];
        for (var v = 0; v < result.Length; v++)
        {
            result[v] = new double[design.Binnings[v].LevelCount];
            for (var l = 0; l < result[v].Length; l++)
            {
                var c = design.ColumnOf(v, l);
                result[v][l] = c < 0 ? 0 : levelRows[v][l] == 0 ? 1 : beta[c];
            }
        }

        return result;
    }
}
