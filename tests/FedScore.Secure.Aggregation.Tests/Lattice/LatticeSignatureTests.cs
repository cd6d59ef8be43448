using FedScore.Secure.Aggregation.Lattice;
using FedScore.Secure.Aggregation.Masking;
using FedScore.Secure.Aggregation.Simulation;
using FedScore.Secure.Crypto.Lattice.Multiparty;
using FedScore.Secure.Crypto.Lattice.Rlwe;
using FedScore.Secure.Crypto.Lattice.Serialization;
using FedScore.Secure.Crypto.Primitives;
using FedScore.Secure.Wire;
using static FedScore.Secure.Aggregation.Tests.Lattice.LatticeTestKit;

namespace FedScore.Secure.Aggregation.Tests.Lattice;

/// <summary>Identity signatures on the lattice key-setup messages, shared-seed uploads, and the threshold option.</summary>
public sealed class LatticeSignatureTests
{
    private static readonly ParticipantId Site2 = new("site-02");

    private static LatticeOptions Signed(ToySigner hook, bool verify = true) =>
        new() { Signer = hook, Verifier = verify ? hook : null };

    [Theory]
    [InlineData("ckks")]
    [InlineData("bfv")]
    public void SignedSetupVerifiesEveryKeyAndKeyShareAndSumsCorrectly(string scheme)
    {
        var hook = new ToySigner();
        SessionConfig config = Session(5, 3);
        var spec = new RoundSpec("r1", 12, Reals(5));
        var inputs = RandomInputs(config, 12, 10, 1, seed: 41);
        using var sim = new AggregationSimulator(new LatticeAggregationScheme(Kind(scheme), Signed(hook)), config);
        AggregationResult result = sim.Run(spec, inputs).Result;
        AssertWithin(PlainSum(inputs, config.Sites, 12), result);
        // Server: 5 advertisements + 5 key shares; every site: the 5 forwarded advertisements.
        Assert.True(hook.Verified >= 5 + 5 + 5 * 5, $"only {hook.Verified} verifications");
    }

    [Fact]
    public void ServerRefusesASubstitutedPublicKeyShare()
    {
        SessionConfig config = Session(5, 3);
        var spec = new RoundSpec("r1", 12, Reals(5));
        var inputs = RandomInputs(config, 12, 10, 1, seed: 42);
        RlweParameters p = LatticeRoundPlan.For(LatticeSchemeKind.Ckks, 12, spec.Requirements).Parameters;

        // With signatures checked, a valid but different key share in site-02's keygen message is refused and the
        // round goes on without site-02.
        var hook = new ToySigner();
        using var sim = new AggregationSimulator(LatticeAggregationScheme.Ckks(Signed(hook)), config);
        AggregationResult r = sim.Run(spec, inputs, interceptor: SubstitutePkShare(p, config)).Result;
        Assert.DoesNotContain(Site2, r.Contributors);
        Assert.Contains(r.Violations, v => v.Contains("signature", StringComparison.Ordinal));
        AssertWithin(PlainSum(inputs, config.Sites.Where(s => s != Site2), 12), r);

        // Control: without a verifier the same substitution goes unnoticed (so the check above is what caught it).
        using var sim2 = new AggregationSimulator(LatticeAggregationScheme.Ckks(Signed(new ToySigner(), verify: false)), config);
        AggregationResult r2 = sim2.Run(spec, inputs, interceptor: SubstitutePkShare(p, config)).Result;
        Assert.Contains(Site2, r2.Contributors);
    }

    [Fact]
    public void SitesRefuseAKeyAdvertisementTheServerSubstituted()
    {
        // The server does not check signatures (or is the attacker): it swaps site-02's X25519 key for its own. Every
        // site that checks signatures refuses the keygen request, so no Shamir share is sent under the swapped key.
        var hook = new ToySigner();
        SessionConfig config = Session(4, 3);
        IAggregationServer server = LatticeAggregationScheme.Ckks(Signed(hook, verify: false)).CreateServer(config);
        var scheme = LatticeAggregationScheme.Ckks(Signed(hook));
        var sites = config.Sites.ToDictionary(s => s, s => scheme.CreateParticipant(s, config));
        try
        {
            var inputs = RandomInputs(config, 8, 10, 1, seed: 43);
            foreach ((ParticipantId s, SiteInput input) in inputs)
            {
                sites[s].SetInput("r1", input.Values, input.Weight);
            }

            ServerOutbox outbox = server.BeginRound(new RoundSpec("r1", 8, Reals(4)));
            using X25519PrivateKey attacker = X25519PrivateKey.Generate();
            foreach ((ParticipantId s, byte[] message) in outbox.Messages)
            {
                byte[] reply = sites[s].Handle(message);
                if (s == Site2)
                {
                    byte[] key = new byte[X25519.KeySize];
                    attacker.PublicKey.Bytes.Span.CopyTo(key);
                    reply = ReplaceAdvertisedKey(reply, key);
                }

                server.Receive(s, reply);
            }

            outbox = server.EndStage();
            Assert.Equal("keygen", outbox.Stage);
            foreach ((ParticipantId s, byte[] message) in outbox.Messages)
            {
                var e = Assert.Throws<ProtocolViolationException>(() => sites[s].Handle(message));
                Assert.Contains("invalid signature", e.Message);
            }
        }
        finally
        {
            foreach (IAggregationParticipant s in sites.Values)
            {
                s.Dispose();
            }
        }
    }

    [Fact]
    public void ServerRefusesAnUploadThatDoesNotUseTheRoundsSharedSeed()
    {
        SessionConfig config = Session(4, 3);
        var spec = new RoundSpec("r1", 8, Reals(4));
        var inputs = RandomInputs(config, 8, 10, 1, seed: 44);
        using var session = new ManualSession(LatticeAggregationScheme.Ckks(), config);
        ServerOutbox outbox = session.Begin(spec, inputs);
        outbox = session.Step(outbox);
        outbox = session.Step(outbox);
        Assert.Equal("upload", outbox.Stage);
        Dictionary<ParticipantId, byte[]> replies = session.Answer(outbox);

        // site-02 re-encrypts under a fresh random seed (a correct ciphertext, but its c1 is not the shared a).
        LatticeRoundPlan plan = LatticeRoundPlan.For(LatticeSchemeKind.Ckks, 8, spec.Requirements);
        RlweParameters p = plan.Parameters;
        using SecretKey sk = new KeyGenerator(p).CreateSecretKey();
        // Trimmed like an honest short upload, so only the seed is wrong.
        var writer = new WireWriter(1024 + LatticeSerializer.PolynomialSize(p));
        LatticeSerializer.WriteTrimmedTo(writer, new Encryptor(p, sk).Encrypt(new Plaintext(p)), plan.UsedCoefficients(0));
        byte[] foreign = writer.ToArray();
        byte[] tampered = ReplaceUploadCiphertext(replies[Site2], foreign);
        var e = Assert.Throws<ProtocolViolationException>(() => session.Server.Receive(Site2, tampered));
        Assert.Contains("shared c1", e.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(6)]
    public void ThresholdOutsideWhatTheSchemeNeedsIsRefusedNamingTheOption(int threshold)
    {
        var config = new SessionConfig("t", Enumerable.Range(1, 5).Select(i => new ParticipantId($"site-{i:D2}")), Math.Min(threshold, 5));
        if (threshold > 5)
        {
            // SessionConfig itself may refuse t > n; either way the caller gets an ArgumentException.
            Assert.ThrowsAny<ArgumentException>(() => LatticeAggregationScheme.Ckks().CreateServer(
                new SessionConfig("t", Enumerable.Range(1, 5).Select(i => new ParticipantId($"site-{i:D2}")), threshold)));
            return;
        }

        var e = Assert.Throws<ArgumentException>(() => LatticeAggregationScheme.Bfv().CreateServer(config));
        Assert.Contains("--threshold", e.Message);
        Assert.Throws<ArgumentException>(() => LatticeAggregationScheme.Ckks().CreateParticipant(config.Sites[0], config));
    }

    private static LatticeSchemeKind Kind(string scheme) => scheme == "ckks" ? LatticeSchemeKind.Ckks : LatticeSchemeKind.Bfv;

    /// <summary>Replaces site-02's public-key share in its keygen reply by a valid share of another key; the signature stays.</summary>
    private static ReplyInterceptor SubstitutePkShare(RlweParameters p, SessionConfig config) => (from, stage, reply) =>
    {
        if (from != Site2 || stage != 1)
        {
            return reply;
        }

        var r = new WireReader(reply, "test");
        MessageHeader h = MessageHeader.Read(ref r, "ckks");
        ParticipantId sender = r.ReadParticipant("site");
        byte[] id = r.ReadRaw(ParameterSetId.Size, "id").ToArray();
        r.ReadBytes("pk-share", 1 << 22);
        byte[] signature = r.ReadBytes("sig", 1024).ToArray();
        byte[] rest = r.ReadRaw(r.Remaining, "rest").ToArray();

        var cpk = new CollectivePublicKeyProtocol(p);
        PublicKeyCrp crp = cpk.SampleCrp(CommonReferenceString.Derive(config.SessionId, LatticeProtocol.CrsLabelFor("ckks", p.Id)));
        using SecretKey other = new KeyGenerator(p).CreateSecretKey();
        byte[] forged = LatticeSerializer.Write(cpk.GenerateShare(other, crp));

        var w = new WireWriter(reply.Length + 64);
        h.WriteTo(w);
        w.WriteParticipant(sender).WriteRaw(id).WriteBytes(forged).WriteBytes(signature).WriteRaw(rest);
        return w.ToArray();
    };

    private static byte[] ReplaceAdvertisedKey(byte[] reply, byte[] key)
    {
        var r = new WireReader(reply, "test");
        MessageHeader h = MessageHeader.Read(ref r, "ckks");
        ParticipantId sender = r.ReadParticipant("site");
        byte[] id = r.ReadRaw(ParameterSetId.Size, "id").ToArray();
        r.ReadRaw(X25519.KeySize, "key");
        byte[] rest = r.ReadRaw(r.Remaining, "rest").ToArray();
        var w = new WireWriter(reply.Length);
        h.WriteTo(w);
        w.WriteParticipant(sender).WriteRaw(id).WriteRaw(key).WriteRaw(rest);
        return w.ToArray();
    }

    private static byte[] ReplaceUploadCiphertext(byte[] reply, byte[] ciphertext)
    {
        var r = new WireReader(reply, "test");
        MessageHeader h = MessageHeader.Read(ref r, "ckks");
        ParticipantId sender = r.ReadParticipant("site");
        byte[] id = r.ReadRaw(ParameterSetId.Size, "id").ToArray();
        int count = r.ReadLength("count", 100);
        Assert.Equal(1, count);
        var w = new WireWriter(reply.Length + ciphertext.Length);
        h.WriteTo(w);
        w.WriteParticipant(sender).WriteRaw(id).WriteVarUInt(1).WriteRaw(ciphertext);
        return w.ToArray();
    }

    /// <summary>Test-only stand-in for identity signatures: an HMAC keyed per site (not a signature scheme).</summary>
    private sealed class ToySigner : IKeyAdvertisementSigner, IKeyAdvertisementVerifier
    {
        private int _verified;

        public int Verified => _verified;

        public byte[] Sign(ParticipantId site, ReadOnlySpan<byte> advertisement) =>
            System.Security.Cryptography.HMACSHA256.HashData(System.Text.Encoding.UTF8.GetBytes(site.Value), advertisement);

        public bool Verify(ParticipantId site, ReadOnlySpan<byte> advertisement, ReadOnlySpan<byte> signature)
        {
            Interlocked.Increment(ref _verified);
            return System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(Sign(site, advertisement), signature);
        }
    }
}
