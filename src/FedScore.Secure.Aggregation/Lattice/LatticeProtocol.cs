using System.Text;
using FedScore.Secure.Crypto.Lattice.Rlwe;
using FedScore.Secure.Crypto.Primitives;
using FedScore.Secure.FixedPoint;
using FedScore.Secure.Wire;

namespace FedScore.Secure.Aggregation.Lattice;

/// <summary>
/// Stages, labels, key derivations and wire pieces shared by the lattice server and participants.
/// <code>
/// advertise-keys  (setup) server → sites: header, param id, length, plan          site → server: header, id, param id, X25519 key, sig
/// keygen          (setup) server → sites: header, param id, [site, X25519 key, sig]*
///                                                                                 site → server: header, id, param id, pk share, sig,
///                                                                                                  [recipient, AEAD(Shamir share)]*
/// upload          server → sites: header, param id, length, plan, flag[, cpk, dealers, [dealer, AEAD(share)]*]
///                                                                                 site → server: header, id, param id, ciphertexts (c0 + seed)
/// decrypt         server → active set: header, param id, active sites, contributors, aggregate
///                                                                                 site → server: header, id, param id, shares
/// </code>
/// The two setup stages run once per parameter set (normally once per session); the flag in "upload" carries the
/// collective key and the forwarded encrypted shares until the site has acknowledged them by uploading.
/// </summary>
internal static class LatticeProtocol
{
    public const byte AdvertiseStage = 0;
    public const byte KeygenStage = 1;
    public const byte UploadStage = 2;
    public const byte DecryptStage = 3;

    /// <summary>Slack the server allows on a forwarded share ciphertext beyond the packed polynomial and the GCM tag
    /// (the serializer's header: magic, version, kind, 16-byte id, N, limbs, dealer, recipient).</summary>
    public const int ShareHeaderAllowance = 64;

    // Domain-separation labels: every derived value names its purpose and version.
    private const string ShareKeyLabel = "FedScore.Secure/lattice/share-key/v1";
    private const string ShareAdLabel = "FedScore.Secure/lattice/share-ad/v1";
    private const string CrsLabel = "FedScore.Secure/lattice/collective-pk/v1";
    private const string CommonSeedLabel = "FedScore.Secure/lattice/upload-c1/v1";
    private const string AdvertisementLabel = "FedScore.Secure/lattice/key-advertisement/v1";
    private const string PkShareLabel = "FedScore.Secure/lattice/public-key-share/v1";

    /// <summary>Upper bound on a signature's size on the wire.</summary>
    public const int MaxSignatureLength = 512;

    /// <summary>What a site signs in "advertise-keys": its ephemeral X25519 key bound to session, setup round, parameter set and site.</summary>
    public static byte[] KeyAdvertisementPayload(SessionConfig config, string setupRound, ParameterSetId id, ParticipantId site, ReadOnlySpan<byte> x25519Key)
    {
        var w = new WireWriter(160);
        w.WriteString(AdvertisementLabel).WriteString(config.SessionId).WriteString(setupRound);
        WriteId(w, id);
        w.WriteParticipant(site).WriteRaw(x25519Key);
        return w.ToArray();
    }

    /// <summary>What a site signs in "keygen": SHA-256 of its serialized public-key share, bound like the advertisement.</summary>
    public static byte[] PublicKeySharePayload(SessionConfig config, string setupRound, ParameterSetId id, ParticipantId site, ReadOnlySpan<byte> pkShare)
    {
        var w = new WireWriter(192);
        w.WriteString(PkShareLabel).WriteString(config.SessionId).WriteString(setupRound);
        WriteId(w, id);
        w.WriteParticipant(site).WriteRaw(System.Security.Cryptography.SHA256.HashData(pkShare));
        return w.ToArray();
    }

    public static string StageName(byte stage) => stage switch
    {
        AdvertiseStage => "advertise-keys",
        KeygenStage => "keygen",
        UploadStage => "upload",
        DecryptStage => "decrypt",
        _ => $"unknown({stage})",
    };

    /// <summary>The public label the collective key's CRP is derived from: bound to scheme and parameter set.</summary>
    public static string CrsLabelFor(string scheme, ParameterSetId id) => $"{CrsLabel}/{scheme}/{id}";

    /// <summary>
    /// AES-256-GCM key (and nonce) for the single share message from <paramref name="sender"/> to
    /// <paramref name="recipient"/>: HKDF-SHA256(X25519(own, peer); salt = label, info = session ‖ setup round ‖
    /// parameter set ‖ sender ‖ recipient). Both ends derive the same key; the two directions get different keys, and
    /// the ephemeral X25519 keys are fresh per setup, so no (key, nonce) pair is ever used twice. Null when the peer's
    /// key has small order.
    /// </summary>
    public static AeadKey? ShareKey(X25519PrivateKey own, X25519PublicKey peer, SessionConfig config, string setupRound, ParameterSetId id, ParticipantId sender, ParticipantId recipient)
    {
        using SharedSecret? shared = X25519.Agree(own, peer);
        if (shared is null)
        {
            return null;
        }

        return AeadKey.Derive(shared, Encoding.UTF8.GetBytes(ShareKeyLabel), Context(config, setupRound, id, sender, recipient));
    }

    /// <summary>Associated data of a share ciphertext: binds session, setup round, parameter set, stage, sender and recipient.</summary>
    public static byte[] ShareAssociatedData(SessionConfig config, string setupRound, ParameterSetId id, ParticipantId sender, ParticipantId recipient)
    {
        var w = new WireWriter(160);
        w.WriteString(ShareAdLabel).WriteByte(KeygenStage).WriteRaw(Context(config, setupRound, id, sender, recipient));
        return w.ToArray();
    }

    /// <summary>
    /// The public 32-byte seed of c1 = a for ciphertext <paramref name="index"/> of a round's uploads: SHA-256 over
    /// label, session, round, parameter set and index, so every site and the server derive the same a and no a repeats
    /// within a session (round ids are single-use on both sides). Each site encrypts under its own additive key share
    /// with this a and uploads only c0 (see <see cref="Crypto.Lattice.Rlwe.Encryptor.EncryptWithSharedSeed(Crypto.Lattice.Rlwe.Plaintext, ReadOnlySpan{byte})"/>).
    /// </summary>
    public static byte[] CommonSeed(SessionConfig config, string roundId, ParameterSetId id, int index)
    {
        var w = new WireWriter(128);
        w.WriteString(CommonSeedLabel).WriteString(config.SessionId).WriteString(roundId);
        WriteId(w, id);
        w.WriteVarUInt((ulong)index);
        return System.Security.Cryptography.SHA256.HashData(w.WrittenSpan);
    }

    public static void WriteId(WireWriter w, ParameterSetId id)
    {
        id.WriteTo(w.Reserve(ParameterSetId.Size));
    }

    public static ParameterSetId ReadId(ref WireReader r) =>
        ParameterSetId.FromBytes(r.ReadRaw(ParameterSetId.Size, "parameter-set id"));

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

        w.WriteVarUInt((ulong)r.MaxModulusBits);
    }

    public static FixedPointRequirements ReadRequirements(ref WireReader r)
    {
        double maxAbs = r.ReadDouble("max-abs-value");
        int sites = r.ReadLength("plan-sites", SessionConfig.MaxSites);
        double maxWeight = r.ReadDouble("max-weight");
        byte flags = r.ReadByte("plan-flags");
        if ((flags & ~3) != 0)
        {
            throw r.Fail("plan-flags", $"has unknown bits 0x{flags:X2}");
        }

        FixedPointRequirements req = (flags & 1) != 0
            ? FixedPointRequirements.ForAbsoluteError(maxAbs, sites, r.ReadDouble("max-abs-error"), maxWeight)
            : FixedPointRequirements.ForFractionalBits(maxAbs, sites, r.ReadInt32("fractional-bits"), maxWeight);
        int maxModulusBits = r.ReadLength("max-modulus-bits", 4096);
        return req with { IntegerInputs = (flags & 2) != 0, MaxModulusBits = maxModulusBits };
    }

    /// <summary>Reads a list of distinct session sites in strictly ascending ordinal order (so every party sees one order).</summary>
    public static List<ParticipantId> ReadSortedSites(ref WireReader r, SessionConfig config, string field)
    {
        int count = r.ReadLength(field, config.Sites.Count);
        var list = new List<ParticipantId>(count);
        for (int i = 0; i < count; i++)
        {
            ParticipantId site = r.ReadParticipant(field);
            if (config.IndexOf(site) == 0)
            {
                throw r.Fail(field, $"lists '{site}', which is not a site of this session");
            }

            if (list.Count > 0 && list[^1].CompareTo(site) >= 0)
            {
                throw r.Fail(field, "is not strictly sorted (duplicate or out-of-order site)");
            }

            list.Add(site);
        }

        return list;
    }

    private static byte[] Context(SessionConfig config, string setupRound, ParameterSetId id, ParticipantId sender, ParticipantId recipient)
    {
        var w = new WireWriter(128);
        w.WriteString(config.SessionId).WriteString(setupRound);
        WriteId(w, id);
        w.WriteParticipant(sender).WriteParticipant(recipient);
        return w.ToArray();
    }
}
