using System.Diagnostics;
using FedScore.Secure.Aggregation;
using FedScore.Secure.Aggregation.Simulation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FedScore.Secure.Transport.Grpc.Server;

/// <summary>The outcome of a round run over the network.</summary>
/// <param name="Metrics">Per-site compute time as reported by the sites (signed with their replies), server fold time,
/// bytes each way per participant, and the number of stages.</param>
/// <param name="WallMillis">Wall-clock time of the whole round at the server, network included.</param>
/// <param name="Events">Drops and refused replies, as text (never payload contents).</param>
public sealed record RemoteRound(AggregationResult Result, RoundMetrics Metrics, double WallMillis, IReadOnlyList<string> Events)
{
    /// <summary>
    /// Wall-clock time of each stage at the server, in the order of <see cref="RoundMetrics.StageNames"/>: from sending
    /// the stage's messages (round start for the first) to closing the stage, so the stages add up to the round.
    /// </summary>
    public IReadOnlyList<double> StageWallMillis { get; init; } = [];
}

/// <summary>
/// Drives any <see cref="IAggregationServer"/> over <see cref="FederationServerHost.ExchangeAsync"/>, exactly as
/// <see cref="AggregationSimulator"/> does in-process: BeginRound, then per stage send the outbox, fold every reply
/// with Receive (a reply the scheme refuses is logged and its site dropped), EndStage, until the result is released.
/// Scheme-agnostic: it sees only bytes. Throws <see cref="AggregationFailedException"/> (from the scheme) when fewer
/// than the threshold remain.
/// </summary>
public sealed class RemoteAggregationRunner
{
    private readonly FederationServerHost _host;
    private readonly ILogger _logger;

    public RemoteAggregationRunner(FederationServerHost host, ILoggerFactory? loggerFactory = null)
    {
        _host = host ?? throw new ArgumentNullException(nameof(host));
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<RemoteAggregationRunner>();
    }

    /// <summary>
    /// True (the default): each reply is folded into the aggregation server as soon as it has arrived and is then let go,
    /// so the server holds only the replies still in flight instead of every site's (at 100 sites × 100,000 values,
    /// 80 MB of masked vectors). The fold order is then the arrival order: that changes nothing for the masking, Paillier
    /// and lattice schemes (exact ring arithmetic), while the plain baseline's floating-point sum may differ in its last
    /// bits between runs, within its reported error bound. False: replies are collected and folded in site order,
    /// reproducible to the bit for every scheme, at the cost of holding all of a stage's replies at once.
    /// </summary>
    public bool FoldOnArrival { get; init; } = true;

    /// <summary>Called after each stage with the stage name and the participants that answered it (for the UI).</summary>
    public event Action<string, IReadOnlyCollection<ParticipantId>>? StageCompleted;

    public async Task<RemoteRound> RunAsync(IAggregationServer server, RoundSpec spec, TimeSpan stageTimeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(spec);
        var clientMillis = new Dictionary<ParticipantId, double>();
        var uploaded = new Dictionary<ParticipantId, long>();
        var downloaded = new Dictionary<ParticipantId, long>();
        var events = new List<string>();
        double serverMillis = 0;
        var stageNames = new List<string>();
        var stageCosts = new List<StageMetrics>();
        var stageWall = new List<double>();
        var wall = Stopwatch.StartNew();

        void OnEvent(FederationEvent e)
        {
            if (e.Kind is FederationEventKind.SiteDropped or FederationEventKind.ProtocolViolation)
            {
                lock (events)
                {
                    events.Add($"{e.Kind} {e.Site}: {e.Message}");
                }
            }
        }

        _host.Event += OnEvent;
        try
        {
            var sw = Stopwatch.StartNew();
            ServerOutbox outbox = server.BeginRound(spec);
            double stageServerMillis = sw.Elapsed.TotalMilliseconds;
            serverMillis += stageServerMillis;
            double stageStart = 0;
            int stageIndex = 0;
            while (!outbox.IsComplete)
            {
                long stageDown = 0;
                long stageUp = 0;
                var stageClient = new List<double>(outbox.Messages.Count);
                foreach ((ParticipantId p, byte[] message) in outbox.Messages)
                {
                    downloaded[p] = downloaded.GetValueOrDefault(p) + message.Length;
                    stageDown += message.Length;
                }

                var answered = new List<ParticipantId>(outbox.Messages.Count);
                string stageName = outbox.Stage;
                void Fold(ParticipantId p, SiteReply reply)
                {
                    answered.Add(p);
                    uploaded[p] = uploaded.GetValueOrDefault(p) + reply.Payload.Length;
                    clientMillis[p] = clientMillis.GetValueOrDefault(p) + reply.Compute.TotalMilliseconds;
                    stageUp += reply.Payload.Length;
                    stageClient.Add(reply.Compute.TotalMilliseconds);
                    var foldClock = Stopwatch.StartNew();
                    try
                    {
                        server.Receive(p, reply.Payload);
                    }
                    catch (ProtocolViolationException e)
                    {
                        _logger.LogWarning("round {Round} stage {Stage}: reply of {Site} refused: {Reason}", spec.RoundId, stageName, p, e.Message);
                        lock (events)
                        {
                            events.Add($"server refused {p} at stage {stageName}: {e.Message}");
                        }
                    }
                    finally
                    {
                        serverMillis += foldClock.Elapsed.TotalMilliseconds;
                        stageServerMillis += foldClock.Elapsed.TotalMilliseconds;
                    }
                }

                if (FoldOnArrival)
                {
                    // The host serializes the calls, so the aggregation server is never entered concurrently.
                    await _host.ExchangeStreamingAsync(FrameKind.Aggregation, outbox.Messages, stageTimeout, Fold, cancellationToken)
                        .ConfigureAwait(false);
                }
                else
                {
                    IReadOnlyDictionary<ParticipantId, SiteReply> replies = await _host
                        .ExchangeDetailedAsync(FrameKind.Aggregation, outbox.Messages, stageTimeout, cancellationToken)
                        .ConfigureAwait(false);

                    // Fold in a fixed order so that a run is reproducible whatever order the replies arrived in.
                    foreach ((ParticipantId p, SiteReply reply) in replies.OrderBy(kv => kv.Key))
                    {
                        Fold(p, reply);
                    }
                }

                string stage = outbox.Stage;
                answered.Sort();
                StageCompleted?.Invoke(stage, answered.ToArray());
                sw.Restart();
                try
                {
                    outbox = server.EndStage();
                }
                finally
                {
                    serverMillis += sw.Elapsed.TotalMilliseconds;
                    stageServerMillis += sw.Elapsed.TotalMilliseconds;
                    stageNames.Add(stage);
                    stageCosts.Add(new StageMetrics(stage, stageServerMillis, Median(stageClient), answered.Count, stageUp, stageDown));
                    double now = wall.Elapsed.TotalMilliseconds;
                    stageWall.Add(now - stageStart);
                    stageStart = now;
                    stageServerMillis = 0;
                }

                stageIndex++;
            }

            AggregationResult result = server.Result
                ?? throw new InvalidOperationException($"server completed round {spec.RoundId} without a result");
            var metrics = new RoundMetrics(clientMillis, serverMillis, uploaded, downloaded, stageIndex) { StageNames = stageNames, StageCosts = stageCosts };
            string[] eventList;
            lock (events)
            {
                eventList = events.ToArray();
            }

            return new RemoteRound(result, metrics, wall.Elapsed.TotalMilliseconds, eventList) { StageWallMillis = stageWall };
        }
        finally
        {
            _host.Event -= OnEvent;
        }
    }

    private static double Median(List<double> values)
    {
        if (values.Count == 0)
        {
            return 0;
        }

        values.Sort();
        int mid = values.Count / 2;
        return values.Count % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }
}
