using FedScore.Secure.Scoring.Binning;
using FedScore.Secure.Scoring.Data;
using FedScore.Secure.Scoring.Statistics;

namespace FedScore.Secure.Scoring.Modeling;

/// <summary>Outcome of AutoScore module 3 on one set of variables.</summary>
public sealed record ScoreDerivationResult(
    ScoringTable Table,
    LogisticFit FirstFit,
    LogisticFit SecondFit,
    BinnedDesign SecondDesign,
    IReadOnlyList<string> Warnings);

/// <summary>
/// AutoScore module 3 (<c>compute_score_table</c>) from pooled statistics:
/// 1. glm on the binned variables, reference = the level whose label sorts first (R's factor order);
/// 2. change of reference: per variable, the level with the most negative coefficient (if any is negative) becomes
///    the reference; 3. refit (started from the exactly reparametrised β, so it converges in a step or two);
/// 4. tmp = round(coef / min non-intercept coef) (half-even); reference levels 0;
/// 5. points = round(tmp / (Σ_var max tmp / 100)) (half-even), so the per-variable maxima sum to ≈100.
/// Levels with no training rows get coefficient 1 as in R (aliased → NA → 1), with a warning.
/// Variables are matched by name (R's grepl substring matching of variable names is not reproduced).
/// </summary>
public static class ScoreDerivation
{
    public static ScoreDerivationResult Derive(
        IPooledStatistics stats,
        DataPart part,
        IReadOnlyList<VariableBinning> binnings,
        int maxScore = 100,
        LogisticFitOptions? fitOptions = null)
    {
        var warnings = new List<string>();
        var counts = stats.BinOutcomeCounts(part, binnings);
        var levelRows = new long[binnings.Count][];
        var offset = 0;
        for (var v = 0; v < binnings.Count; v++)
        {
            var b = binnings[v];
            levelRows[v] = new long[b.LevelCount];
            for (var l = 0; l < b.LevelCount; l++)
            {
                long n = counts[offset + 2 * l], events = counts[offset + 2 * l + 1];
                levelRows[v][l] = n;
                if (n == 0)
                {
                    warnings.Add($"{b.Variable}{b.Labels[l]}: no training rows; its coefficient is set to 1 as AutoScore does for aliased levels.");
                }
                else if (events == 0 || events == n)
                {
                    warnings.Add($"{b.Variable}{b.Labels[l]}: {(events == 0 ? "no events" : "only events")} among {n} rows (separation); its coefficient is bounded, not a finite MLE.");
                }
            }

            offset += 2 * b.LevelCount;
        }

        // Step 1: first fit with R's initial references.
        var refs1 = binnings.Select((b, v) => b.FirstLevelInStringOrder(levelRows[v])).ToArray();
        var design1 = new BinnedDesign(binnings, refs1);
        var fit1 = NewtonLogisticSolver.Fit(beta => stats.Logistic(part, design1, beta), design1.ColumnNames, null, fitOptions);
        warnings.AddRange(fit1.Warnings.Select(w => "first fit: " + w));
        var levelCoef1 = LevelCoefficients(design1, fit1.Coefficients, levelRows);

        // Step 2: change of reference to the most negative level.
        var refs2 = new int[binnings.Count];
        for (var v = 0; v < binnings.Count; v++)
        {
            refs2[v] = refs1[v];
            var min = 0.0;
            for (var l = 0; l < binnings[v].LevelCount; l++)
            {
                if (l != refs1[v] && levelCoef1[v][l] < min)
                {
                    min = levelCoef1[v][l];
                    refs2[v] = l;
                }
            }
        }

        // Step 3: refit, starting from the reparametrised first fit.
        var design2 = new BinnedDesign(binnings, refs2);
        var start = new double[design2.Columns];
        start[0] = fit1.Coefficients[0];
        for (var v = 0; v < binnings.Count; v++)
        {
            var shift = levelCoef1[v][refs2[v]];
            start[0] += shift;
            for (var l = 0; l < binnings[v].LevelCount; l++)
            {
                var c = design2.ColumnOf(v, l);
                if (c >= 0)
                {
                    start[c] = levelRows[v][l] == 0 ? 0 : levelCoef1[v][l] - shift;
                }
            }
        }

        var fit2 = NewtonLogisticSolver.Fit(beta => stats.Logistic(part, design2, beta), design2.ColumnNames, start, fitOptions);
        warnings.AddRange(fit2.Warnings.Select(w => "second fit: " + w));
        var levelCoef2 = LevelCoefficients(design2, fit2.Coefficients, levelRows);

        var points = PointsFromCoefficients(levelCoef2, refs2, maxScore, warnings);
        var table = new ScoringTable([.. binnings.Select((b, v) => new VariablePoints(b, points[v]))]);
        return new ScoreDerivationResult(table, fit1, fit2, design2, warnings);
    }

    /// <summary>
    /// Steps 4–5: tmp = round(coef / min non-reference coef), total = Σ_var max tmp, points = round(tmp / (total / maxScore)),
    /// both roundings half-to-even as R's round(). <paramref name="levelCoefficients"/>[v][l] is level l's coefficient
    /// (reference = 0).
    /// </summary>
    public static int[][] PointsFromCoefficients(double[][] levelCoefficients, IReadOnlyList<int> references, int maxScore, List<string>? warnings = null)
    {
        var min2 = double.PositiveInfinity;
        for (var v = 0; v < levelCoefficients.Length; v++)
        {
            for (var l = 0; l < levelCoefficients[v].Length; l++)
            {
                if (l != references[v])
                {
                    min2 = Math.Min(min2, levelCoefficients[v][l]);
                }
            }
        }

        if (!(min2 > 0))
        {
            // R divides anyway (negative → sign flip, 0 → Inf). Guard: use the smallest positive coefficient.
            var positive = levelCoefficients.SelectMany((c, v) => c.Where((x, l) => l != references[v] && x > 0)).DefaultIfEmpty(double.NaN).Min();
            warnings?.Add($"smallest non-reference coefficient is {min2:G4} (≤ 0); scaling by the smallest positive one ({positive:G4}) instead.");
            min2 = double.IsNaN(positive) ? 1 : positive;
        }

        var tmp = new double[levelCoefficients.Length][];
        double total = 0;
        for (var v = 0; v < tmp.Length; v++)
        {
            tmp[v] = new double[levelCoefficients[v].Length];
            for (var l = 0; l < tmp[v].Length; l++)
            {
                tmp[v][l] = l == references[v] ? 0 : RNumerics.RoundHalfEven(levelCoefficients[v][l] / min2);
            }

            total += tmp[v].Length == 0 ? 0 : tmp[v].Max();
        }

        var points = new int[tmp.Length][];
        for (var v = 0; v < tmp.Length; v++)
        {
            points[v] = new int[tmp[v].Length];
            for (var l = 0; l < tmp[v].Length; l++)
            {
                points[v][l] = total > 0 ? (int)RNumerics.RoundHalfEven(tmp[v][l] / (total / maxScore)) : 0;
            }
        }

        return points;
    }

    /// <summary>Coefficient of every level (reference 0; empty levels 1 as in R's NA → 1).</summary>
    private static double[][] LevelCoefficients(BinnedDesign design, double[] beta, long[][] levelRows)
    {
        var result = new double[design.Binnings.Count][];
        for (var v = 0; v < result.Length; v++)
        {
            var b = design.Binnings[v];
            result[v] = new double[b.LevelCount];
            for (var l = 0; l < b.LevelCount; l++)
            {
                var c = design.ColumnOf(v, l);
                result[v][l] = c < 0 ? 0 : levelRows[v][l] == 0 ? 1 : beta[c];
            }
        }

        return result;
    }
}
