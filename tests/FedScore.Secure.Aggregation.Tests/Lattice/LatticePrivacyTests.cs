using System.Buffers.Binary;
using FedScore.Secure.Aggregation.Lattice;
using FedScore.Secure.Aggregation.Simulation;
using FedScore.Secure.Crypto.Lattice.Multiparty;
using FedScore.Secure.Crypto.Lattice.Rlwe;
using FedScore.Secure.Crypto.Lattice.Serialization;
using FedScore.Secure.Crypto.Primitives;
using FedScore.Secure.FixedPoint;
using static FedScore.Secure.Aggregation.Tests.Lattice.LatticeTestKit;

namespace FedScore.Secure.Aggregation.Tests.Lattice;

/// <summary>What the server sees and holds: never an input in clear, never a secret key share.</summary>
public sealed class LatticePrivacyTests
{
    private static readonly Type[] s_secretTypes =
    [
        typeof(SecretKey), typeof(AdditiveKeyShare), typeof(ThresholdKeyShare), typeof(ShamirShare), typeof(DealerShareSet),
        typeof(X25519PrivateKey), typeof(AeadKey), typeof(SharedSecret),
    ];

    [Theory]
    [InlineData("ckks")]
    [InlineData("bfv")]
    public void TranscriptNeverCarriesAnInputInClear(string scheme)
    {
        SessionConfig config = Session(4, 3);
        const int length = 64;
        var spec = new RoundSpec("r1", length, Reals(4, maxWeight: 2));
        var inputs = RandomInputs(config, length, 10, 2, seed: 21);
        using var sim = new AggregationSimulator(Scheme(scheme), config);
        AggregationResult result = sim.Run(spec, inputs).Result;
        AssertWithin(PlainSum(inputs, config.Sites, length), result);

        // The forms an input could leak in: the double itself, w·x, the fixed-point word round(w·x·2^f) and the
        // CKKS integer round(w·x·Δ), each as the 8 little-endian bytes a careless encoder would write.
        FixedPointPlan fixedPoint = FixedPointPlanner.Plan(spec.Requirements with { MaxModulusBits = 62 });
        double ckksScale = AggregationPlanner.PlanCkks(length, spec.Requirements).Scale;
        var needles = new List<byte[]>();
        foreach (SiteInput input in inputs.Values)
        {
            var words = new ulong[length];
            new FixedPointCodec(fixedPoint).Encode(input.Values, input.Weight, words);
            for (int i = 0; i < length; i += 7)
            {
                needles.Add(Le(BitConverter.DoubleToInt64Bits(input.Values[i])));
                needles.Add(Le(BitConverter.DoubleToInt64Bits(input.Values[i] * input.Weight)));
                needles.Add(Le((long)words[i]));
                needles.Add(Le((long)Math.Round(input.Values[i] * input.Weight * ckksScale)));
            }
        }

        var entries = sim.Transcript.Entries;
        Assert.NotEmpty(entries);
        foreach (TranscriptEntry e in entries)
        {
            foreach (byte[] needle in needles)
            {
                Assert.False(Contains(e.Bytes, needle), $"{e.Participant} {e.Stage} ({e.Direction}) carries an input word in clear");
            }
        }

        // The search can fail: a message that did carry an input word would be caught.
        Assert.True(Contains([0, 1, .. needles[2], 3], needles[2]));
    }

    [Theory]
    [InlineData("ckks")]
    [InlineData("bfv")]
    public void ServerNeverHoldsASecretKeyShareAndSeesSharesOnlyEncrypted(string scheme)
    {
        SessionConfig config = Session(5, 3);
        var spec = new RoundSpec("r1", 20, Reals(5));
        using var sim = new AggregationSimulator(Scheme(scheme), config);
        sim.Run(spec, RandomInputs(config, 20, 10, 1, seed: 22), new DropoutSchedule().Drop("site-04", "upload"));

        // No secret type is reachable from the server object, after setup and a round with a dropout.
        Assert.False(Reaches(sim.Server, s_secretTypes), "the server holds (a reference to) secret key material");
        // The walk does find secrets where they are: every site that finished setup holds its dealers' shares.
        Assert.True(Reaches(sim.Participants["site-01"], typeof(DealerShareSet)));

        // On the wire, a Shamir share's serialized header ('L' 'H' v1, kind 5, parameter-set id) never appears in
        // clear, while ciphertext and public-key-share headers do (so the search would see a clear share).
        RlweParameters p = LatticeRoundPlan.For(scheme == "ckks" ? LatticeSchemeKind.Ckks : LatticeSchemeKind.Bfv, 20, spec.Requirements).Parameters;
        byte[] shareHeader = Header(LatticeObjectKind.ShamirShare, p);
        var entries = sim.Transcript.Entries;
        Assert.DoesNotContain(entries, e => Contains(e.Bytes, shareHeader));
        Assert.Contains(entries, e => Contains(e.Bytes, Header(LatticeObjectKind.Ciphertext, p)));
        Assert.Contains(entries, e => Contains(e.Bytes, Header(LatticeObjectKind.PublicKeyShare, p)));

        // And the header really is what a share starts with.
        using var key = AdditiveKeyShare.FromSecretKey(new KeyGenerator(p).CreateSecretKey());
        IReadOnlyList<ShamirShare> shares = new ShamirKeySharing(p, 2, 3).Split(key, 1);
        Assert.True(LatticeSerializer.Write(shares[0]).AsSpan().StartsWith(shareHeader));
        foreach (ShamirShare s in shares)
        {
            s.Dispose();
        }
    }

    [Fact]
    public void SiteRefusesToDecryptForAnActiveSetBelowTheThreshold()
    {
        // With fewer than t active members the Lagrange combination would not be the collective key; a request that
        // names only the site itself is refused before any share is computed.
        SessionConfig config = Session(4, 3);
        using var session = new ManualSession(LatticeAggregationScheme.Bfv(), config);
        ServerOutbox outbox = session.Begin(new RoundSpec("r1", 8, Reals(4)), RandomInputs(config, 8, 10, 1, seed: 24));
        outbox = session.Step(outbox);
        outbox = session.Step(outbox);
        outbox = session.Step(outbox);
        Assert.Equal("decrypt", outbox.Stage);
        (ParticipantId site, byte[] message) = outbox.Messages.First();
        var e = Assert.Throws<ProtocolViolationException>(() => session.Participants[site].Handle(RewriteActiveSet(message, site)));
        Assert.Contains("threshold", e.Message);
    }

    private static byte[] RewriteActiveSet(byte[] message, ParticipantId only)
    {
        // header | id(16) | active count | sites… | rest: re-encode with a single active site.
        var r = new FedScore.Secure.Wire.WireReader(message, "test");
        FedScore.Secure.Wire.MessageHeader h = FedScore.Secure.Wire.MessageHeader.Read(ref r, "bfv");
        byte[] id = r.ReadRaw(16, "id").ToArray();
        int count = r.ReadLength("count", 100);
        for (int i = 0; i < count; i++)
        {
            r.ReadParticipant("site");
        }

        byte[] rest = r.ReadRaw(r.Remaining, "rest").ToArray();
        var w = new FedScore.Secure.Wire.WireWriter();
        h.WriteTo(w);
        w.WriteRaw(id).WriteVarUInt(1).WriteParticipant(only).WriteRaw(rest);
        return w.ToArray();
    }

    private static byte[] Header(LatticeObjectKind kind, RlweParameters p)
    {
        byte[] h = new byte[4 + ParameterSetId.Size];
        h[0] = (byte)'L';
        h[1] = (byte)'H';
        h[2] = LatticeSerializer.Version;
        h[3] = (byte)kind;
        p.Id.WriteTo(h.AsSpan(4));
        return h;
    }

    private static byte[] Le(long v)
    {
        byte[] b = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(b, v);
        return b;
    }
}
