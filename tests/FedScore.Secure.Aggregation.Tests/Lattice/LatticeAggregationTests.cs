using FedScore.Secure.Aggregation.Lattice;
using FedScore.Secure.Aggregation.Simulation;
using FedScore.Secure.FixedPoint;
using static FedScore.Secure.Aggregation.Tests.Lattice.LatticeTestKit;

namespace FedScore.Secure.Aggregation.Tests.Lattice;

public sealed class LatticeAggregationTests
{
    [Theory]
    [InlineData("ckks", 3, 2)]
    [InlineData("ckks", 10, 6)]
    [InlineData("ckks", 20, 11)]
    [InlineData("bfv", 3, 2)]
    [InlineData("bfv", 10, 6)]
    [InlineData("bfv", 20, 11)]
    public void SumOfAllSitesEqualsThePlainSumWithinTheStatedBound(string scheme, int sites, int threshold)
    {
        SessionConfig config = Session(sites, threshold);
        const int length = 40;
        var spec = new RoundSpec("r1", length, Reals(sites));
        var inputs = RandomInputs(config, length, 10, 1, seed: sites);
        using var sim = new AggregationSimulator(Scheme(scheme), config);
        SimulatedRound round = sim.Run(spec, inputs);

        Assert.Equal(config.Sites, round.Result.Contributors);
        Assert.Empty(round.Result.Dropped);
        Assert.True(round.Result.ErrorBound > 0 && round.Result.ErrorBound <= 1e-5, $"bound {round.Result.ErrorBound}");
        AssertWithin(PlainSum(inputs, config.Sites, length), round.Result);
        Assert.Contains(round.Result.Sum, v => v < -1);
        Assert.Equal(["advertise-keys", "keygen", "upload", "decrypt"], round.Metrics.StageNames);
    }

    [Theory]
    [InlineData("ckks")]
    [InlineData("bfv")]
    public void WeightedSumsEqualThePlainWeightedSum(string scheme)
    {
        SessionConfig config = Session(6, 4);
        var spec = new RoundSpec("weighted", 30, Reals(6, maxWeight: 5));
        var inputs = RandomInputs(config, 30, 10, 5, seed: 11);
        Assert.Contains(inputs.Values, i => i.Weight is > 1.5 and < 4.9);
        using var sim = new AggregationSimulator(Scheme(scheme), config);
        AggregationResult result = sim.Run(spec, inputs).Result;
        AssertWithin(PlainSum(inputs, config.Sites, 30), result);

        // The weight matters: the unweighted sum is far from the result.
        double[] unweighted = PlainSum(config.Sites.ToDictionary(s => s, s => inputs[s] with { Weight = 1 }), config.Sites, 30);
        Assert.Contains(Enumerable.Range(0, 30), i => Math.Abs(unweighted[i] - result.Sum[i]) > 1);
    }

    [Fact]
    public void BfvSumsIntegerPlansExactly()
    {
        SessionConfig config = Session(7, 4);
        var spec = new RoundSpec("counts", 60, FixedPointRequirements.ForIntegers(1000, 7, maxWeight: 3));
        var inputs = RandomInputs(config, 60, 1000, 3, seed: 2, integers: true);
        using var sim = new AggregationSimulator(LatticeAggregationScheme.Bfv(), config);
        AggregationResult result = sim.Run(spec, inputs).Result;
        Assert.Equal(0, result.ErrorBound);
        Assert.Equal(PlainSum(inputs, config.Sites, 60), result.Sum);
    }

    [Fact]
    public void VectorsLongerThanOneCiphertextAreSplitAndJoined()
    {
        SessionConfig config = Session(3, 2);
        LatticeRoundPlan one = LatticeRoundPlan.For(LatticeSchemeKind.Ckks, 1000, Reals(3));
        int length = one.Parameters.N * one.ValuesPerCoefficient + 1000; // one full ciphertext and a short, trimmed one
        var spec = new RoundSpec("long", length, Reals(3));
        var inputs = RandomInputs(config, length, 10, 1, seed: 5);
        using var sim = new AggregationSimulator(LatticeAggregationScheme.Ckks(), config);
        AggregationResult result = sim.Run(spec, inputs).Result;
        Assert.Equal(2, LatticeRoundPlan.For(LatticeSchemeKind.Ckks, length, spec.Requirements).Ciphertexts);
        AssertWithin(PlainSum(inputs, config.Sites, length), result);
    }

    [Theory]
    [InlineData("ckks")]
    [InlineData("bfv")]
    public void SitesThatDropAtUploadAreLeftOutOfTheSum(string scheme)
    {
        SessionConfig config = Session(8, 5);
        var spec = new RoundSpec("r1", 25, Reals(8));
        var inputs = RandomInputs(config, 25, 10, 1, seed: 3);
        var drops = new DropoutSchedule().Drop("site-02", "upload").Drop("site-07", "upload");
        using var sim = new AggregationSimulator(Scheme(scheme), config);
        AggregationResult result = sim.Run(spec, inputs, drops).Result;
        ParticipantId[] survivors = config.Sites.Where(s => s != "site-02" && s != "site-07").ToArray();
        Assert.Equal(survivors, result.Contributors);
        Assert.Equal(new ParticipantId[] { "site-02", "site-07" }, result.Dropped);
        AssertWithin(PlainSum(inputs, survivors, 25), result);
    }

    [Theory]
    [InlineData("ckks")]
    [InlineData("bfv")]
    public void SitesThatDropDuringSetupAreOutForTheSessionAndLaterRoundsNeedNoSetup(string scheme)
    {
        SessionConfig config = Session(7, 4);
        var spec1 = new RoundSpec("r1", 20, Reals(7));
        var inputs1 = RandomInputs(config, 20, 10, 1, seed: 4);
        // site-03 never advertises; site-05 advertises but never delivers its key-generation message (its
        // public-key share and its Shamir shares are missing: the others record it as an absent dealer).
        var drops = new DropoutSchedule().Drop("site-03", "advertise-keys").Drop("site-05", "keygen");
        using var sim = new AggregationSimulator(Scheme(scheme), config);
        AggregationResult r1 = sim.Run(spec1, inputs1, drops).Result;
        ParticipantId[] keyHolders = config.Sites.Where(s => s != "site-03" && s != "site-05").ToArray();
        Assert.Equal(keyHolders, r1.Contributors);
        AssertWithin(PlainSum(inputs1, keyHolders, 20), r1);

        // Round 2 reuses the collective key: no setup stages, the two setup dropouts are not asked again, and a new
        // upload dropout is still tolerated (5 key holders, threshold 4).
        var spec2 = new RoundSpec("r2", 20, Reals(7));
        var inputs2 = RandomInputs(config, 20, 10, 1, seed: 5);
        SimulatedRound r2 = sim.Run(spec2, inputs2, new DropoutSchedule().Drop("site-01", "upload"));
        Assert.Equal(["upload", "decrypt"], r2.Metrics.StageNames);
        Assert.DoesNotContain(sim.Transcript.Entries, e => e.RoundId == "r2" && (e.Participant == "site-03" || e.Participant == "site-05"));
        ParticipantId[] contributors2 = keyHolders.Where(s => s != "site-01").ToArray();
        Assert.Equal(contributors2, r2.Result.Contributors);
        AssertWithin(PlainSum(inputs2, contributors2, 20), r2.Result);
    }

    [Fact]
    public void SiteThatMissedTheKeyDeliveryGetsItInTheNextRound()
    {
        SessionConfig config = Session(5, 3);
        using var sim = new AggregationSimulator(LatticeAggregationScheme.Bfv(), config);
        var inputs1 = RandomInputs(config, 10, 10, 1, seed: 6);
        sim.Run(new RoundSpec("r1", 10, Reals(5)), inputs1, new DropoutSchedule().Drop("site-04", "upload"));
        var inputs2 = RandomInputs(config, 10, 10, 1, seed: 7);
        AggregationResult r2 = sim.Run(new RoundSpec("r2", 10, Reals(5)), inputs2).Result;
        Assert.Equal(config.Sites, r2.Contributors);
        AssertWithin(PlainSum(inputs2, config.Sites, 10), r2);

        // Only site-04's round-2 request still carries the collective key and its forwarded shares.
        var requests = sim.Transcript.Entries.Where(e => e.RoundId == "r2" && e.Stage == "upload" && e.Direction == MessageDirection.ServerToParticipant).ToList();
        Assert.True(requests.Single(e => e.Participant == "site-04").Bytes.Length > 10 * requests.Max(e => e.Participant == "site-04" ? 0 : e.Bytes.Length));
    }

    [Theory]
    [InlineData("ckks")]
    [InlineData("bfv")]
    public void DropoutOfAnActiveDecryptorFailsTheRoundNamingIt(string scheme)
    {
        SessionConfig config = Session(6, 3);
        var spec = new RoundSpec("r1", 10, Reals(6));
        // The active set is the first t contributors in order: site-01, site-02, site-03.
        var drops = new DropoutSchedule().Drop("site-02", "decrypt");
        using var sim = new AggregationSimulator(Scheme(scheme), config);
        var e = Assert.Throws<AggregationFailedException>(() => sim.Run(spec, RandomInputs(config, 10, 10, 1, seed: 8), drops));
        Assert.Equal(new ParticipantId[] { "site-02" }, e.Missing);
        Assert.Contains("site-02", e.Message);
        Assert.Contains("single-use", e.Message);
        Assert.Null(sim.Server.Result);
        var asked = sim.Transcript.Entries.Where(t => t.Stage == "decrypt" && t.Direction == MessageDirection.ServerToParticipant).Select(t => t.Participant).ToArray();
        Assert.Equal(new ParticipantId[] { "site-01", "site-02", "site-03" }, asked.Order().ToArray());
    }

    [Fact]
    public void DropoutOfASiteOutsideTheActiveSetDuringDecryptionDoesNotMatter()
    {
        SessionConfig config = Session(6, 3);
        var inputs = RandomInputs(config, 10, 10, 1, seed: 9);
        using var sim = new AggregationSimulator(LatticeAggregationScheme.Ckks(), config);
        AggregationResult result = sim.Run(new RoundSpec("r1", 10, Reals(6)), inputs, new DropoutSchedule().Drop("site-05", "decrypt")).Result;
        // site-05 uploaded, so it is in the sum; it was never asked for a decryption share.
        Assert.Equal(config.Sites, result.Contributors);
        AssertWithin(PlainSum(inputs, config.Sites, 10), result);
    }

    [Theory]
    [InlineData("upload")]
    [InlineData("advertise-keys")]
    [InlineData("keygen")]
    public void FewerThanThresholdSitesFailCleanlyBeforeAnyDecryption(string stage)
    {
        SessionConfig config = Session(5, 4);
        var drops = new DropoutSchedule().Drop("site-01", stage).Drop("site-04", stage);
        using var sim = new AggregationSimulator(LatticeAggregationScheme.Bfv(), config);
        var e = Assert.Throws<AggregationFailedException>(() => sim.Run(new RoundSpec("r1", 10, Reals(5)), RandomInputs(config, 10, 10, 1, seed: 10), drops));
        Assert.Equal(new ParticipantId[] { "site-01", "site-04" }, e.Missing);
        Assert.Contains(stage, e.Message);
        Assert.DoesNotContain(sim.Transcript.Entries, t => t.Stage == "decrypt");
    }

    [Fact]
    public void SecondDecryptRequestForTheSameRoundIsRefused()
    {
        SessionConfig config = Session(4, 3);
        var inputs = RandomInputs(config, 10, 10, 1, seed: 12);
        using var sim = new AggregationSimulator(LatticeAggregationScheme.Ckks(), config);
        sim.Run(new RoundSpec("r1", 10, Reals(4)), inputs);
        TranscriptEntry request = sim.Transcript.Entries.First(t => t.Stage == "decrypt" && t.Direction == MessageDirection.ServerToParticipant);
        IAggregationParticipant site = sim.Participants[request.Participant];
        var e = Assert.Throws<ProtocolViolationException>(() => site.Handle(request.Bytes));
        Assert.Contains("already gave decryption shares", e.Message);
        Assert.Equal("decrypt", e.Stage);
    }

    [Theory]
    [InlineData("truncated")]
    [InlineData("parameter-set")]
    [InlineData("coefficient")]
    [InlineData("trailing")]
    public void BadUploadIsRefusedNamingTheSiteAndOthersAreUnaffected(string tamper)
    {
        SessionConfig config = Session(5, 3);
        var spec = new RoundSpec("r1", 30, Reals(5));
        var inputs = RandomInputs(config, 30, 10, 1, seed: 13);
        byte[] id = new byte[16];
        LatticeRoundPlan.For(LatticeSchemeKind.Ckks, 30, spec.Requirements).Id.WriteTo(id);
        using var sim = new AggregationSimulator(LatticeAggregationScheme.Ckks(), config);
        SimulatedRound round = sim.Run(spec, inputs, interceptor: (p, stage, reply) =>
        {
            if (p != "site-03" || stage != 2)
            {
                return reply;
            }

            byte[] bad = (byte[])reply.Clone();
            switch (tamper)
            {
                case "truncated": return bad[..^100];
                case "trailing": return [.. bad, 0];
                case "parameter-set": bad[bad.AsSpan().IndexOf(id)] ^= 1; return bad;
                default: bad.AsSpan(bad.Length / 2, 16).Fill(0xFF); return bad; // a coefficient ≥ q
            }
        });

        ParticipantId[] others = config.Sites.Where(s => s != "site-03").ToArray();
        Assert.Equal(others, round.Result.Contributors);
        AssertWithin(PlainSum(inputs, others, 30), round.Result);
        Assert.Contains(round.Result.Violations, v => v.StartsWith("site-03 at stage upload", StringComparison.Ordinal));
    }

    [Fact]
    public void UploadReplayedFromAnEarlierRoundIsRefused()
    {
        SessionConfig config = Session(5, 3);
        using var sim = new AggregationSimulator(LatticeAggregationScheme.Bfv(), config);
        var inputs1 = RandomInputs(config, 10, 10, 1, seed: 14);
        sim.Run(new RoundSpec("r1", 10, Reals(5)), inputs1);
        byte[] oldUpload = sim.Transcript.Received.Single(e => e.RoundId == "r1" && e.Stage == "upload" && e.Participant == "site-01").Bytes;
        var inputs2 = RandomInputs(config, 10, 10, 1, seed: 15);
        // Round 2 starts with the upload stage (index 0): site-01's round-1 upload is delivered instead of its new one.
        SimulatedRound r2 = sim.Run(new RoundSpec("r2", 10, Reals(5)), inputs2, interceptor: (p, stage, reply) =>
            stage == 0 && p == "site-01" ? oldUpload : reply);

        ParticipantId[] others = config.Sites.Where(s => s != "site-01").ToArray();
        Assert.Equal(others, r2.Result.Contributors);
        AssertWithin(PlainSum(inputs2, others, 10), r2.Result);
        Assert.Contains(r2.Result.Violations, v => v.Contains("site-01 at stage upload") && v.Contains("replayed"));
    }

    [Fact]
    public void UploadOfAnotherSiteAndASecondUploadAreRefusedAndCountAtMostOnce()
    {
        SessionConfig config = Session(4, 2);
        var inputs = RandomInputs(config, 12, 10, 1, seed: 18);
        using var scheme = new ManualSession(LatticeAggregationScheme.Ckks(), config);
        ServerOutbox outbox = scheme.Begin(new RoundSpec("r1", 12, Reals(4)), inputs);
        outbox = scheme.Step(outbox); // advertise-keys
        outbox = scheme.Step(outbox); // keygen
        Dictionary<ParticipantId, byte[]> replies = scheme.Answer(outbox);
        // site-04's upload presented as site-03's: refused by the sender check, and site-03 is dropped.
        var e = Assert.Throws<ProtocolViolationException>(() => scheme.Server.Receive("site-03", replies["site-04"]));
        Assert.Equal("site-03", e.Participant);
        Assert.Contains("claims to come from 'site-04'", e.Message);
        scheme.Server.Receive("site-01", replies["site-01"]);
        scheme.Server.Receive("site-02", replies["site-02"]);
        scheme.Server.Receive("site-04", replies["site-04"]);
        // The same upload again: refused, and counted once.
        var again = Assert.Throws<ProtocolViolationException>(() => scheme.Server.Receive("site-04", replies["site-04"]));
        Assert.Contains("replay", again.Message);
        outbox = scheme.Server.EndStage();
        AggregationResult result = scheme.Finish(outbox);
        ParticipantId[] contributors = ["site-01", "site-02", "site-04"];
        Assert.Equal(contributors, result.Contributors);
        AssertWithin(PlainSum(inputs, contributors, 12), result);
    }

    [Fact]
    public void TamperedShareCiphertextIsRefusedByItsRecipientAndTheOthersComplete()
    {
        SessionConfig config = Session(5, 3);
        var inputs = RandomInputs(config, 10, 10, 1, seed: 16);
        using var sim = new AggregationSimulator(LatticeAggregationScheme.Ckks(), config);
        // The last bytes of site-01's keygen reply are the GCM tag of its share for the last party, site-05.
        SimulatedRound round = sim.Run(new RoundSpec("r1", 10, Reals(5)), inputs, interceptor: (p, stage, reply) =>
        {
            if (p == "site-01" && stage == 1)
            {
                byte[] bad = (byte[])reply.Clone();
                bad[^1] ^= 0x80;
                return bad;
            }

            return reply;
        });

        ParticipantId[] others = config.Sites.Where(s => s != "site-05").ToArray();
        Assert.Equal(others, round.Result.Contributors);
        AssertWithin(PlainSum(inputs, others, 10), round.Result);
        Assert.Contains(sim.Transcript.Events, e => e.Contains("site-05 refused stage upload") && e.Contains("does not authenticate"));
    }

    [Fact]
    public void MalformedKeygenMessageDropsThatSiteForTheSession()
    {
        SessionConfig config = Session(5, 3);
        var inputs = RandomInputs(config, 10, 10, 1, seed: 17);
        using var sim = new AggregationSimulator(LatticeAggregationScheme.Bfv(), config);
        SimulatedRound round = sim.Run(new RoundSpec("r1", 10, Reals(5)), inputs, interceptor: (p, stage, reply) =>
            p == "site-02" && stage == 1 ? reply[..(reply.Length / 2)] : reply);
        ParticipantId[] others = config.Sites.Where(s => s != "site-02").ToArray();
        Assert.Equal(others, round.Result.Contributors);
        AssertWithin(PlainSum(inputs, others, 10), round.Result);
        Assert.Contains(round.Result.Violations, v => v.StartsWith("site-02 at stage keygen", StringComparison.Ordinal));
        Assert.Contains((ParticipantId)"site-02", ((LatticeAggregationServer)sim.Server).OutForSession);
    }

    [Fact]
    public void ThresholdOfOneIsRefusedBecauseEverySiteWouldHoldTheWholeKey()
    {
        var e = Assert.Throws<ArgumentException>(() => LatticeAggregationScheme.Ckks().CreateServer(Session(3, 1)));
        Assert.Contains("whole secret key", e.Message);
    }

    [Fact]
    public void SchemesHaveTheirCommandLineNamesAndAThreatModel()
    {
        Assert.Equal("ckks", LatticeAggregationScheme.Ckks().Name);
        Assert.Equal("bfv", LatticeAggregationScheme.Bfv().Name);
        Assert.Contains("collective key", LatticeAggregationScheme.Ckks().ThreatModel);
        Assert.Contains("exact", LatticeAggregationScheme.Bfv().ThreatModel);
        Assert.Empty(LatticeAggregationScheme.Bfv().AuxiliaryParticipants(Session(3, 2)));
    }
}
