using FedScore.Secure.Aggregation;
using FedScore.Secure.Federation;
using FedScore.Secure.FixedPoint;
using FedScore.Secure.Transport.Grpc.Server;

namespace FedScore.Secure.Transport.Grpc.Federation;

/// <summary>
/// The coordinator's federation over gRPC: the same <see cref="ISecureFederation"/> the in-process simulation offers,
/// with site processes behind a <see cref="FederationServerHost"/>. Each secure sum is a "sum" task (sites compute
/// their statistic and hold it) followed by one round of the scheme's protocol driven by a
/// <see cref="RemoteAggregationRunner"/>. A site that fails a task or drops out of a round is not asked again.
/// </summary>
public sealed class RemoteFederation : ISecureFederation
{
    private readonly FederationServerHost _host;
    private readonly IAggregationScheme _scheme;
    private readonly IAggregationServer _server;
    private readonly RemoteAggregationRunner _runner;
    private readonly HashSet<ParticipantId> _dropped = [];
    private readonly List<ReleaseRecord> _releases = [];
    private int _round;

    private RemoteFederation(FederationServerHost host, IAggregationScheme scheme, SessionConfig config, TimeSpan timeout)
    {
        _host = host;
        _scheme = scheme;
        Config = config;
        Timeout = timeout;
        _server = scheme.CreateServer(config);
        _runner = new RemoteAggregationRunner(host);
        _runner.StageCompleted += (stage, answered) => StageCompleted?.Invoke(stage, answered);
    }

    public SessionConfig Config { get; }

    public TimeSpan Timeout { get; }

    public IReadOnlyList<ParticipantId> Sites => Config.Sites;

    public string SchemeName => _scheme.Name;

    public IReadOnlyList<ReleaseRecord> Releases => _releases;

    /// <summary>Sites that dropped out (failed a task or a round) and are no longer asked.</summary>
    public IReadOnlyCollection<ParticipantId> Dropped => _dropped;

    /// <summary>Stage name and the sites that answered it, after every protocol stage (for the UI).</summary>
    public event Action<string, IReadOnlyCollection<ParticipantId>>? StageCompleted;

    /// <summary>Proposes the session to every connected site; sites that refuse it are left out (and named).</summary>
    public static async Task<RemoteFederation> StartAsync(
        FederationServerHost host, IAggregationScheme scheme, string sessionId, int threshold, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(scheme);
        if (scheme.AuxiliaryParticipants(new SessionConfig(sessionId, host.ConnectedSites, Math.Min(threshold, host.ConnectedSites.Count))).Count > 0)
        {
            throw new InvalidOperationException($"scheme '{scheme.Name}' needs auxiliary participants (e.g. a decryptor), which the network federation does not run yet");
        }

        var config = new SessionConfig(sessionId, host.ConnectedSites, threshold);
        var task = new FederationTask
        {
            Op = FederationTask.Configure,
            Scheme = scheme.Name,
            SessionId = sessionId,
            Sites = config.Sites.Select(s => s.Value).ToArray(),
            Threshold = threshold,
        }.ToBytes();
        var federation = new RemoteFederation(host, scheme, config, timeout);
        var refusals = await federation.SendTaskAsync(config.Sites.ToDictionary(s => s, _ => task), cancellationToken).ConfigureAwait(false);
        if (config.Sites.Count - refusals.Count < threshold)
        {
            throw new AggregationFailedException(
                $"only {config.Sites.Count - refusals.Count} of {config.Sites.Count} sites joined the session, threshold is {threshold}: " +
                string.Join("; ", refusals.Select(r => $"{r.Key}: {r.Value}")),
                [.. refusals.Keys]);
        }

        return federation;
    }

    public async Task<AggregationResult> SecureSumAsync(StatisticRequest request, int length, FixedPointRequirements requirements, CancellationToken cancellationToken = default)
    {
        string roundId = $"{++_round:D4}-{request.Kind}";
        byte[] task = new FederationTask { Op = FederationTask.Sum, RoundId = roundId, Kind = request.Kind, Payload = request.Payload, Length = length }.ToBytes();
        await SendTaskAsync(Active().ToDictionary(s => s, _ => task), cancellationToken).ConfigureAwait(false);

        var droppedBefore = _dropped.ToHashSet();
        RemoteRound round = await _runner.RunAsync(_server, new RoundSpec(roundId, length, requirements), Timeout, cancellationToken).ConfigureAwait(false);
        foreach (ParticipantId d in round.Result.Dropped)
        {
            _dropped.Add(d);
        }

        _releases.Add(new ReleaseRecord(roundId, request.Kind, length, round.Result.Contributors.Count, round.Metrics.BytesUploaded.Values.Sum()));

        // Report only the sites that dropped in this request: those already out of the session were not asked.
        return round.Result with { Dropped = _dropped.Where(d => !droppedBefore.Contains(d)).Order().ToArray() };
    }

    public async Task<IReadOnlyDictionary<ParticipantId, string>> BroadcastAsync(StatisticRequest request, CancellationToken cancellationToken = default)
    {
        byte[] task = new FederationTask { Op = FederationTask.Broadcast, Kind = request.Kind, Payload = request.Payload }.ToBytes();
        IReadOnlyDictionary<ParticipantId, byte[]> replies = await _host.ExchangeAsync(FrameKind.Task, Active().ToDictionary(s => s, _ => task), Timeout, cancellationToken).ConfigureAwait(false);
        var released = new Dictionary<ParticipantId, string>();
        foreach ((ParticipantId site, byte[] bytes) in replies)
        {
            FederationTaskReply reply = FederationTaskReply.Parse(bytes);
            if (reply.Ok)
            {
                released[site] = reply.Released ?? "{}";
            }
        }

        return released;
    }

    /// <summary>Sends every active site the final result (which each keeps), as JSON.</summary>
    public Task PublishResultAsync(string json, CancellationToken cancellationToken = default)
    {
        byte[] task = new FederationTask { Op = FederationTask.Result, Payload = json }.ToBytes();
        return SendTaskAsync(Active().ToDictionary(s => s, _ => task), cancellationToken);
    }

    private IEnumerable<ParticipantId> Active() => Config.Sites.Where(s => !_dropped.Contains(s));

    /// <summary>Sends a task; sites that do not answer, or refuse, are dropped. Returns the refusals by site.</summary>
    private async Task<Dictionary<ParticipantId, string>> SendTaskAsync(IReadOnlyDictionary<ParticipantId, byte[]> messages, CancellationToken cancellationToken)
    {
        IReadOnlyDictionary<ParticipantId, byte[]> replies = await _host.ExchangeAsync(FrameKind.Task, messages, Timeout, cancellationToken).ConfigureAwait(false);
        var refusals = new Dictionary<ParticipantId, string>();
        foreach (ParticipantId site in messages.Keys)
        {
            if (!replies.TryGetValue(site, out byte[]? bytes))
            {
                refusals[site] = "no answer";
            }
            else if (FederationTaskReply.Parse(bytes) is { Ok: false } reply)
            {
                refusals[site] = reply.Error ?? "refused";
            }
        }

        foreach (ParticipantId site in refusals.Keys)
        {
            _dropped.Add(site);
        }

        return refusals;
    }
}
