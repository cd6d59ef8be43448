using FedScore.Secure.Scoring.Binning;
using FedScore.Secure.Scoring.Data;
using FedScore.Secure.Scoring.Evaluation;
using FedScore.Secure.Scoring.Modeling;

namespace FedScore.Secure.Scoring.Statistics;

/// <summary>
/// Answers each query with the plain element-wise sum of several sites' local statistics — the reference a secure
/// implementation must reproduce, and a convenient way to check that pooled-by-sums equals pooled-by-concatenation.
/// </summary>
public sealed class SummedStatistics : IPooledStatistics
{
    private readonly SiteStatistics[] _sites;

    public SummedStatistics(IReadOnlyList<SiteStatistics> sites)
    {
        if (sites.Count == 0)
        {
            throw new ArgumentException("at least one site is required.");
        }

        _sites = [.. sites];
        Schema = MergeSchemas(_sites.Select(s => s.Schema).ToList());
    }

    public IReadOnlyList<PredictorInfo> Schema { get; }

    /// <summary>Sites must have the same predictor names and kinds (any order); categorical levels are united.</summary>
    public static IReadOnlyList<PredictorInfo> MergeSchemas(IReadOnlyList<IReadOnlyList<PredictorInfo>> schemas)
    {
        var first = schemas[0];
        var result = new List<PredictorInfo>();
        foreach (var p in first)
        {
            var levels = new SortedSet<string>(p.Levels, StringComparer.Ordinal);
            for (var k = 1; k < schemas.Count; k++)
            {
                var other = schemas[k].FirstOrDefault(o => o.Name == p.Name)
                    ?? throw new ArgumentException($"site {k + 1} has no predictor '{p.Name}'.");
                if (other.Kind != p.Kind)
                {
                    throw new ArgumentException($"predictor '{p.Name}' is {p.Kind} at site 1 and {other.Kind} at site {k + 1}.");
                }

                levels.UnionWith(other.Levels);
            }

            result.Add(p with { Levels = [.. levels] });
        }

        for (var k = 1; k < schemas.Count; k++)
        {
            if (schemas[k].Count != first.Count)
            {
                throw new ArgumentException($"site {k + 1} has {schemas[k].Count} predictors, site 1 has {first.Count}.");
            }
        }

        return result;
    }

    public long[] RowAndEventCounts(DataPart part) => SumLong(s => s.RowAndEventCounts(part));

    public long[] CountAtOrBelow(DataPart part, IReadOnlyList<string> variables, IReadOnlyList<double> thresholds) =>
        SumLong(s => s.CountAtOrBelow(part, variables, thresholds));

    public long[] LevelCounts(DataPart part, string variable, IReadOnlyList<string> levels) =>
        SumLong(s => s.LevelCounts(part, variable, levels));

    public long[] BinOutcomeCounts(DataPart part, IReadOnlyList<VariableBinning> binnings) =>
        SumLong(s => s.BinOutcomeCounts(part, binnings));

    public LogisticStatistics Logistic(DataPart part, LogisticDesign design, double[] beta) =>
        LogisticStatistics.Sum(_sites.Select(s => s.Logistic(part, design, beta)));

    public ScoreCounts ScoreCounts(DataPart part, ScoringTable table) =>
        Evaluation.ScoreCounts.Sum(_sites.Select(s => s.ScoreCounts(part, table)));

    private long[] SumLong(Func<SiteStatistics, long[]> local)
    {
        long[]? total = null;
        foreach (var s in _sites)
        {
            var v = local(s);
            total ??= new long[v.Length];
            if (v.Length != total.Length)
            {
                throw new InvalidOperationException("sites returned vectors of different lengths.");
            }

            for (var i = 0; i < v.Length; i++)
            {
                total[i] += v[i];
            }
        }

        return total!;
    }
}
