using FedScore.Secure.Aggregation;
using FedScore.Secure.Aggregation.Masking;
using FedScore.Secure.Federation;
using FedScore.Secure.Transport.Grpc.Site;

namespace FedScore.Secure.Transport.Grpc.Federation;

/// <summary>What the site's operator allows: which schemes, which sites may be in the session.</summary>
public sealed record SitePolicy
{
    /// <summary>Schemes this site accepts; "plain" is excluded unless listed (it would send statistics in clear).</summary>
    public IReadOnlySet<string> AllowedSchemes { get; init; } = new HashSet<string>(["masking", "secagg+", "ckks", "bfv"], StringComparer.OrdinalIgnoreCase);

    /// <summary>The sites this site expects (its roster); null accepts any list that contains this site.</summary>
    public IReadOnlySet<ParticipantId>? ExpectedSites { get; init; }

    /// <summary>The smallest threshold this site accepts (a low threshold weakens masking).</summary>
    public int MinThreshold { get; init; } = 2;

    /// <summary>Signs and checks masking key advertisements with identity keys (null: unsigned, server trusted not to substitute keys).</summary>
    public MaskingOptions? Masking { get; init; }
}

/// <summary>
/// A site's side of a federation over the network: answers the coordinator's tasks with its own statistics and hands
/// each statistic to its aggregation participant as the input of the round the coordinator named. The site checks the
/// session the coordinator proposes against its own policy before taking part.
/// </summary>
public sealed class SiteFederationEndpoint
{
    private readonly ISiteStatistics _statistics;
    private readonly SitePolicy _policy;

    public SiteFederationEndpoint(ParticipantId site, ISiteStatistics statistics, SitePolicy? policy = null)
    {
        Site = site;
        _statistics = statistics ?? throw new ArgumentNullException(nameof(statistics));
        _policy = policy ?? new SitePolicy();
        Participant = new DeferredParticipant(site);
    }

    public ParticipantId Site { get; }

    /// <summary>Give this to the <see cref="FederationSiteClient"/>; it is configured by the coordinator's first task.</summary>
    public DeferredParticipant Participant { get; }

    public string? SchemeName { get; private set; }

    /// <summary>Called with the final result JSON the coordinator sends at the end (the site keeps it).</summary>
    public event Action<string>? ResultReceived;

    /// <summary>Called with what the site released about itself for a broadcast (kind, JSON), so it can keep a copy.</summary>
    public event Action<string, string>? Released;

    /// <summary>Called with each task kind handled (for the site's progress display).</summary>
    public event Action<string>? TaskHandled;

    public SiteTaskHandler Handler => (request, cancellationToken) => Task.FromResult(Handle(request.Span));

    public byte[] Handle(ReadOnlySpan<byte> request)
    {
        FederationTaskReply reply;
        try
        {
            reply = Dispatch(FederationTask.Parse(request));
        }
        catch (Exception e) when (e is MalformedMessageException or ProtocolViolationException or ArgumentException or InvalidOperationException)
        {
            reply = new FederationTaskReply(false, e.Message);
        }

        return reply.ToBytes();
    }

    private FederationTaskReply Dispatch(FederationTask task)
    {
        switch (task.Op)
        {
            case FederationTask.Configure:
                Configure(task);
                TaskHandled?.Invoke($"joined session {task.SessionId} with scheme {task.Scheme}, {task.Sites?.Count} sites, threshold {task.Threshold}");
                return new FederationTaskReply(true);

            case FederationTask.Sum:
            {
                if (!Participant.IsConfigured)
                {
                    throw new ProtocolViolationException(null, "sum", "the session is not configured yet");
                }

                if (task.RoundId is null || task.Kind is null || task.Payload is null || task.Length is not { } length)
                {
                    throw new MalformedMessageException("sum task: roundId, kind, payload and length are required");
                }

                SiteContribution c = _statistics.Compute(new StatisticRequest(task.Kind, task.Payload));
                if (c.Values.Length != length)
                {
                    throw new InvalidOperationException($"computed {c.Values.Length} values for '{task.Kind}', the round expects {length}");
                }

                Participant.SetInput(task.RoundId, c.Values, c.Weight);
                TaskHandled?.Invoke($"{task.Kind} ({length} values) ready for secure round {task.RoundId}");
                return new FederationTaskReply(true);
            }

            case FederationTask.Broadcast:
            {
                if (task.Kind is null || task.Payload is null)
                {
                    throw new MalformedMessageException("broadcast task: kind and payload are required");
                }

                string released = _statistics.HandleBroadcast(new StatisticRequest(task.Kind, task.Payload));
                Released?.Invoke(task.Kind, released);
                TaskHandled?.Invoke($"{task.Kind} handled locally");
                return new FederationTaskReply(true, null, released);
            }

            case FederationTask.Result:
                ResultReceived?.Invoke(task.Payload ?? "{}");
                TaskHandled?.Invoke("received the final score");
                return new FederationTaskReply(true);

            default:
                throw new MalformedMessageException($"unknown task '{task.Op}'");
        }
    }

    private void Configure(FederationTask task)
    {
        string scheme = task.Scheme ?? throw new MalformedMessageException("configure task: scheme is required");
        if (!_policy.AllowedSchemes.Contains(scheme))
        {
            throw new ProtocolViolationException(null, "configure", $"{Site} does not accept scheme '{scheme}' (allowed: {string.Join(", ", _policy.AllowedSchemes)})");
        }

        SessionConfig config = task.ToSessionConfig();
        if (config.IndexOf(Site) == 0)
        {
            throw new ProtocolViolationException(null, "configure", $"{Site} is not in the proposed site list");
        }

        if (_policy.ExpectedSites is { } expected && !config.Sites.All(expected.Contains))
        {
            throw new ProtocolViolationException(null, "configure", $"the proposed sites ({string.Join(", ", config.Sites.Where(s => !expected.Contains(s)))}) are not in {Site}'s roster");
        }

        if (config.Threshold < Math.Min(_policy.MinThreshold, config.Sites.Count))
        {
            throw new ProtocolViolationException(null, "configure", $"threshold {config.Threshold} is below {Site}'s minimum {_policy.MinThreshold}");
        }

        IAggregationScheme instance = AggregationSchemes.Create(scheme, _policy.Masking);
        if (instance.AuxiliaryParticipants(config).Count > 0)
        {
            throw new ProtocolViolationException(null, "configure", $"scheme '{scheme}' needs auxiliary participants, which the network federation does not run yet");
        }

        Participant.Configure(instance.CreateParticipant(Site, config));
        SchemeName = scheme;
    }
}
