using FedScore.Secure.Aggregation;
using FedScore.Secure.Aggregation.Federation;
using FedScore.Secure.Cli.Federation;
using FedScore.Secure.Federation;
using FedScore.Secure.Scoring.Data;
using FedScore.Secure.Scoring.Evaluation;
using FedScore.Secure.Scoring.Federated;
using FedScore.Secure.Scoring.Modeling;
using FedScore.Secure.Scoring.Statistics;

namespace FedScore.Secure.Cli.Reproduction;

/// <summary>
/// The in-process federation the train command uses (<see cref="InProcessFederation"/>: every secure sum runs the
/// chosen scheme's full protocol through serialized messages), with reproduction sites and a live status line.
/// </summary>
internal sealed class SimulatedFederation : IDisposable
{
    private readonly InProcessFederation _inner;

    public SimulatedFederation(string scheme, IReadOnlyList<(string Name, SiteStatistics Site)> sites, Action<string>? status)
    {
        Sites = [.. sites.Select(s => new ReproductionSite(new ParticipantId(s.Name), new FedScoreSiteStatistics(s.Site)))];
        _inner = new InProcessFederation(AggregationSchemes.Create(scheme), Sites.ToDictionary(s => s.Id, s => (ISiteStatistics)s),
            sessionId: "fedscore-reproduction", recordTranscript: false);
        Federation = new ProgressFederation(_inner, status, null);
    }

    public IReadOnlyList<ReproductionSite> Sites { get; }

    public ISecureFederation Federation { get; }

    public string SchemeName => _inner.SchemeName;

    /// <summary>Secure sums run so far (each one a full protocol round of the scheme).</summary>
    public int SecureSums => _inner.Releases.Count;

    /// <summary>Bytes the aggregation server received over all secure sums (masked vectors / ciphertexts).</summary>
    public long BytesAtServer => _inner.Releases.Sum(r => r.BytesReceivedByServer);

    public FedScorePipeline Pipeline(FedScoreOptions options) => new(Federation, options with { PerSiteMetrics = false });

    /// <summary>Each site evaluates <paramref name="table"/> on its own <paramref name="part"/> and releases its report.</summary>
    public IReadOnlyDictionary<string, SiteReport> Evaluate(ScoringTable table, DataPart part)
    {
        var request = FederatedJson.Request(ReproductionSite.Evaluate, new SiteEvaluationRequest(part, ScoringTableSpec.From(table), table.MaxTotal));
        var replies = Federation.BroadcastAsync(request).GetAwaiter().GetResult();
        return replies.OrderBy(r => r.Key).ToDictionary(r => r.Key.Value, r => FederatedJson.Parse<SiteReport>(r.Value, $"evaluation of {r.Key}"), StringComparer.Ordinal);
    }

    /// <summary>Pooled AUC with DeLong CI from the secure sum of the sites' score-count tables.</summary>
    public static AucResult PooledAuc(SecurePooledStatistics stats, ScoringTable table, DataPart part) =>
        RocAnalysis.Auc(stats.ScoreCounts(part, table));

    public void Dispose() => _inner.Dispose();
}
