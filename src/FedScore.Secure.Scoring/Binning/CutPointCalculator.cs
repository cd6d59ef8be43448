using FedScore.Secure.Scoring.Data;
using FedScore.Secure.Scoring.Statistics;

namespace FedScore.Secure.Scoring.Binning;

/// <summary>
/// AutoScore module 2 (<c>get_cut_vec</c>, categorize = "quantile") and the bins of <c>transform_df_fixed</c>,
/// computed from pooled counts only: type-7 quantiles come from exact order statistics found by bisection on
/// "count ≤ t" (<see cref="OrderStatisticSearch"/>), and every data-dependent choice of the binning (open ends,
/// missing level, the mode of a let_binary variable) is a count. With one site this is plain AutoScore.
/// </summary>
public static class CutPointCalculator
{
    /// <summary>AutoScore's default quantiles.</summary>
    public static readonly double[] DefaultProbabilities = [0, 0.05, 0.2, 0.8, 0.95, 1];

    /// <summary>
    /// Type-7 quantiles of each numeric variable (NaN removed) at <paramref name="probabilities"/>, from counts.
    /// Result[v][k] is the quantile of variables[v] at probabilities[k].
    /// </summary>
    public static double[][] Quantiles(IPooledStatistics stats, DataPart part, IReadOnlyList<string> variables, IReadOnlyList<double> probabilities)
    {
        var plusInf = Enumerable.Repeat(double.PositiveInfinity, variables.Count).ToArray();
        var n = stats.CountAtOrBelow(part, variables, plusInf);
        var queryVariables = new List<string>();
        var ranks = new List<long>();
        var plan = new (int LoIndex, int HiIndex, double H)[variables.Count, probabilities.Count];
        for (var v = 0; v < variables.Count; v++)
        {
            if (n[v] == 0)
            {
                throw new InvalidOperationException($"variable '{variables[v]}' has no non-missing {Dataset.SplitLabel(part)} values.");
            }

            for (var k = 0; k < probabilities.Count; k++)
            {
                var (lo, hi, h) = Type7Quantile.Ranks(n[v], probabilities[k]);
                plan[v, k] = (ranks.Count, ranks.Count + 1, h);
                queryVariables.Add(variables[v]);
                ranks.Add(lo);
                queryVariables.Add(variables[v]);
                ranks.Add(hi);
            }
        }

        var order = OrderStatisticSearch.Find(
            ranks.ToArray(),
            thresholds => stats.CountAtOrBelow(part, queryVariables, thresholds));
        var result = new double[variables.Count][];
        for (var v = 0; v < variables.Count; v++)
        {
            result[v] = new double[probabilities.Count];
            for (var k = 0; k < probabilities.Count; k++)
            {
                var (lo, hi, h) = plan[v, k];
                result[v][k] = Type7Quantile.Combine(order[lo], order[hi], h);
            }
        }

        return result;
    }

    /// <summary>
    /// <c>get_cut_vec</c>: q = quantile(x, probs); q = unique(q); cut = signif(q, 3) (not de-duplicated again, as in R);
    /// length ≤ 2 → "let_binary", else the first and last are dropped. Categorical variables are skipped.
    /// </summary>
    public static Dictionary<string, CutVector> CutVectors(IPooledStatistics stats, DataPart part, IEnumerable<string> variables, IReadOnlyList<double>? probabilities = null)
    {
        probabilities ??= DefaultProbabilities;
        var numeric = variables.Where(v => Kind(stats, v) == PredictorKind.Numeric).ToList();
        var q = Quantiles(stats, part, numeric, probabilities);
        var result = new Dictionary<string, CutVector>(StringComparer.Ordinal);
        for (var v = 0; v < numeric.Count; v++)
        {
            var cut = q[v].Distinct().Select(x => RNumerics.Signif(x, 3)).ToArray();
            result[numeric[v]] = cut.Length <= 2 ? CutVector.LetBinary(numeric[v]) : CutVector.Numeric(numeric[v], cut[1..^1]);
        }

        return result;
    }

    /// <summary>
    /// The bins of each variable on the given data part (<c>transform_df_fixed</c> on the training data):
    /// numeric → <see cref="NumericBinning"/> (open ends decided by counts below the first / at or above the last
    /// break), let_binary → <see cref="LetBinaryBinning"/> (mode from counts), categorical → its levels.
    /// Cut vectors are looked up BY NAME.
    /// </summary>
    public static List<VariableBinning> Binnings(IPooledStatistics stats, DataPart part, IReadOnlyList<string> variables, IReadOnlyDictionary<string, CutVector> cuts)
    {
        var rows = stats.RowAndEventCounts(part)[0];
        var result = new List<VariableBinning>();
        foreach (var name in variables)
        {
            var info = stats.Schema.FirstOrDefault(p => p.Name == name)
                ?? throw new KeyNotFoundException($"no predictor named '{name}'.");
            if (info.Kind == PredictorKind.Categorical)
            {
                var counts = stats.LevelCounts(part, name, info.Levels);
                var present = info.Levels.Where((_, i) => counts[i] > 0);
                result.Add(CategoricalBinning.Create(name, present, counts[^1] > 0));
                continue;
            }

            if (!cuts.TryGetValue(name, out var cut))
            {
                throw new KeyNotFoundException($"no cut vector for variable '{name}'.");
            }

            if (cut.IsLetBinary)
            {
                result.Add(LetBinaryFromCounts(stats, part, name, rows));
                continue;
            }

            var breaks = cut.Cuts.Select(c => RNumerics.Signif(c, 3)).ToArray();
            var first = breaks.Min();
            var last = breaks.Max();
            // n (non-missing), count(x < first) = count(x ≤ prev(first)), count(x < last).
            var c3 = stats.CountAtOrBelow(part, [name, name, name],
                [double.PositiveInfinity, Math.BitDecrement(first), Math.BitDecrement(last)]);
            result.Add(NumericBinning.Create(name, cut.Cuts, c3[1] > 0, c3[0] - c3[2] > 0, rows - c3[0] > 0));
        }

        return result;
    }

    /// <summary>
    /// The mode of a let_binary variable. let_binary means the six quantiles take ≤ 2 distinct values, so the data
    /// sit (≥ 90 %) on those values; the mode is the one with the larger count (ties → smaller value, as R's
    /// <c>names(sort(-table(x)))[1]</c>). Counts of x == v are count(≤ v) − count(≤ prev(v)).
    /// </summary>
    private static LetBinaryBinning LetBinaryFromCounts(IPooledStatistics stats, DataPart part, string name, long rows)
    {
        var q = Quantiles(stats, part, [name], [0, 0.05, 0.2, 0.8, 0.95, 1])[0].Distinct().Order().ToArray();
        var vars = new List<string>();
        var thresholds = new List<double>();
        foreach (var v in q)
        {
            vars.Add(name);
            thresholds.Add(v);
            vars.Add(name);
            thresholds.Add(Math.BitDecrement(v));
        }

        vars.Add(name);
        thresholds.Add(double.PositiveInfinity);
        var c = stats.CountAtOrBelow(part, vars, thresholds);
        var best = 0;
        var bestCount = -1L;
        for (var i = 0; i < q.Length; i++)
        {
            var count = c[2 * i] - c[2 * i + 1];
            if (count > bestCount)
            {
                bestCount = count;
                best = i;
            }
        }

        return LetBinaryBinning.Create(name, q[best], rows - c[^1] > 0);
    }

    private static PredictorKind Kind(IPooledStatistics stats, string name) =>
        (stats.Schema.FirstOrDefault(p => p.Name == name) ?? throw new KeyNotFoundException($"no predictor named '{name}'.")).Kind;
}
