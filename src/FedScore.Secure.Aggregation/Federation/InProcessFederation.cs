using FedScore.Secure.Aggregation.Simulation;
using FedScore.Secure.Federation;
using FedScore.Secure.FixedPoint;

namespace FedScore.Secure.Aggregation.Federation;

/// <summary>
/// A federation of simulated sites in this process. Every secure sum runs the scheme's full protocol through an
/// <see cref="AggregationSimulator"/> (serialized messages, transcript), so what the coordinator learns is exactly what
/// it would learn over the network. A site that drops out of a round is not asked again.
/// </summary>
public sealed class InProcessFederation : ISecureFederation, IDisposable
{
    private readonly AggregationSimulator _simulator;
    private readonly IReadOnlyDictionary<ParticipantId, ISiteStatistics> _sites;
    private readonly HashSet<ParticipantId> _dropped = [];
    private readonly List<ReleaseRecord> _releases = [];
    private int _round;

    public InProcessFederation(IAggregationScheme scheme, IReadOnlyDictionary<ParticipantId, ISiteStatistics> sites, int? threshold = null, string? sessionId = null, bool recordTranscript = true)
    {
        ArgumentNullException.ThrowIfNull(scheme);
        _sites = sites ?? throw new ArgumentNullException(nameof(sites));
        var config = new SessionConfig(
            sessionId ?? $"session-{Guid.NewGuid():N}",
            sites.Keys,
            threshold ?? SessionConfig.MajorityThreshold(sites.Count));
        _simulator = new AggregationSimulator(scheme, config, recordTranscript);
    }

    public IReadOnlyList<ParticipantId> Sites => _simulator.Config.Sites;

    public string SchemeName => _simulator.Scheme.Name;

    public IReadOnlyList<ReleaseRecord> Releases => _releases;

    /// <summary>Everything the aggregation server saw, for tests and the "what the server saw" report.</summary>
    public Transcript Transcript => _simulator.Transcript;

    /// <summary>Makes a site drop out from the next round on (fault injection).</summary>
    public DropoutSchedule NextRoundDropouts { get; set; } = DropoutSchedule.None;

    public Task<AggregationResult> SecureSumAsync(StatisticRequest request, int length, FixedPointRequirements requirements, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        string roundId = $"{++_round:D4}-{request.Kind}";
        var inputs = new Dictionary<ParticipantId, SiteInput>();
        foreach ((ParticipantId site, ISiteStatistics statistics) in _sites)
        {
            if (_dropped.Contains(site))
            {
                continue;
            }

            SiteContribution c = statistics.Compute(request);
            if (c.Values.Length != length)
            {
                throw new InvalidOperationException($"site {site} computed {c.Values.Length} values for '{request.Kind}', expected {length}");
            }

            inputs[site] = new SiteInput(c.Values, c.Weight);
        }

        var schedule = NextRoundDropouts;
        NextRoundDropouts = DropoutSchedule.None;
        foreach (ParticipantId site in _dropped)
        {
            schedule.Drop(site, 0);
        }

        var droppedBefore = _dropped.ToHashSet();
        SimulatedRound round = _simulator.Run(new RoundSpec(roundId, length, requirements), inputs, schedule);
        foreach (ParticipantId d in round.Result.Dropped)
        {
            _dropped.Add(d);
        }

        long received = round.Metrics.BytesUploaded.Values.Sum();
        _releases.Add(new ReleaseRecord(roundId, request.Kind, length, round.Result.Contributors.Count, received));

        // Report only the sites that dropped in this request: those already out of the session were not asked.
        return Task.FromResult(round.Result with { Dropped = round.Result.Dropped.Where(d => !droppedBefore.Contains(d)).ToArray() });
    }

    public Task<IReadOnlyDictionary<ParticipantId, string>> BroadcastAsync(StatisticRequest request, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var replies = new Dictionary<ParticipantId, string>();
        foreach ((ParticipantId site, ISiteStatistics statistics) in _sites)
        {
            if (!_dropped.Contains(site))
            {
                replies[site] = statistics.HandleBroadcast(request);
            }
        }

        return Task.FromResult<IReadOnlyDictionary<ParticipantId, string>>(replies);
    }

    public void Dispose() => _simulator.Dispose();
}
