using System.Security.Cryptography;
using FedScore.Secure.Crypto.Primitives;
using FedScore.Secure.Crypto.Sharing;
using FedScore.Secure.FixedPoint;
using FedScore.Secure.Wire;

namespace FedScore.Secure.Aggregation.Masking;

/// <summary>Stage numbers, labels, key derivations and wire pieces shared by the masking server and participants.</summary>
internal static class MaskingProtocol
{
    public const byte AdvertiseStage = 0;
    public const byte ShareKeysStage = 1;
    public const byte MaskedInputStage = 2;
    public const byte UnmaskStage = 3;

    /// <summary>Bytes of a Shamir share of a 32-byte secret (3 field elements).</summary>
    public static readonly int ShareElements = ShamirSecretSharing.ElementsFor(32);
    public static readonly int ShareBytes = ShareElements * ShamirShare.ElementSize;

    public const int CommitmentSize = 32;
    public const int MaxCiphertext = 512;

    // Domain-separation labels: every derived value names its purpose and version, so no value can stand in for another.
    private const string PairwiseSeedLabel = "FedScore.Secure/masking/pairwise-seed/v1";
    private const string ShareKeyLabel = "FedScore.Secure/masking/share-key/v1";
    private const string ShareAdLabel = "FedScore.Secure/masking/share-ad/v1";
    private const string AdvertisementLabel = "FedScore.Secure/masking/advertisement/v1";
    private const string CommitmentLabel = "FedScore.Secure/masking/self-mask-commitment/v1";

    public static string StageName(byte stage) => stage switch
    {
        AdvertiseStage => "advertise-keys",
        ShareKeysStage => "share-keys",
        MaskedInputStage => "upload",
        UnmaskStage => "unmasking",
        _ => $"unknown({stage})",
    };

    /// <summary>Masks live in Z_{2^32} when every sum fits 32 bits (half the bytes and PRG work), else Z_{2^64}.</summary>
    public static int WordBits(FixedPointPlan plan) => plan.FitsIn(32) ? 32 : 64;

    /// <summary>The plan every party derives from the round's requirements, for a 64-bit word container.</summary>
    public static FixedPointPlan Plan(FixedPointRequirements requirements) =>
        FixedPointPlanner.Plan(requirements with { MaxModulusBits = 64 });

    /// <summary>
    /// s_uv = HKDF-SHA256(X25519(s_u, s_v); salt = label, info = session ‖ round ‖ min(u,v) ‖ max(u,v)): 256 bits (AES-128
    /// key and counter block). Both sites derive the same seed; it is bound to this session, round and unordered pair.
    /// Null when the peer's key has small order.
    /// </summary>
    public static MaskSeed? PairwiseSeed(X25519PrivateKey own, X25519PublicKey peer, SessionConfig config, string roundId, ParticipantId a, ParticipantId b)
    {
        using SharedSecret? shared = X25519.Agree(own, peer);
        if (shared is null)
        {
            return null;
        }

        (ParticipantId lo, ParticipantId hi) = a.CompareTo(b) < 0 ? (a, b) : (b, a);
        return MaskSeed.Derive(shared, System.Text.Encoding.UTF8.GetBytes(PairwiseSeedLabel), Context(config, roundId, lo, hi));
    }

    /// <summary>
    /// AEAD keys for the one share message in each direction between this site and a peer (c-key agreement, HKDF with
    /// info = session ‖ round ‖ sender ‖ recipient). One agreement serves both directions; null when the peer's key has
    /// small order.
    /// </summary>
    public static (AeadKey Send, AeadKey Receive)? ShareKeys(X25519PrivateKey own, X25519PublicKey peer, SessionConfig config, string roundId, ParticipantId self, ParticipantId other)
    {
        using SharedSecret? shared = X25519.Agree(own, peer);
        if (shared is null)
        {
            return null;
        }

        byte[] salt = System.Text.Encoding.UTF8.GetBytes(ShareKeyLabel);
        return (AeadKey.Derive(shared, salt, Context(config, roundId, self, other)), AeadKey.Derive(shared, salt, Context(config, roundId, other, self)));
    }

    /// <summary>Associated data of a share ciphertext: binds sender, recipient, session, round and stage.</summary>
    public static byte[] ShareAssociatedData(SessionConfig config, string roundId, ParticipantId sender, ParticipantId recipient)
    {
        var w = new WireWriter();
        w.WriteString(ShareAdLabel).WriteString(config.SessionId).WriteString(roundId).WriteByte(ShareKeysStage)
            .WriteParticipant(sender).WriteParticipant(recipient);
        return w.ToArray();
    }

    /// <summary>The bytes a site signs when it advertises its keys.</summary>
    public static byte[] AdvertisementPayload(SessionConfig config, string roundId, ParticipantId site, ReadOnlySpan<byte> cKey, ReadOnlySpan<byte> sKey)
    {
        var w = new WireWriter();
        w.WriteString(AdvertisementLabel).WriteString(config.SessionId).WriteString(roundId).WriteParticipant(site)
            .WriteRaw(cKey).WriteRaw(sKey);
        return w.ToArray();
    }

    /// <summary>
    /// SHA-256 commitment to the self-mask seed, sent with the masked input, so the server can check the seed it
    /// reconstructs (a wrong share is caught instead of silently corrupting the sum). It reveals nothing useful: the
    /// seed is 256 uniformly random bits.
    /// </summary>
    public static byte[] SelfMaskCommitment(SessionConfig config, string roundId, ParticipantId site, ReadOnlySpan<byte> seed)
    {
        var w = new WireWriter();
        w.WriteString(CommitmentLabel).WriteString(config.SessionId).WriteString(roundId).WriteParticipant(site).WriteBytes(seed);
        return SHA256.HashData(w.WrittenSpan);
    }

    public static void WriteRequirements(WireWriter w, FixedPointRequirements r)
    {
        byte flags = (byte)((r.MaxAbsError is null ? 0 : 1) | (r.IntegerInputs ? 2 : 0));
        w.WriteDouble(r.MaxAbsValue).WriteVarUInt((ulong)r.Sites).WriteDouble(r.MaxWeight).WriteByte(flags);
        if (r.MaxAbsError is { } e)
        {
            w.WriteDouble(e);
        }
        else
        {
            w.WriteInt32(r.FractionalBits ?? 0);
        }
    }

    public static FixedPointRequirements ReadRequirements(ref WireReader r)
    {
        double maxAbs = r.ReadDouble("max-abs-value");
        int sites = r.ReadLength("plan-sites", 1 << 24);
        double maxWeight = r.ReadDouble("max-weight");
        byte flags = r.ReadByte("plan-flags");
        if ((flags & ~3) != 0)
        {
            throw r.Fail("plan-flags", $"has unknown bits 0x{flags:X2}");
        }

        bool integers = (flags & 2) != 0;
        FixedPointRequirements req = (flags & 1) != 0
            ? FixedPointRequirements.ForAbsoluteError(maxAbs, sites, r.ReadDouble("max-abs-error"), maxWeight)
            : FixedPointRequirements.ForFractionalBits(maxAbs, sites, r.ReadInt32("fractional-bits"), maxWeight);
        return req with { IntegerInputs = integers };
    }

    private static byte[] Context(SessionConfig config, string roundId, ParticipantId first, ParticipantId second)
    {
        var w = new WireWriter();
        w.WriteString(config.SessionId).WriteString(roundId).WriteParticipant(first).WriteParticipant(second);
        return w.ToArray();
    }
}
