using FedScore.Secure.Aggregation;
using FedScore.Secure.Aggregation.Paillier;
using FedScore.Secure.Aggregation.Simulation;
using FedScore.Secure.Cli.Bench;
using FedScore.Secure.FixedPoint;

namespace FedScore.Secure.Cli.Tests.Bench;

/// <summary>
/// Scale (issue 5): the server folds each upload in as it arrives and the simulator drops it, so memory grows with
/// the vector length, not with sites × length. Checked without timing: by live-buffer counts (weak references after a
/// full collection) and by the server's heap growth around each upload, with a wide margin.
/// </summary>
[Collection(ServerMemoryCollection.Name)]
public sealed class ServerMemoryTests
{
    private static IAggregationScheme Scheme(string name) =>
        name == "paillier" ? PaillierAggregationScheme.CreateInsecureForTests() : AggregationSchemes.Create(name);

    /// <remarks>
    /// Raw input vectors: plain and Paillier sites encode theirs when they upload and masking sites as the round begins,
    /// so at most the current site's vector is alive. CKKS and BFV sites keep theirs (or its fixed-point copy) from the
    /// start of the round until their upload — state of each site, which a real deployment spreads over the sites — so
    /// for them only the bound "one per site" is checked.
    /// </remarks>
    [Theory]
    [InlineData("plain", 1)]
    [InlineData("masking", 1)]
    [InlineData("secagg+", 1)]
    [InlineData("paillier", 1)]
    [InlineData("ckks", 6)]
    [InlineData("bfv", 6)]
    public void NoEarlierReplyOrInputIsAliveWhenTheNextReplyArrives(string schemeName, int maxLiveInputs)
    {
        const int sites = 6;
        const int length = 64;
        ParticipantId[] ids = Enumerable.Range(1, sites).Select(i => new ParticipantId($"site-{i}")).ToArray();
        var config = new SessionConfig("live-buffers", ids, SessionConfig.MajorityThreshold(sites));
        var inputs = new SyntheticInputs(seed: 3, length, maxAbs: 1);
        var replies = new List<WeakReference<byte[]>>();
        var vectors = new List<WeakReference<double[]>>();
        var liveReplies = new List<int>();
        var liveInputs = new List<int>();
        IAggregationScheme scheme = Scheme(schemeName);

        SimulatedRound round;
        using (var sim = new AggregationSimulator(scheme, config, recordTranscript: false) { MaxDegreeOfParallelism = 1 })
        {
            round = WithEvents(sim, () => sim.Run(
                new RoundSpec("r1", length, FixedPointRequirements.ForAbsoluteError(1, sites, 1e-6)),
                p =>
                {
                    if (config.IndexOf(p) is not (int i and > 0))
                    {
                        return null;
                    }

                    SiteInput input = inputs.Input(i);
                    vectors.Add(new WeakReference<double[]>(input.Values));
                    return input;
                },
                dropouts: null,
                inputStage: null,
                interceptor: (_, _, reply) =>
                {
                    FullCollection();
                    liveReplies.Add(replies.Count(w => w.TryGetTarget(out _)));
                    liveInputs.Add(vectors.Count(w => w.TryGetTarget(out _)));
                    replies.Add(new WeakReference<byte[]>(reply));
                    return reply;
                }));
        }

        Assert.Equal(sites, round.Result.Contributors.Count);
        Assert.Equal(sites, vectors.Count);
        // Every earlier reply has been folded by the server and dropped by the simulator.
        Assert.All(liveReplies, n => Assert.Equal(0, n));
        // At most the vector of the site now replying (a debug build may keep its local alive), unless sites hold theirs.
        Assert.All(liveInputs, n => Assert.InRange(n, 0, maxLiveInputs));
    }

    /// <summary>
    /// The server's own growth while the uploads arrive: the heap is measured (after a full collection) just before and
    /// just after each <see cref="IAggregationServer.Receive"/> of the upload stage, with one participant at work at a
    /// time, so the difference is what the server kept of that upload and nothing a site holds.
    /// </summary>
    [Theory]
    [InlineData("plain")]
    [InlineData("masking")]
    [InlineData("secagg+")]
    [InlineData("ckks")]
    [InlineData("bfv")]
    public void ServerKeepsNothingOfAnUploadBeyondItsRunningSum(string schemeName)
    {
        const int sites = 10;
        const int length = 20_000;
        ParticipantId[] ids = Enumerable.Range(1, sites).Select(i => new ParticipantId($"site-{i:D2}")).ToArray();
        var config = new SessionConfig("heap-flat", ids, SessionConfig.MajorityThreshold(sites));
        var inputs = new SyntheticInputs(seed: 5, length, maxAbs: 1);
        var scheme = new MeasuredScheme(AggregationSchemes.Create(schemeName));

        using (var sim = new AggregationSimulator(scheme, config, recordTranscript: false) { MaxDegreeOfParallelism = 1 })
        {
            WithEvents(sim, () => sim.Run(
                new RoundSpec("r1", length, FixedPointRequirements.ForAbsoluteError(1, sites, 1e-6)),
                p => config.IndexOf(p) is int i and > 0 ? inputs.Input(i) : null));
        }

        var uploads = scheme.Server!.Receipts.Where(r => r.Stage == "upload").ToArray();
        Assert.Equal(sites, uploads.Length);
        // The first upload may become the running sum (the lattice server adopts it); every later one must be folded in.
        long growth = uploads.Skip(1).Sum(u => u.HeapGrowth);
        long retained = (sites - 1) * (long)uploads.Min(u => u.Bytes);
        // Keeping the uploads (O(sites × length)) would grow the heap by `retained`; folding them into the running sum
        // keeps it flat. A quarter of `retained` leaves room for bookkeeping and collector noise without letting
        // retention of the uploads pass.
        Assert.True(growth < retained / 4,
            $"{schemeName}: the server grew by {growth:N0} B over {sites - 1} uploads after the first of ≥ {uploads.Min(u => u.Bytes):N0} B (holding them would be {retained:N0} B); per upload: {string.Join(", ", uploads.Select(u => u.HeapGrowth))}");
    }

    private sealed record Receipt(string Stage, int Bytes, long HeapGrowth);

    /// <summary>The inner scheme, with a server that measures the heap around every Receive.</summary>
    private sealed class MeasuredScheme(IAggregationScheme inner) : IAggregationScheme
    {
        public MeasuredServer? Server { get; private set; }

        public string Name => inner.Name;

        public string ThreatModel => inner.ThreatModel;

        public IReadOnlyList<ParticipantId> AuxiliaryParticipants(SessionConfig config) => inner.AuxiliaryParticipants(config);

        public IAggregationServer CreateServer(SessionConfig config) => Server = new MeasuredServer(inner.CreateServer(config));

        public IAggregationParticipant CreateParticipant(ParticipantId id, SessionConfig config) => inner.CreateParticipant(id, config);
    }

    private sealed class MeasuredServer(IAggregationServer inner) : IAggregationServer
    {
        private string _stage = "";

        public List<Receipt> Receipts { get; } = [];

        public AggregationResult? Result => inner.Result;

        public ServerOutbox BeginRound(RoundSpec spec) => Track(inner.BeginRound(spec));

        public ServerOutbox EndStage() => Track(inner.EndStage());

        /// <summary>
        /// What the server kept of this reply: the heap growth across the call, bounded by what this thread allocated
        /// during it (Receive runs on the caller's thread), so allocations of anything else in the process cannot count.
        /// </summary>
        public void Receive(ParticipantId from, ReadOnlySpan<byte> reply)
        {
            FullCollection();
            long before = GC.GetTotalMemory(forceFullCollection: true);
            long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            inner.Receive(from, reply);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
            FullCollection();
            long growth = GC.GetTotalMemory(forceFullCollection: true) - before;
            Receipts.Add(new Receipt(_stage, reply.Length, Math.Min(growth, allocated)));
        }

        private ServerOutbox Track(ServerOutbox outbox)
        {
            _stage = outbox.Stage;
            return outbox;
        }
    }

    /// <summary>Runs the round; a failure carries what participants and server refused, for diagnosis.</summary>
    private static SimulatedRound WithEvents(AggregationSimulator sim, Func<SimulatedRound> run)
    {
        try
        {
            return run();
        }
        catch (AggregationFailedException e)
        {
            throw new Xunit.Sdk.XunitException($"{e.Message}\nevents:\n{string.Join("\n", sim.Transcript.Events)}");
        }
    }

    private static void FullCollection()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }
}

/// <summary>Heap measurements run alone, after the parallel tests, so other tests' allocations do not blur them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ServerMemoryCollection
{
    public const string Name = "server memory (not parallel)";
}
