using FedScore.Secure.Aggregation;
using FedScore.Secure.Federation;
using FedScore.Secure.FixedPoint;
using FedScore.Secure.Scoring.Federated;

namespace FedScore.Secure.Cli.Federation;

/// <summary>
/// Reports the pipeline's progress from the secure sums it asks for: <paramref name="onRound"/> after every round
/// (for a live status line) and <paramref name="onPhase"/> when the kind of statistic changes (for plain logs).
/// </summary>
internal sealed class ProgressFederation(ISecureFederation inner, Action<string>? onRound, Action<string>? onPhase) : ISecureFederation
{
    private int _rounds;
    private string? _phase;

    public IReadOnlyList<ParticipantId> Sites => inner.Sites;

    public string SchemeName => inner.SchemeName;

    public IReadOnlyList<ReleaseRecord> Releases => inner.Releases;

    public int Rounds => _rounds;

    public async Task<AggregationResult> SecureSumAsync(StatisticRequest request, int length, FixedPointRequirements requirements, CancellationToken cancellationToken = default)
    {
        int round = Interlocked.Increment(ref _rounds);
        Phase(request.Kind);
        AggregationResult result = await inner.SecureSumAsync(request, length, requirements, cancellationToken).ConfigureAwait(false);
        onRound?.Invoke($"secure sum {round} ({Describe(request.Kind)}, {length} values): {result.Contributors.Count}/{Sites.Count} sites answered");
        return result;
    }

    public Task<IReadOnlyDictionary<ParticipantId, string>> BroadcastAsync(StatisticRequest request, CancellationToken cancellationToken = default)
    {
        Phase(request.Kind);
        return inner.BroadcastAsync(request, cancellationToken);
    }

    private void Phase(string kind)
    {
        string phase = Describe(kind);
        if (phase != _phase)
        {
            _phase = phase;
            onPhase?.Invoke($"[sum {_rounds + 1,4}] {phase}");
        }
    }

    /// <summary>What a request kind is for, in words (unknown kinds are shown as they are).</summary>
    private static string Describe(string kind) => kind switch
    {
        RequestKinds.RowsAndEvents => "counting patients and events",
        RequestKinds.CountAtOrBelow => "pooled quantiles and medians by secure counting",
        RequestKinds.LevelCounts => "pooled category counts",
        RequestKinds.BinOutcomeCounts => "pooled bin counts by outcome",
        RequestKinds.Rank => "variable ranking (weighted mean of site ranks)",
        RequestKinds.Logistic => "pooled Newton iterations (gradient, Hessian, deviance)",
        RequestKinds.ScoreCounts => "score counts by outcome (AUC, DeLong CI)",
        RequestKinds.Moments => "pooled means and variances",
        RequestKinds.SiteCuts => "sites' own cut vectors (FedScore-compatible)",
        RequestKinds.LocalFit => "sites' local fits (FedAvg)",
        RequestKinds.Odal2Surrogate => "ODAL2 surrogate likelihood",
        RequestKinds.EvaluateLocally => "each site evaluates the score on its own test set",
        RequestKinds.Schema => "agreeing on the variables",
        _ when kind.StartsWith("fedscore.", StringComparison.Ordinal) => kind["fedscore.".Length..],
        _ => kind,
    };
}
