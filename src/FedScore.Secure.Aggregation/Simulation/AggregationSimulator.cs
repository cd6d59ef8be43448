using System.Collections.Concurrent;
using System.Diagnostics;

namespace FedScore.Secure.Aggregation.Simulation;

/// <summary>
/// Replaces one participant's reply (tampering, replay) or returns null to swallow it. Called with the reply the
/// participant produced at the given stage.
/// </summary>
public delegate byte[]? ReplyInterceptor(ParticipantId from, int stageIndex, byte[] reply);

/// <summary>
/// Runs a scheme's server and participants in one process, exchanging exactly the serialized messages the network
/// would carry. Participants work in parallel; each reply is folded into the server as soon as it is produced (so
/// server memory stays O(length), as in a real deployment). Dropouts are injected per stage; every byte the server
/// sees can be recorded in a <see cref="Transcript"/>.
/// </summary>
public sealed class AggregationSimulator : IDisposable
{
    private readonly Dictionary<ParticipantId, IAggregationParticipant> _participants;
    private readonly object _serverLock = new();

    public AggregationSimulator(IAggregationScheme scheme, SessionConfig config, bool recordTranscript = true)
    {
        Scheme = scheme ?? throw new ArgumentNullException(nameof(scheme));
        Config = config ?? throw new ArgumentNullException(nameof(config));
        RecordTranscript = recordTranscript;
        Server = scheme.CreateServer(config);
        _participants = config.Sites
            .Concat(scheme.AuxiliaryParticipants(config))
            .ToDictionary(p => p, p => scheme.CreateParticipant(p, config));
    }

    public IAggregationScheme Scheme { get; }

    public SessionConfig Config { get; }

    public bool RecordTranscript { get; }

    public IAggregationServer Server { get; }

    public IReadOnlyDictionary<ParticipantId, IAggregationParticipant> Participants => _participants;

    public Transcript Transcript { get; } = new();

    /// <summary>
    /// How many participants work at once (default: one per core). Each one in flight holds its own message and reply,
    /// so the simulator's transient memory is this many replies, whatever the number of sites; 1 makes the order of
    /// replies deterministic (tests that count live buffers use it).
    /// </summary>
    public int MaxDegreeOfParallelism
    {
        get => _maxDegreeOfParallelism;
        init => _maxDegreeOfParallelism = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(MaxDegreeOfParallelism), "must be at least 1");
    }

    private readonly int _maxDegreeOfParallelism = Environment.ProcessorCount;

    /// <summary>Runs one round to completion (or to <see cref="AggregationFailedException"/>).</summary>
    public SimulatedRound Run(
        RoundSpec spec,
        IReadOnlyDictionary<ParticipantId, SiteInput> inputs,
        DropoutSchedule? dropouts = null,
        ReplyInterceptor? interceptor = null)
    {
        foreach ((ParticipantId site, SiteInput input) in inputs)
        {
            if (!_participants.TryGetValue(site, out IAggregationParticipant? p))
            {
                throw new ArgumentException($"'{site}' is not a participant of this session", nameof(inputs));
            }

            p.SetInput(spec.RoundId, input.Values, input.Weight);
        }

        return RunStages(spec, dropouts ?? DropoutSchedule.None, interceptor, lazyInput: null, inputStage: null);
    }

    /// <summary>
    /// Runs one round with inputs produced on demand: a site's input is asked of <paramref name="inputFor"/> (outside
    /// its timed work) just before the site handles its first message of the round, or, when
    /// <paramref name="inputStage"/> is given, the stage of that name. A vector is then created only for a site that
    /// takes part, and is garbage once the scheme has consumed it; large benchmarks need not build every site's vector
    /// up front. Null from <paramref name="inputFor"/> means the participant has no input (auxiliary roles).
    /// </summary>
    public SimulatedRound Run(
        RoundSpec spec,
        Func<ParticipantId, SiteInput?> inputFor,
        DropoutSchedule? dropouts = null,
        string? inputStage = null,
        ReplyInterceptor? interceptor = null)
    {
        ArgumentNullException.ThrowIfNull(inputFor);
        return RunStages(spec, dropouts ?? DropoutSchedule.None, interceptor, inputFor, inputStage);
    }

    private SimulatedRound RunStages(
        RoundSpec spec,
        DropoutSchedule dropouts,
        ReplyInterceptor? interceptor,
        Func<ParticipantId, SiteInput?>? lazyInput,
        string? inputStage)
    {
        var clientMillis = new ConcurrentDictionary<ParticipantId, double>();
        var uploaded = new ConcurrentDictionary<ParticipantId, long>();
        var downloaded = new ConcurrentDictionary<ParticipantId, long>();
        var provided = new ConcurrentDictionary<ParticipantId, bool>();
        double serverMillis = 0;

        var sw = Stopwatch.StartNew();
        ServerOutbox outbox = Server.BeginRound(spec);
        serverMillis += sw.Elapsed.TotalMilliseconds;

        int stageIndex = 0;
        var silent = new HashSet<ParticipantId>();
        var stageNames = new List<string>();
        var stageCosts = new List<StageMetrics>();
        while (!outbox.IsComplete)
        {
            int index = stageIndex;
            string stage = outbox.Stage;
            stageNames.Add(stage);
            var stageClientMillis = new ConcurrentDictionary<ParticipantId, double>();
            long stageUp = 0;
            long stageDown = outbox.Messages.Values.Sum(m => (long)m.Length);
            double serverBefore = index == 0 ? 0 : serverMillis; // round start counts to the first stage
            foreach (ParticipantId p in outbox.Messages.Keys)
            {
                if (dropouts.DropsAt(p, index, stage))
                {
                    silent.Add(p);
                }
            }

            var work = outbox.Messages.Where(kv => !silent.Contains(kv.Key)).ToArray();
            foreach ((ParticipantId p, byte[] msg) in outbox.Messages)
            {
                downloaded.AddOrUpdate(p, msg.Length, (_, b) => b + msg.Length);
                Record(spec.RoundId, stage, index, MessageDirection.ServerToParticipant, p, msg);
            }

            Parallel.ForEach(work, new ParallelOptions { MaxDegreeOfParallelism = _maxDegreeOfParallelism }, kv =>
            {
                (ParticipantId p, byte[] msg) = (kv.Key, kv.Value);
                if (!_participants.TryGetValue(p, out IAggregationParticipant? participant))
                {
                    Transcript.AddEvent($"server addressed unknown participant {p} at stage {stage}");
                    return;
                }

                bool inputDue = inputStage is null ? provided.TryAdd(p, true) : string.Equals(stage, inputStage, StringComparison.Ordinal);
                if (lazyInput is not null && inputDue && lazyInput(p) is { } input)
                {
                    participant.SetInput(spec.RoundId, input.Values, input.Weight);
                }

                byte[] reply;
                var csw = Stopwatch.StartNew();
                try
                {
                    reply = participant.Handle(msg);
                }
                catch (Exception e) when (e is ProtocolViolationException or MalformedMessageException or InvalidOperationException)
                {
                    Transcript.AddEvent($"{p} refused stage {stage}: {e.Message}");
                    return;
                }
                finally
                {
                    double elapsed = csw.Elapsed.TotalMilliseconds;
                    clientMillis.AddOrUpdate(p, elapsed, (_, t) => t + elapsed);
                    stageClientMillis[p] = elapsed;
                }

                byte[]? delivered = interceptor is null ? reply : interceptor(p, index, reply);
                if (delivered is null)
                {
                    return;
                }

                uploaded.AddOrUpdate(p, delivered.Length, (_, b) => b + delivered.Length);
                Interlocked.Add(ref stageUp, delivered.Length);
                Record(spec.RoundId, stage, index, MessageDirection.ParticipantToServer, p, delivered);
                lock (_serverLock)
                {
                    var ssw = Stopwatch.StartNew();
                    try
                    {
                        Server.Receive(p, delivered);
                    }
                    catch (ProtocolViolationException e)
                    {
                        Transcript.AddEvent($"server refused {p} at stage {stage}: {e.Message}");
                    }
                    finally
                    {
                        serverMillis += ssw.Elapsed.TotalMilliseconds;
                    }
                }
            });

            sw.Restart();
            outbox = Server.EndStage();
            serverMillis += sw.Elapsed.TotalMilliseconds;
            stageCosts.Add(new StageMetrics(
                stage, serverMillis - serverBefore, RoundMetrics.Median(stageClientMillis.Values), stageClientMillis.Count, stageUp, stageDown));

            stageIndex++;
        }

        AggregationResult result = Server.Result
            ?? throw new InvalidOperationException($"{Scheme.Name} server completed round {spec.RoundId} without a result");
        var metrics = new RoundMetrics(clientMillis, serverMillis, uploaded, downloaded, stageIndex) { StageNames = stageNames, StageCosts = stageCosts };
        return new SimulatedRound(result, metrics);
    }

    public void Dispose()
    {
        foreach (IAggregationParticipant p in _participants.Values)
        {
            p.Dispose();
        }
    }

    private void Record(string roundId, string stage, int index, MessageDirection direction, ParticipantId p, byte[] bytes)
    {
        if (RecordTranscript)
        {
            Transcript.Add(new TranscriptEntry(roundId, stage, index, direction, p, bytes));
        }
    }
}
