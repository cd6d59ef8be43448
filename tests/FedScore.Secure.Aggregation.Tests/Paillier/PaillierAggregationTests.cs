using System.Reflection;
using FedScore.Secure.Aggregation.Paillier;
using FedScore.Secure.Aggregation.Simulation;
using FedScore.Secure.Crypto.Paillier;
using FedScore.Secure.FixedPoint;
using FedScore.Secure.Wire;

namespace FedScore.Secure.Aggregation.Tests.Paillier;

public sealed class PaillierAggregationTests
{
    private const int TestKeyBits = 1024;

    private static SessionConfig Session(int sites, int threshold, string id = "paillier-test") =>
        new(id, Enumerable.Range(1, sites).Select(i => new ParticipantId($"site-{i}")), threshold);

    private static PaillierAggregationScheme Scheme() => PaillierAggregationScheme.CreateInsecureForTests(TestKeyBits);

    private static Dictionary<ParticipantId, SiteInput> RandomInputs(SessionConfig config, int length, double bound, double maxWeight, int seed, bool integers = false)
    {
        var random = new Random(seed);
        return config.Sites.ToDictionary(
            s => s,
            _ => new SiteInput(
                Enumerable.Range(0, length).Select(_ => integers ? Math.Round((random.NextDouble() * 2 - 1) * bound) : (random.NextDouble() * 2 - 1) * bound).ToArray(),
                integers ? random.Next(0, (int)maxWeight + 1) : random.NextDouble() * maxWeight));
    }

    private static double[] PlainSum(IReadOnlyDictionary<ParticipantId, SiteInput> inputs, IEnumerable<ParticipantId> contributors, int length)
    {
        var sum = new double[length];
        foreach (ParticipantId p in contributors)
        {
            SiteInput input = inputs[p];
            for (int i = 0; i < length; i++)
            {
                sum[i] += input.Values[i] * input.Weight;
            }
        }

        return sum;
    }

    private static void AssertWithin(double[] expected, AggregationResult result)
    {
        Assert.Equal(expected.Length, result.Sum.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - result.Sum[i]) <= result.ErrorBound, $"element {i}: expected {expected[i]}, got {result.Sum[i]}, bound {result.ErrorBound}");
        }
    }

    [Fact]
    public void PackedSumOfManySitesWithNegativeValuesEqualsThePlainSum()
    {
        SessionConfig config = Session(12, 7);
        var spec = new RoundSpec("r1", 100, FixedPointRequirements.ForAbsoluteError(10, 12, 1e-6, maxWeight: 5));
        var inputs = RandomInputs(config, 100, 10, 5, seed: 1);
        using var sim = new AggregationSimulator(Scheme(), config);
        AggregationResult result = sim.Run(spec, inputs).Result;
        Assert.Equal(config.Sites, result.Contributors);
        Assert.Empty(result.Dropped);
        Assert.True(result.ErrorBound > 0 && result.ErrorBound <= 1e-6);
        AssertWithin(PlainSum(inputs, config.Sites, 100), result);
        Assert.Contains(result.Sum, v => v < 0);
    }

    [Fact]
    public void IntegerPlansSumExactly()
    {
        SessionConfig config = Session(6, 4);
        var spec = new RoundSpec("counts", 40, FixedPointRequirements.ForIntegers(1000, 6, maxWeight: 3));
        var inputs = RandomInputs(config, 40, 1000, 3, seed: 2, integers: true);
        using var sim = new AggregationSimulator(Scheme(), config);
        AggregationResult result = sim.Run(spec, inputs).Result;
        Assert.Equal(0, result.ErrorBound);
        Assert.Equal(PlainSum(inputs, config.Sites, 40), result.Sum);
    }

    [Fact]
    public void SitesThatDropOutAreLeftOutOfTheSum()
    {
        SessionConfig config = Session(8, 5);
        var spec = new RoundSpec("r1", 30, FixedPointRequirements.ForAbsoluteError(1, 8, 1e-5));
        var inputs = RandomInputs(config, 30, 1, 1, seed: 3);
        var drops = new DropoutSchedule().Drop("site-2", "upload").Drop("site-7", "upload");
        using var sim = new AggregationSimulator(Scheme(), config);
        AggregationResult result = sim.Run(spec, inputs, drops).Result;
        ParticipantId[] survivors = config.Sites.Where(s => s != "site-2" && s != "site-7").ToArray();
        Assert.Equal(survivors, result.Contributors);
        Assert.Equal(new ParticipantId[] { "site-2", "site-7" }, result.Dropped);
        AssertWithin(PlainSum(inputs, survivors, 30), result);
    }

    [Fact]
    public void TooFewSitesFailNamingTheMissingAndNothingIsDecrypted()
    {
        SessionConfig config = Session(5, 4);
        var spec = new RoundSpec("r1", 10, FixedPointRequirements.ForAbsoluteError(1, 5, 1e-5));
        var drops = new DropoutSchedule().Drop("site-1", "upload").Drop("site-4", "upload");
        using var sim = new AggregationSimulator(Scheme(), config);
        var e = Assert.Throws<AggregationFailedException>(() => sim.Run(spec, RandomInputs(config, 10, 1, 1, 4), drops));
        Assert.Equal(new ParticipantId[] { "site-1", "site-4" }, e.Missing);
        Assert.Contains("site-1", e.Message);
        Assert.DoesNotContain(sim.Transcript.Entries, t => t.Stage == "decrypt");
    }

    [Fact]
    public void DecryptorSilentAtDecryptionFailsTheRoundCleanly()
    {
        SessionConfig config = Session(4, 2);
        var spec = new RoundSpec("r1", 10, FixedPointRequirements.ForAbsoluteError(1, 4, 1e-5));
        var drops = new DropoutSchedule().Drop(PaillierAggregationScheme.Decryptor, "decrypt");
        using var sim = new AggregationSimulator(Scheme(), config);
        var e = Assert.Throws<AggregationFailedException>(() => sim.Run(spec, RandomInputs(config, 10, 1, 1, 5), drops));
        Assert.Equal([PaillierAggregationScheme.Decryptor], e.Missing);
        Assert.Null(sim.Server.Result);
    }

    [Fact]
    public void DecryptorSilentAtKeySetupFailsBeforeAnySiteIsAsked()
    {
        SessionConfig config = Session(3, 2);
        var spec = new RoundSpec("r1", 5, FixedPointRequirements.ForAbsoluteError(1, 3, 1e-5));
        var drops = new DropoutSchedule().Drop(PaillierAggregationScheme.Decryptor, 0);
        using var sim = new AggregationSimulator(Scheme(), config);
        var e = Assert.Throws<AggregationFailedException>(() => sim.Run(spec, RandomInputs(config, 5, 1, 1, 6), drops));
        Assert.Equal([PaillierAggregationScheme.Decryptor], e.Missing);
        Assert.All(sim.Transcript.Entries, t => Assert.Equal(PaillierAggregationScheme.Decryptor, t.Participant));
    }

    [Fact]
    public void KeyIsFetchedInTheFirstRoundOnlyAndLaterRoundsStillSum()
    {
        SessionConfig config = Session(4, 3);
        using var sim = new AggregationSimulator(Scheme(), config);
        for (int round = 1; round <= 3; round++)
        {
            var spec = new RoundSpec($"r{round}", 20, FixedPointRequirements.ForAbsoluteError(2, 4, 1e-5, maxWeight: 2));
            var inputs = RandomInputs(config, 20, 2, 2, seed: 10 + round);
            SimulatedRound run = sim.Run(spec, inputs);
            AssertWithin(PlainSum(inputs, config.Sites, 20), run.Result);
            Assert.Equal(round == 1 ? 3 : 2, run.Metrics.Stages);
        }

        Assert.Single(sim.Transcript.Entries, t => t.Stage == "key" && t.Direction == MessageDirection.ServerToParticipant);
    }

    [Fact]
    public void ASecondDecryptionRequestForTheSameRoundIsRefused()
    {
        SessionConfig config = Session(3, 2);
        using var sim = new AggregationSimulator(Scheme(), config);
        var spec = new RoundSpec("r1", 5, FixedPointRequirements.ForAbsoluteError(1, 3, 1e-5));
        sim.Run(spec, RandomInputs(config, 5, 1, 1, 7));
        byte[] request = sim.Transcript.Entries.Single(t => t.Stage == "decrypt" && t.Direction == MessageDirection.ServerToParticipant).Bytes;
        IAggregationParticipant decryptor = sim.Participants[PaillierAggregationScheme.Decryptor];
        var e = Assert.Throws<ProtocolViolationException>(() => decryptor.Handle(request));
        Assert.Contains("second decryption", e.Message);

        // Nor can a site's own upload be opened under the round's name.
        byte[] upload = sim.Transcript.Received.First(t => t.Stage == "upload").Bytes;
        var r = new WireReader(upload, "test");
        MessageHeader.Read(ref r, "paillier");
        r.ReadParticipant("sender");
        var w = new WireWriter();
        new MessageHeader("paillier", "r1", 2).WriteTo(w);
        w.WriteVarUInt(3);
        w.WriteRaw(upload.AsSpan(r.Position));
        Assert.Throws<ProtocolViolationException>(() => decryptor.Handle(w.ToArray()));
    }

    [Fact]
    public void DecryptorRefusesAnAggregateOfFewerSitesThanTheThreshold()
    {
        SessionConfig config = Session(3, 3);
        using var sim = new AggregationSimulator(Scheme(), config);
        var spec = new RoundSpec("r1", 5, FixedPointRequirements.ForAbsoluteError(1, 3, 1e-5));
        sim.Run(spec, RandomInputs(config, 5, 1, 1, 8));
        byte[] request = sim.Transcript.Entries.Single(t => t.Stage == "decrypt" && t.Direction == MessageDirection.ServerToParticipant).Bytes;
        var r = new WireReader(request, "test");
        MessageHeader.Read(ref r, "paillier");
        r.ReadVarUInt("contributors");
        var w = new WireWriter();
        new MessageHeader("paillier", "r2", 2).WriteTo(w);
        w.WriteVarUInt(1);
        w.WriteRaw(request.AsSpan(r.Position));
        var e = Assert.Throws<ProtocolViolationException>(() => sim.Participants[PaillierAggregationScheme.Decryptor].Handle(w.ToArray()));
        Assert.Contains("threshold", e.Message);
    }

    [Fact]
    public void ServerHasNoReferencePathToThePrivateKey()
    {
        SessionConfig config = Session(3, 2);
        var scheme = Scheme();
        using var sim = new AggregationSimulator(scheme, config);
        sim.Run(new RoundSpec("r1", 5, FixedPointRequirements.ForAbsoluteError(1, 3, 1e-5)), RandomInputs(config, 5, 1, 1, 9));

        Assert.NotNull(((PaillierAggregationServer)sim.Server).PublicKey);
        Assert.False(ReachesPrivateKey(sim.Server), "the server object graph reaches a private key");
        Assert.False(ReachesPrivateKey(scheme), "the scheme object graph reaches a private key");
        // Sanity: the walk does find the key where it lives, so the check can fail.
        Assert.True(ReachesPrivateKey(sim.Participants[PaillierAggregationScheme.Decryptor]));
    }

    [Fact]
    public void TranscriptHoldsOnlyCiphertextsOfTheSiteInputs()
    {
        SessionConfig config = Session(4, 3);
        var requirements = FixedPointRequirements.ForAbsoluteError(100, 4, 1e-6, maxWeight: 2);
        var spec = new RoundSpec("r1", 40, requirements);
        var inputs = RandomInputs(config, 40, 100, 2, seed: 11);
        using var sim = new AggregationSimulator(Scheme(), config);
        sim.Run(spec, inputs);

        FixedPointPlan plan = FixedPointPlanner.Plan(requirements with { MaxModulusBits = PaillierSlotLayout.MaxSlotBits });
        var layout = new PaillierSlotLayout(plan, TestKeyBits);
        byte[][] uploads = sim.Transcript.Received.Where(t => t.Stage == "upload").Select(t => t.Bytes).ToArray();
        Assert.Equal(4, uploads.Length);
        foreach ((ParticipantId site, SiteInput input) in inputs)
        {
            ulong[] q = new ulong[40];
            new FixedPointCodec(plan).Encode(input.Values, input.Weight, q);
            foreach (ulong v in q.Where(v => v != 0))
            {
                Assert.All(uploads, u => Assert.Equal(-1, u.AsSpan().IndexOf(BitConverter.GetBytes(v))));
            }

            ulong[] shifted = q.Take(layout.SlotsPerPlaintext).Select(layout.Shift).ToArray();
            byte[] packed = layout.Pack(shifted).ToByteArray(isUnsigned: true);
            Assert.All(uploads, u => Assert.Equal(-1, u.AsSpan().IndexOf(packed.AsSpan(0, 16))));
        }

        // The decryptor receives one aggregate, equal to no single site's upload.
        byte[] decrypt = sim.Transcript.Entries.Single(t => t.Stage == "decrypt" && t.Direction == MessageDirection.ServerToParticipant).Bytes;
        Assert.All(uploads, u => Assert.Equal(-1, decrypt.AsSpan().IndexOf(u.AsSpan(u.Length - 64))));
    }

    [Theory]
    [InlineData("zero")]
    [InlineData("n-squared")]
    [InlineData("truncated")]
    [InlineData("oversized")]
    [InlineData("garbage")]
    public void BadCiphertextFromOneSiteIsRefusedAndTheOthersStillSum(string tampering)
    {
        SessionConfig config = Session(5, 3);
        var spec = new RoundSpec("r1", 20, FixedPointRequirements.ForAbsoluteError(1, 5, 1e-5));
        var inputs = RandomInputs(config, 20, 1, 1, seed: 12);
        using var sim = new AggregationSimulator(Scheme(), config);
        SimulatedRound run = sim.Run(spec, inputs, interceptor: (from, _, reply) => from == "site-3" ? Tamper(reply, tampering) : reply);
        ParticipantId[] honest = config.Sites.Where(s => s != "site-3").ToArray();
        Assert.Equal(honest, run.Result.Contributors);
        AssertWithin(PlainSum(inputs, honest, 20), run.Result);
        Assert.Contains(run.Result.Violations, v => v.Contains("site-3") && v.Contains("upload"));
    }

    [Fact]
    public void ProductionSchemeRefusesKeysBelow2048Bits()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PaillierAggregationScheme(1024));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PaillierAggregationScheme(2048, randomnessBits: 128));

        // A decryptor that offers a small key is refused by a production server, and the round fails cleanly.
        SessionConfig config = Session(3, 2);
        IAggregationServer server = new PaillierAggregationScheme().CreateServer(config);
        using IAggregationParticipant weakDecryptor = Scheme().CreateParticipant(PaillierAggregationScheme.Decryptor, config);
        ServerOutbox outbox = server.BeginRound(new RoundSpec("r1", 5, FixedPointRequirements.ForAbsoluteError(1, 3, 1e-5)));
        byte[] keyReply = weakDecryptor.Handle(outbox.Messages[PaillierAggregationScheme.Decryptor]);
        var e = Assert.Throws<ProtocolViolationException>(() => server.Receive(PaillierAggregationScheme.Decryptor, keyReply));
        Assert.Contains("2048", e.Message);
        Assert.Throws<AggregationFailedException>(() => server.EndStage());
    }

    [Fact]
    public void SitesRefuseAKeyThatChangesBetweenRounds()
    {
        SessionConfig config = Session(2, 1);
        var scheme = Scheme();
        using var sim = new AggregationSimulator(scheme, config);
        var requirements = FixedPointRequirements.ForAbsoluteError(1, 2, 1e-5);
        sim.Run(new RoundSpec("r1", 4, requirements), RandomInputs(config, 4, 1, 1, 13));

        // A second server with its own decryptor (think: a server that swaps in a key it owns) serves round r2.
        IAggregationServer rogue = scheme.CreateServer(config);
        using IAggregationParticipant rogueDecryptor = scheme.CreateParticipant(PaillierAggregationScheme.Decryptor, config);
        ServerOutbox keyStage = rogue.BeginRound(new RoundSpec("r2", 4, requirements));
        rogue.Receive(PaillierAggregationScheme.Decryptor, rogueDecryptor.Handle(keyStage.Messages[PaillierAggregationScheme.Decryptor]));
        ServerOutbox upload = rogue.EndStage();
        IAggregationParticipant site = sim.Participants["site-1"];
        site.SetInput("r2", new double[4]);
        var e = Assert.Throws<ProtocolViolationException>(() => site.Handle(upload.Messages["site-1"]));
        Assert.Contains("key changed", e.Message);
    }

    [Fact]
    public void ARealKeyOf2048BitsAggregatesEndToEnd()
    {
        SessionConfig config = Session(3, 2);
        var spec = new RoundSpec("r1", 8, FixedPointRequirements.ForAbsoluteError(5, 3, 1e-6, maxWeight: 2));
        var inputs = RandomInputs(config, 8, 5, 2, seed: 14);
        using var sim = new AggregationSimulator(new PaillierAggregationScheme(2048), config);
        AggregationResult result = sim.Run(spec, inputs).Result;
        AssertWithin(PlainSum(inputs, config.Sites, 8), result);
        Assert.Equal(2048, ((PaillierAggregationServer)sim.Server).PublicKey!.ModulusBits);
    }

    [Fact]
    public void ReplayedOrMisroutedUploadsAreRefusedWithoutTouchingTheSum()
    {
        SessionConfig config = Session(3, 2);
        var scheme = Scheme();
        IAggregationServer server = scheme.CreateServer(config);
        using IAggregationParticipant decryptor = scheme.CreateParticipant(PaillierAggregationScheme.Decryptor, config);
        var sites = config.Sites.ToDictionary(s => s, s => scheme.CreateParticipant(s, config));
        var requirements = FixedPointRequirements.ForIntegers(10, 3);
        byte[]? oldUpload = null;
        foreach (string round in new[] { "r1", "r2" })
        {
            ServerOutbox outbox = server.BeginRound(new RoundSpec(round, 3, requirements));
            if (outbox.Stage == "key")
            {
                server.Receive(PaillierAggregationScheme.Decryptor, decryptor.Handle(outbox.Messages[PaillierAggregationScheme.Decryptor]));
                outbox = server.EndStage();
            }

            Assert.Equal("upload", outbox.Stage);
            foreach ((ParticipantId id, IAggregationParticipant site) in sites)
            {
                site.SetInput(round, new double[] { 1, -2, 3 });
                byte[] upload = site.Handle(outbox.Messages[id]);
                server.Receive(id, upload);
                if (id == "site-1")
                {
                    Assert.Contains("replay", Assert.Throws<ProtocolViolationException>(() => server.Receive(id, upload)).Message);
                    Assert.Contains("misrouted", Assert.Throws<ProtocolViolationException>(() => server.Receive("site-2", upload)).Message);
                    if (oldUpload is not null)
                    {
                        Assert.Contains("round r1", Assert.Throws<ProtocolViolationException>(() => server.Receive("site-2", oldUpload)).Message);
                    }

                    oldUpload = upload;
                }
            }

            // A site refuses to answer the same round twice.
            Assert.Throws<ProtocolViolationException>(() => sites["site-3"].Handle(outbox.Messages["site-3"]));
            ServerOutbox decrypt = server.EndStage();
            server.Receive(PaillierAggregationScheme.Decryptor, decryptor.Handle(decrypt.Messages[PaillierAggregationScheme.Decryptor]));
            Assert.True(server.EndStage().IsComplete);
            Assert.Equal(new double[] { 3, -6, 9 }, server.Result!.Sum);
        }

        foreach (IAggregationParticipant site in sites.Values)
        {
            site.Dispose();
        }
    }

    [Fact]
    public void ASiteNamedLikeTheDecryptorIsRefused()
    {
        var config = new SessionConfig("s", new ParticipantId[] { "decryptor", "site-1" }, 1);
        Assert.Throws<ArgumentException>(() => Scheme().AuxiliaryParticipants(config));
    }

    private static byte[]? Tamper(byte[] reply, string how)
    {
        var r = new WireReader(reply, "test");
        MessageHeader.Read(ref r, "paillier");
        r.ReadParticipant("sender");
        int countAt = r.Position;
        r.ReadVarUInt("count");
        int first = r.Position;
        int width = (2 * TestKeyBits + 7) / 8;
        byte[] t = (byte[])reply.Clone();
        switch (how)
        {
            case "zero":
                Array.Clear(t, first, width);
                return t;
            case "n-squared":
                Array.Fill(t, (byte)0xFF, first, width);
                return t;
            case "truncated":
                return t[..^7];
            case "oversized":
                t[countAt] = 0x7F;
                return t;
            default:
                return [.. t.AsSpan(0, first), .. new byte[5]];
        }
    }

    private static bool ReachesPrivateKey(object root)
    {
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        var queue = new Queue<object>();
        queue.Enqueue(root);
        while (queue.Count > 0 && seen.Count < 500_000)
        {
            object o = queue.Dequeue();
            if (!seen.Add(o))
            {
                continue;
            }

            Type type = o.GetType();
            if (o is PaillierPrivateKey or PaillierKeyPair)
            {
                return true;
            }

            if (o is Array array)
            {
                if (!type.GetElementType()!.IsPrimitive)
                {
                    foreach (object? e in array)
                    {
                        if (e is not null)
                        {
                            queue.Enqueue(e);
                        }
                    }
                }

                continue;
            }

            for (Type? t = type; t is not null; t = t.BaseType)
            {
                foreach (FieldInfo f in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                {
                    if (f.FieldType.IsPrimitive || f.FieldType.IsPointer || f.FieldType == typeof(string))
                    {
                        continue;
                    }

                    object? value = f.GetValue(o);
                    if (value is null or string or Type or MemberInfo or Assembly or Module)
                    {
                        continue;
                    }

                    queue.Enqueue(value);
                }
            }
        }

        return false;
    }
}
