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
public sealed record RemoteRound(AggregationResult Result, RoundMetrics Metrics, double WallMillis, IReadOnlyList<string> Events);

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
            serverMillis += sw.Elapsed.TotalMilliseconds;
            int stageIndex = 0;
            while (!outbox.IsComplete)
            {
                foreach ((ParticipantId p, byte[] message) in outbox.Messages)
                {
                    downloaded[p] = downloaded.GetValueOrDefault(p) + message.Length;
                }

                IReadOnlyDictionary<ParticipantId, SiteReply> replies = await _host
                    .ExchangeDetailedAsync(FrameKind.Aggregation, outbox.Messages, stageTimeout, cancellationToken)
                    .ConfigureAwait(false);

                // Fold in a fixed order so that a run is reproducible whatever order the replies arrived in.
                foreach ((ParticipantId p, SiteReply reply) in replies.OrderBy(kv => kv.Key))
                {
                    uploaded[p] = uploaded.GetValueOrDefault(p) + reply.Payload.Length;
                    clientMillis[p] = clientMillis.GetValueOrDefault(p) + reply.Compute.TotalMilliseconds;
                    sw.Restart();
                    try
                    {
                        server.Receive(p, reply.Payload);
                    }
                    catch (ProtocolViolationException e)
                    {
                        _logger.LogWarning("round {Round} stage {Stage}: reply of {Site} refused: {Reason}", spec.RoundId, outbox.Stage, p, e.Message);
                        lock (events)
                        {
                            events.Add($"server refused {p} at stage {outbox.Stage}: {e.Message}");
                        }
                    }
                    finally
                    {
                        serverMillis += sw.Elapsed.TotalMilliseconds;
                    }
                }

                StageCompleted?.Invoke(outbox.Stage, replies.Keys.ToArray());
                sw.Restart();
                outbox = server.EndStage();
                serverMillis += sw.Elapsed.TotalMilliseconds;
                stageIndex++;
            }

            AggregationResult result = server.Result
                ?? throw new InvalidOperationException($"server completed round {spec.RoundId} without a result");
            var metrics = new RoundMetrics(clientMillis, serverMillis, uploaded, downloaded, stageIndex);
            string[] eventList;
            lock (events)
            {
                eventList = events.ToArray();
            }

            return new RemoteRound(result, metrics, wall.Elapsed.TotalMilliseconds, eventList);
        }
        finally
        {
            _host.Event -= OnEvent;
        }
    }
}
