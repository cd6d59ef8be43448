using FedScore.Secure.Aggregation.Masking;
using FedScore.Secure.Aggregation.Simulation;
using FedScore.Secure.Wire;
using static FedScore.Secure.Aggregation.Tests.Masking.MaskingTestKit;

namespace FedScore.Secure.Aggregation.Tests.Masking;

public class MaskingBadInputTests
{
    private static readonly ParticipantId Site0 = "site-000";
    private static readonly ParticipantId Site1 = "site-001";
    private static readonly ParticipantId Site2 = "site-002";

    [Fact]
    public void TamperedShareCiphertextIsRefusedByItsRecipientAndTheRoundStillCompletes()
    {
        SessionConfig config = Session(6, threshold: 4);
        var inputs = IntegerInputs(config, 10, seed: 2);
        using var sim = new AggregationSimulator(Scheme(MaskingVariant.SecAgg), config);
        // Flip the last byte of site-002's share-keys reply: the GCM tag of its share for the last recipient.
        SimulatedRound round = sim.Run(IntegerSpec(config, 10), inputs, interceptor: (p, stage, reply) =>
        {
            if (p == Site2 && stage == 1)
            {
                byte[] bad = (byte[])reply.Clone();
                bad[^1] ^= 0x80;
                return bad;
            }

            return reply;
        });

        Assert.Equal(PlainSum(inputs, config.Sites, 10), round.Result.Sum);
        Assert.Contains(round.Result.Violations, v => v.Contains("could not open the share sent by site-002"));
    }

    [Fact]
    public void ReplayedMaskedVectorIsRefusedAndTheFirstCopyCountsOnce()
    {
        SessionConfig config = Session(5, threshold: 3);
        var inputs = IntegerInputs(config, 12, seed: 4);
        using var h = new MaskingHarness(config);
        h.Begin(IntegerSpec(config, 12), inputs);
        for (int stage = 0; stage < 2; stage++)
        {
            h.Answer();
            h.End();
        }

        h.Answer();
        var e = Assert.Throws<ProtocolViolationException>(() => h.Server.Receive(Site0, h.Replies[Site0]));
        Assert.Equal(Site0, e.Participant);
        Assert.Equal("upload", e.Stage);
        h.End();
        AggregationResult result = h.Finish();
        Assert.Equal(PlainSum(inputs, config.Sites, 12), result.Sum);
    }

    [Fact]
    public void MaskedVectorReplayedIntoALaterRoundIsRefused()
    {
        SessionConfig config = Session(5, threshold: 3);
        using var h = new MaskingHarness(config);
        h.Begin(IntegerSpec(config, 6, "r1"), IntegerInputs(config, 6, seed: 1));
        h.Answer(); h.End(); h.Answer(); h.End(); h.Answer();
        byte[] oldUpload = h.Replies[Site1];
        h.End();
        h.Finish();

        var inputs2 = IntegerInputs(config, 6, seed: 2);
        h.Begin(IntegerSpec(config, 6, "r2"), inputs2);
        h.Answer(); h.End(); h.Answer(); h.End();
        var e = Assert.Throws<ProtocolViolationException>(() => h.Answer((p, reply) => p == Site1 ? oldUpload : reply));
        Assert.Equal(Site1, e.Participant);
        Assert.Contains("replayed", e.Message);
    }

    [Theory]
    [InlineData("truncated")]
    [InlineData("trailing")]
    [InlineData("length")]
    [InlineData("oversized")]
    [InlineData("word-bits")]
    [InlineData("impostor")]
    public void MalformedMaskedVectorIsRefusedAndItsSiteIsTreatedAsDropped(string kind)
    {
        SessionConfig config = Session(6, threshold: 4);
        var inputs = IntegerInputs(config, 20, seed: 9);
        using var h = new MaskingHarness(config);
        h.Begin(IntegerSpec(config, 20), inputs);
        h.Answer(); h.End(); h.Answer(); h.End();

        ProtocolViolationException? refused = null;
        h.Answer((p, reply) =>
        {
            if (p != Site2)
            {
                return reply;
            }

            byte[] bad = Tamper(kind, reply, h.Replies.GetValueOrDefault(Site0));
            refused = Assert.Throws<ProtocolViolationException>(() => h.Server.Receive(p, bad));
            return null;
        });

        Assert.NotNull(refused);
        Assert.Equal(Site2, refused!.Participant);
        Assert.Equal("upload", refused.Stage);

        // The honest re-send is refused too (the site is out of this round), and the others are unaffected.
        Assert.Throws<ProtocolViolationException>(() => h.Server.Receive(Site2, h.Replies[Site2]));
        h.End();
        AggregationResult result = h.Finish();
        Assert.Equal(PlainSum(inputs, config.Sites.Where(s => s != Site2), 20), result.Sum);
        Assert.Contains(Site2, result.Dropped);
        Assert.NotEmpty(result.Violations);
    }

    private static byte[] Tamper(string kind, byte[] reply, byte[]? otherSitesReply)
    {
        // Layout: header, sender, word-bits (1), commitment (32), length (varint), words.
        var r = new WireReader(reply, "test");
        MessageHeader.Read(ref r, "masking");
        r.ReadParticipant("sender");
        int wordBitsAt = r.Position;
        r.ReadByte("word-bits");
        r.ReadRaw(32, "commitment");
        int lengthAt = r.Position;
        switch (kind)
        {
            case "truncated":
                return reply[..^3];
            case "trailing":
                return [.. reply, 0];
            case "length":
            {
                byte[] b = (byte[])reply.Clone();
                b[lengthAt]--; // 20 → 19 elements
                return b;
            }

            case "oversized":
            {
                var w = new WireWriter();
                w.WriteRaw(reply.AsSpan(0, lengthAt));
                w.WriteVarUInt(1UL << 40);
                return w.ToArray();
            }

            case "word-bits":
            {
                byte[] b = (byte[])reply.Clone();
                b[wordBitsAt] = 64;
                return b;
            }

            default:
                return otherSitesReply!; // site-000's genuine upload presented as site-002's
        }
    }

    [Fact]
    public void WrongShareDuringUnmaskingIsFoundAndTheSumIsStillExact()
    {
        SessionConfig config = Session(7, threshold: 4);
        var inputs = IntegerInputs(config, 15, seed: 21);
        using var h = new MaskingHarness(config);
        h.Begin(IntegerSpec(config, 15), inputs);
        for (int s = 0; s < 3; s++)
        {
            h.Answer();
            h.End();
        }

        // Reply layout ends with: …, last b-share (48 bytes), s-share count 0, complaint count 0.
        // Changing the lowest byte of the share's first element keeps it a valid field element with a wrong value.
        h.Answer((p, reply) =>
        {
            if (p != Site0)
            {
                return reply;
            }

            byte[] bad = (byte[])reply.Clone();
            bad[bad.Length - 2 - 48] ^= 0x01;
            return bad;
        });
        h.End();
        AggregationResult result = h.Server.Result!;
        Assert.Equal(PlainSum(inputs, config.Sites, 15), result.Sum);
        Assert.Contains(result.Violations, v => v.StartsWith("site-000") && v.Contains("wrong share"));
    }

    [Fact]
    public void ParticipantRefusesToRevealBothSharesOfTheSameSite()
    {
        SessionConfig config = Session(5, threshold: 3);
        using var h = new MaskingHarness(config);
        h.Begin(IntegerSpec(config, 4), IntegerInputs(config, 4, seed: 3));
        for (int s = 0; s < 3; s++)
        {
            h.Answer();
            h.End();
        }

        // A curious server lists site-001 as a survivor (asks for b) and as dropped (asks for its mask key).
        var w = new WireWriter();
        new MessageHeader("masking", "r1", 3).WriteTo(w);
        w.WriteVarUInt(5);
        foreach (ParticipantId s in config.Sites)
        {
            w.WriteParticipant(s);
        }

        w.WriteVarUInt(1).WriteParticipant(Site1);
        var e = Assert.Throws<ProtocolViolationException>(() => h.Participants[Site0].Handle(w.ToArray()));
        Assert.Contains("both", e.Message);
        Assert.Contains("site-001", e.Message);

        // After refusing, site-000 answers nothing else in this round, not even the honest request.
        Assert.Throws<ProtocolViolationException>(() => h.Participants[Site0].Handle(h.Outbox.Messages[Site0]));
    }

    [Fact]
    public void ParticipantAnswersTheUnmaskingRequestOnlyOnce()
    {
        SessionConfig config = Session(5, threshold: 3);
        using var h = new MaskingHarness(config);
        h.Begin(IntegerSpec(config, 4), IntegerInputs(config, 4, seed: 3));
        for (int s = 0; s < 3; s++)
        {
            h.Answer();
            h.End();
        }

        byte[] request = h.Outbox.Messages[Site0];
        h.Participants[Site0].Handle(request);
        var e = Assert.Throws<ProtocolViolationException>(() => h.Participants[Site0].Handle(request));
        Assert.Contains("replayed", e.Message);
    }

    [Fact]
    public void ParticipantRefusesTooFewSurvivors()
    {
        SessionConfig config = Session(5, threshold: 4);
        using var h = new MaskingHarness(config);
        h.Begin(IntegerSpec(config, 4), IntegerInputs(config, 4, seed: 3));
        for (int s = 0; s < 3; s++)
        {
            h.Answer();
            h.End();
        }

        // Claims that only site-000 and site-001 survived: unmasking would reveal a sum of two inputs.
        var w = new WireWriter();
        new MessageHeader("masking", "r1", 3).WriteTo(w);
        w.WriteVarUInt(2).WriteParticipant(Site0).WriteParticipant(Site1);
        w.WriteVarUInt(3).WriteParticipant(Site2).WriteParticipant("site-003").WriteParticipant("site-004");
        var e = Assert.Throws<ProtocolViolationException>(() => h.Participants[Site0].Handle(w.ToArray()));
        Assert.Contains("threshold", e.Message);
    }

    [Fact]
    public void ParticipantRefusesReplayedAndReorderedStages()
    {
        SessionConfig config = Session(4, threshold: 3);
        using var h = new MaskingHarness(config);
        h.Begin(IntegerSpec(config, 4), IntegerInputs(config, 4, seed: 3));
        byte[] advertise = h.Outbox.Messages[Site0];
        h.Answer();
        h.End();
        byte[] shareKeys = h.Outbox.Messages[Site0];

        // The advertise request again: same round id, refused.
        Assert.Throws<ProtocolViolationException>(() => h.Participants[Site0].Handle(advertise));
        h.Answer();
        // The share-keys request again after it was answered: refused.
        Assert.Throws<ProtocolViolationException>(() => h.Participants[Site1].Handle(shareKeys));
        // Garbage and truncated messages are malformed, not crashes.
        Assert.Throws<MalformedMessageException>(() => h.Participants[Site2].Handle(shareKeys[..10]));
        Assert.Throws<MalformedMessageException>(() => h.Participants[Site2].Handle(new byte[] { 1, 2, 3 }));
    }

    [Fact]
    public void ParticipantRefusesKeysTheServerSubstituted()
    {
        SessionConfig config = Session(4, threshold: 3);
        using var h = new MaskingHarness(config);
        h.Begin(IntegerSpec(config, 4), IntegerInputs(config, 4, seed: 3));
        h.Answer();
        h.End();
        byte[] msg = (byte[])h.Outbox.Messages[Site0].Clone();
        // The first advertisement is site-000's own: flip a byte of its c-key (just after header, count and id).
        var r = new WireReader(msg, "test");
        MessageHeader.Read(ref r, "masking");
        r.ReadLength("count", 10);
        r.ReadParticipant("site");
        msg[r.Position] ^= 1;
        var e = Assert.Throws<ProtocolViolationException>(() => h.Participants[Site0].Handle(msg));
        Assert.Contains("own advertisement", e.Message);
    }

    [Fact]
    public void ServerRefusesSmallOrderAndDuplicateKeys()
    {
        SessionConfig config = Session(4, threshold: 3);
        using var h = new MaskingHarness(config);
        h.Begin(IntegerSpec(config, 4), IntegerInputs(config, 4, seed: 3));
        var errors = new List<ProtocolViolationException>();
        h.Answer((p, reply) =>
        {
            byte[] bad = (byte[])reply.Clone();
            if (p == Site1)
            {
                // Zero c-key (small order): the last 65 bytes are c-key, s-key, empty signature length.
                Array.Clear(bad, bad.Length - 65, 32);
            }
            else if (p == Site2)
            {
                // Re-use site-000's keys.
                byte[] other = h.Replies[Site0];
                Array.Copy(other, other.Length - 65, bad, bad.Length - 65, 64);
            }
            else
            {
                return reply;
            }

            errors.Add(Assert.Throws<ProtocolViolationException>(() => h.Server.Receive(p, bad)));
            return null;
        });

        Assert.Equal(2, errors.Count);
        Assert.Contains("small order", errors[0].Message);
        Assert.Contains("already in use", errors[1].Message);
        Assert.Throws<AggregationFailedException>(() => h.End());
    }

    [Fact]
    public void SignatureHookSignsAndVerifiesEveryAdvertisement()
    {
        var hook = new ToySigner();
        var options = new MaskingOptions { Signer = hook, Verifier = hook };
        SessionConfig config = Session(5, threshold: 3);
        var inputs = IntegerInputs(config, 4, seed: 8);
        using var sim = new AggregationSimulator(new PairwiseMaskingScheme(MaskingVariant.SecAgg, options), config);
        Assert.Equal(PlainSum(inputs, config.Sites, 4), sim.Run(IntegerSpec(config, 4), inputs).Result.Sum);
        Assert.True(hook.Verified >= 5 * 5);

        // A bad signature on site-001's advertisement: the server refuses it and the round goes on without it.
        using var sim2 = new AggregationSimulator(new PairwiseMaskingScheme(MaskingVariant.SecAgg, options), config);
        AggregationResult r2 = sim2.Run(IntegerSpec(config, 4), inputs, interceptor: (p, stage, reply) =>
        {
            if (p == Site1 && stage == 0)
            {
                byte[] bad = (byte[])reply.Clone();
                bad[^1] ^= 1;
                return bad;
            }

            return reply;
        }).Result;
        Assert.DoesNotContain(Site1, r2.Contributors);
        Assert.Equal(PlainSum(inputs, config.Sites.Where(s => s != Site1), 4), r2.Sum);
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
