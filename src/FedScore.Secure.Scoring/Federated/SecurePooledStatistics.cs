using System.Text.Json;
using FedScore.Secure.Aggregation;
using FedScore.Secure.Federation;
using FedScore.Secure.FixedPoint;
using FedScore.Secure.Scoring.Binning;
using FedScore.Secure.Scoring.Data;
using FedScore.Secure.Scoring.Evaluation;
using FedScore.Secure.Scoring.Modeling;
using FedScore.Secure.Scoring.Statistics;

namespace FedScore.Secure.Scoring.Federated;

/// <summary>
/// <see cref="IPooledStatistics"/> answered through secure aggregation: every query becomes a
/// <see cref="StatisticRequest"/> that each site answers on its own data (<see cref="FedScoreSiteStatistics"/>) and
/// the coordinator receives only the secure sum. All AutoScore steps written against <see cref="IPooledStatistics"/>
/// (cut points, binning, imputation, two-step score derivation, ROC analysis) therefore run unchanged and give the
/// pooled result. Released count vectors pass the <see cref="DisclosurePolicy"/> before they are returned.
/// </summary>
/// <remarks>
/// <see cref="IPooledStatistics"/> is synchronous; each query blocks on the federation's task. That is safe in
/// console and test hosts (no synchronization context); a UI host must call this from a worker thread.
/// </remarks>
public sealed class SecurePooledStatistics : IPooledStatistics
{
    private readonly ISecureFederation _federation;
    private readonly Dictionary<DataPart, long> _rows = [];
    private readonly HashSet<string> _checkedDesigns = new(StringComparer.Ordinal);
    private IReadOnlyList<PredictorInfo>? _schema;

    public SecurePooledStatistics(ISecureFederation federation, DisclosurePolicy? policy = null, FederatedOptions? options = null)
    {
        _federation = federation ?? throw new ArgumentNullException(nameof(federation));
        Policy = policy ?? DisclosurePolicy.Default;
        Options = options ?? new FederatedOptions();
    }

    public ISecureFederation Federation => _federation;

    public DisclosurePolicy Policy { get; }

    public FederatedOptions Options { get; }

    private int SiteCount => Math.Max(1, _federation.Sites.Count);

    /// <summary>The merged public schema (names, kinds, level names) the sites broadcast; no counts.</summary>
    public IReadOnlyList<PredictorInfo> Schema => _schema ??= LoadSchema();

    private IReadOnlyList<PredictorInfo> LoadSchema()
    {
        var replies = Wait(_federation.BroadcastAsync(new StatisticRequest(RequestKinds.Schema, "{}")));
        var schemas = replies.OrderBy(r => r.Key).Select(r =>
            (IReadOnlyList<PredictorInfo>)[.. FederatedJson.Parse<SiteSchema>(r.Value, $"schema of {r.Key}").Predictors
                .Select(p => new PredictorInfo(p.Name, p.Kind, p.Levels ?? []))]).ToList();
        if (schemas.Count == 0)
        {
            throw new InvalidOperationException("no site answered the schema request.");
        }

        return SummedStatistics.MergeSchemas(schemas);
    }

    public long[] RowAndEventCounts(DataPart part)
    {
        var c = SumCounts(RequestKinds.RowsAndEvents, new PartRequest(part), 2, Options.MaxRowsPerSite * SiteCount);
        var statistic = $"{RequestKinds.RowsAndEvents} ({Dataset.SplitLabel(part)})";
        Policy.CheckCell(statistic, c[0], () => "rows");
        Policy.CheckCell(statistic, c[1], () => "events");
        Policy.CheckCell(statistic, c[0] - c[1], () => "non-events");
        _rows[part] = c[0];
        return c;
    }

    /// <summary>Pooled rows of a part (one secure count the first time).</summary>
    public long Rows(DataPart part) => _rows.TryGetValue(part, out var n) ? n : RowAndEventCounts(part)[0];

    /// <summary>
    /// Comparison counts for the order-statistic bisection: NOT checked cell by cell (see the remark on
    /// <see cref="DisclosurePolicy"/>); library code uses them only as "count ≥ k" and for yes/no binning facts.
    /// </summary>
    public long[] CountAtOrBelow(DataPart part, IReadOnlyList<string> variables, IReadOnlyList<double> thresholds) =>
        SumCounts(RequestKinds.CountAtOrBelow, new CountAtOrBelowRequest(part, [.. variables], [.. thresholds]), variables.Count, Rows(part));

    public long[] LevelCounts(DataPart part, string variable, IReadOnlyList<string> levels)
    {
        var c = SumCounts(RequestKinds.LevelCounts, new LevelCountsRequest(part, variable, [.. levels]), levels.Count + 1, Rows(part));
        Policy.CheckCounts($"{RequestKinds.LevelCounts} ({Dataset.SplitLabel(part)})", c,
            i => i < levels.Count ? $"{variable} = '{levels[i]}'" : $"{variable} missing");
        return c;
    }

    public long[] BinOutcomeCounts(DataPart part, IReadOnlyList<VariableBinning> binnings)
    {
        var length = binnings.Sum(b => 2 * b.LevelCount);
        var c = SumCounts(RequestKinds.BinOutcomeCounts, new BinCountsRequest(part, [.. binnings.Select(BinningSpec.From)]), length, Rows(part));
        var statistic = $"{RequestKinds.BinOutcomeCounts} ({Dataset.SplitLabel(part)})";
        var offset = 0;
        foreach (var b in binnings)
        {
            for (var l = 0; l < b.LevelCount; l++)
            {
                long rows = c[offset + 2 * l], events = c[offset + 2 * l + 1];
                var cell = b.Variable + b.Labels[l];
                Policy.CheckCell(statistic, rows, () => $"{cell} rows");
                Policy.CheckCell(statistic, events, () => $"{cell} events");
                Policy.CheckCell(statistic, rows - events, () => $"{cell} non-events");
            }

            offset += 2 * b.LevelCount;
        }

        return c;
    }

    public LogisticStatistics Logistic(DataPart part, LogisticDesign design, double[] beta)
    {
        var spec = DesignSpec.From(design);
        var n = Rows(part);
        var bound = n * LogisticElementBound(design, beta);
        var length = LogisticStatistics.VectorLength(design.Columns);
        var result = Wait(_federation.SecureSumAsync(FederatedJson.Request(RequestKinds.Logistic, new LogisticRequest(part, spec, beta)), length,
            SecurePrecision.Reals(bound, SiteCount)));
        CheckContributors(result, RequestKinds.Logistic);
        var stats = LogisticStatistics.FromVector(result.Sum, design.Columns);
        stats.Count = Math.Round(stats.Count);
        if (_checkedDesigns.Add(Dataset.SplitLabel(part) + JsonSerializer.Serialize(design.ColumnNames)))
        {
            Policy.CheckGlm($"{RequestKinds.Logistic} ({Dataset.SplitLabel(part)})", stats.Count, design.Columns);
        }

        return stats;
    }

    /// <summary>
    /// Per-row bound on every element of the logistic statistics vector, so that ×n bounds a site's sum:
    /// count ≤ 1, |gradient| ≤ max|x|, information ≤ max|x|²/4, deviance ≤ 2(ln 2 + |η|) with |η| ≤ |β₀| + max|x|·Σ|β_j|.
    /// max|x| is 1 for dummy columns; for pooled-standardized columns Σ|z| ≤ √(n·Σz²) ≤ 1.5 n (Cauchy–Schwarz with
    /// Σz² ≈ N − 1, margin for the fixed-point error of the mean and SD); for raw numeric columns the declared
    /// <see cref="FederatedOptions.MaxAbsPredictor"/>.
    /// </summary>
    private double LogisticElementBound(LogisticDesign design, double[] beta)
    {
        var m = design switch
        {
            BinnedDesign => 1.0,
            StandardizedNumericDesign => 1.5,
            _ => Options.MaxAbsPredictor,
        };
        var rest = 0.0;
        for (var i = 1; i < beta.Length; i++)
        {
            rest += Math.Abs(beta[i]);
        }

        var eta = Math.Abs(beta.Length > 0 ? beta[0] : 0) + m * rest;
        return Math.Max(Math.Max(2, m * m), 2 * (Math.Log(2) + eta)) * 1.01;
    }

    public ScoreCounts ScoreCounts(DataPart part, ScoringTable table)
    {
        var maxScore = table.MaxTotal;
        var c = SumCounts(RequestKinds.ScoreCounts, new ScoreCountsRequest(part, ScoringTableSpec.From(table), maxScore), 2 * (maxScore + 1), Rows(part));
        string statistic = $"{RequestKinds.ScoreCounts} ({Dataset.SplitLabel(part)})";
        if (Policy.CheckScoreTablesPerCell)
        {
            Policy.CheckCounts(statistic, c, i => i <= maxScore ? $"controls at score {i}" : $"cases at score {i - maxScore - 1}");
        }
        else
        {
            // The per-score table is an intermediate consumed by the ROC code (like the bisection counts); what is
            // released is the AUC with its CI and banded metrics, so only the class totals are checked here.
            long controls = 0;
            long cases = 0;
            for (var i = 0; i < c.Length; i++)
            {
                if (i <= maxScore)
                {
                    controls += c[i];
                }
                else
                {
                    cases += c[i];
                }
            }

            Policy.CheckCell(statistic, controls, () => "controls (total)");
            Policy.CheckCell(statistic, cases, () => "cases (total)");
        }

        return Evaluation.ScoreCounts.FromVector(c);
    }

    /// <summary>A real-valued secure sum (moments, ranks, cut vectors, local fits).</summary>
    internal double[] SumReals<T>(string kind, T payload, int length, double bound, double maxWeight = 1)
    {
        var result = Wait(_federation.SecureSumAsync(FederatedJson.Request(kind, payload), length, SecurePrecision.Reals(bound, SiteCount, maxWeight)));
        CheckContributors(result, kind);
        return result.Sum;
    }

    private long[] SumCounts<T>(string kind, T payload, int length, double maxCount)
    {
        var result = Wait(_federation.SecureSumAsync(FederatedJson.Request(kind, payload), length, SecurePrecision.Counts(maxCount, SiteCount)));
        CheckContributors(result, kind);
        var counts = new long[length];
        for (var i = 0; i < length; i++)
        {
            counts[i] = (long)Math.Round(result.Sum[i]);
        }

        return counts;
    }

    /// <summary>
    /// A pooled-exact answer needs every site: a sum over a subset is the statistic of different data, and mixing
    /// subsets across the rounds of one fit would give a wrong answer silently. Refuse instead.
    /// </summary>
    private void CheckContributors(AggregationResult result, string kind)
    {
        if (Options.RequireAllSites && result.Dropped.Count > 0)
        {
            throw new SiteDroppedException(kind, result.Dropped);
        }
    }

    internal static T Wait<T>(Task<T> task) => task.GetAwaiter().GetResult();
}

/// <summary>Public bounds and behaviour of the federated statistics.</summary>
public sealed record FederatedOptions
{
    /// <summary>Upper bound on any site's row count (declares the count sums' width before n is known).</summary>
    public long MaxRowsPerSite { get; init; } = 100_000_000;

    /// <summary>Declared bound on |x| of raw numeric predictors (moments for the GLM's standardization); the codec refuses larger values.</summary>
    public double MaxAbsPredictor { get; init; } = 1e5;

    /// <summary>Refuse a statistic when a site dropped out (pooled-exact results need all sites).</summary>
    public bool RequireAllSites { get; init; } = true;
}
