using FedScore.Secure.Aggregation;
using FedScore.Secure.FixedPoint;

namespace FedScore.Secure.Federation;

/// <summary>
/// The coordinator's only view of the sites: it can ask every site to compute a statistic and receive the secure
/// (weighted) sum — never a site's own vector — or ask sites to do local work and release what they choose.
/// Implemented in-process (simulated sites) and over gRPC (real site processes) on top of an
/// <see cref="IAggregationScheme"/>; scoring code depends on this interface only.
/// </summary>
public interface ISecureFederation
{
    /// <summary>The sites of the session, sorted.</summary>
    IReadOnlyList<ParticipantId> Sites { get; }

    /// <summary>The aggregation scheme protecting every sum ("plain", "masking", …).</summary>
    string SchemeName { get; }

    /// <summary>
    /// Every site computes <paramref name="request"/> on its own data as a vector of <paramref name="length"/> values
    /// bounded as <paramref name="requirements"/> declares; the result is their secure sum over the sites that took part.
    /// </summary>
    Task<AggregationResult> SecureSumAsync(StatisticRequest request, int length, FixedPointRequirements requirements, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every site handles <paramref name="request"/> locally (e.g. stores the final score table, evaluates it on its own
    /// test set) and returns what it chooses to release about itself as JSON (possibly empty).
    /// </summary>
    Task<IReadOnlyDictionary<ParticipantId, string>> BroadcastAsync(StatisticRequest request, CancellationToken cancellationToken = default);

    /// <summary>What has been released so far: one entry per secure sum.</summary>
    IReadOnlyList<ReleaseRecord> Releases { get; }
}

/// <summary>One released aggregate, for audit and for the "what the server saw" report.</summary>
public sealed record ReleaseRecord(string RoundId, string Kind, int Length, int Contributors, long BytesReceivedByServer);

/// <summary>A site's side of the federation: turns requests into contributions, on its own data.</summary>
public interface ISiteStatistics
{
    /// <summary>This site's contribution to a secure sum; throws <see cref="ArgumentException"/> for an unknown or invalid request.</summary>
    SiteContribution Compute(StatisticRequest request);

    /// <summary>Local work on a broadcast request; returns the JSON the site releases about itself (or "{}").</summary>
    string HandleBroadcast(StatisticRequest request);
}
