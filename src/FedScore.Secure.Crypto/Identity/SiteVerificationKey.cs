using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Math.EC.Rfc8032;

namespace FedScore.Secure.Crypto.Identity;

/// <summary>
/// A site's long-term Ed25519 public key (RFC 8032), as listed in the out-of-band roster. Verifies signatures made by
/// the matching <see cref="SiteSigningKey"/> under a domain-separation context.
/// </summary>
public sealed class SiteVerificationKey : IEquatable<SiteVerificationKey>
{
    /// <summary>RFC 8032 §5.1.5: an Ed25519 public key is 32 bytes (the encoded point A).</summary>
    public const int Length = 32;

    /// <summary>RFC 8032 §5.1.6: an Ed25519 signature is 64 bytes (R ‖ S).</summary>
    public const int SignatureLength = 64;

    private readonly byte[] _key;

    private SiteVerificationKey(byte[] key) => _key = key;

    /// <summary>
    /// Parses a public key and checks it decodes to a point of the curve (RFC 8032 §5.1.3), so that a garbage roster
    /// entry is refused when the roster is loaded rather than at the first signature check.
    /// </summary>
    public static SiteVerificationKey FromBytes(ReadOnlySpan<byte> key)
    {
        if (key.Length != Length)
        {
            throw new ArgumentException($"an Ed25519 public key is {Length} bytes, got {key.Length}", nameof(key));
        }

        byte[] copy = key.ToArray();
        if (!Ed25519.ValidatePublicKeyFull(copy, 0))
        {
            throw new ArgumentException("the bytes are not a valid Ed25519 public key (not a point of prime order on the curve)", nameof(key));
        }

        return new SiteVerificationKey(copy);
    }

    /// <summary>Parses the base64 form used in roster files.</summary>
    public static SiteVerificationKey FromBase64(string base64)
    {
        ArgumentNullException.ThrowIfNull(base64);
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(base64);
        }
        catch (FormatException e)
        {
            throw new ArgumentException("the public key is not valid base64", nameof(base64), e);
        }

        return FromBytes(bytes);
    }

    /// <summary>Skips the full point validation (the key was derived from a secret key, so it is well formed).</summary>
    internal static SiteVerificationKey FromTrustedBytes(byte[] key) => new(key);

    public ReadOnlySpan<byte> Bytes => _key;

    public string ToBase64() => Convert.ToBase64String(_key);

    /// <summary>A short, printable fingerprint for logs and prompts: the first 8 bytes of SHA-256 of the key, in hex.</summary>
    public string Fingerprint => Convert.ToHexStringLower(SHA256.HashData(_key).AsSpan(0, 8));

    /// <summary>
    /// Verifies <paramref name="signature"/> over <paramref name="message"/> under <paramref name="context"/>.
    /// Returns false (never throws) for a signature of the wrong length or one that does not verify.
    /// </summary>
    public bool Verify(string context, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != SignatureLength)
        {
            return false;
        }

        byte[] framed = SigningContext.Frame(context, message);
        return VerifyRaw(framed, signature);
    }

    /// <summary>Plain RFC 8032 Ed25519 verification of <paramref name="message"/> as is (no context framing).</summary>
    internal bool VerifyRaw(byte[] message, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != SignatureLength)
        {
            return false;
        }

        return Ed25519.Verify(signature.ToArray(), 0, _key, 0, message, 0, message.Length);
    }

    public bool Equals(SiteVerificationKey? other) =>
        other is not null && CryptographicOperations.FixedTimeEquals(_key, other._key);

    public override bool Equals(object? obj) => Equals(obj as SiteVerificationKey);

    public override int GetHashCode() => BitConverter.ToInt32(_key, 0);

    public override string ToString() => $"Ed25519 public key {Fingerprint}";
}

/// <summary>
/// Domain separation for signatures: every signed message is prefixed with a protocol label and a length-prefixed
/// context string, so a signature made for one purpose (say a hello) can never be replayed as another (a reply).
/// We frame the message for pure Ed25519 (RFC 8032 §5.1) instead of using Ed25519ctx so the primitive stays the one
/// checked against the §7.1 test vectors, and the framing is prefix-free (length-prefixed context).
/// </summary>
public static class SigningContext
{
    /// <summary>Fixed protocol label; bump with any incompatible change to what is signed.</summary>
    public const string ProtocolLabel = "FedScore.Secure/signature/v1";

    public const int MaxContextBytes = 255;

    internal static byte[] Frame(string context, ReadOnlySpan<byte> message)
    {
        ArgumentException.ThrowIfNullOrEmpty(context);
        int contextBytes = Encoding.UTF8.GetByteCount(context);
        if (contextBytes > MaxContextBytes)
        {
            throw new ArgumentException($"a signing context is at most {MaxContextBytes} UTF-8 bytes", nameof(context));
        }

        int labelBytes = Encoding.ASCII.GetByteCount(ProtocolLabel);
        byte[] framed = new byte[labelBytes + 1 + 1 + contextBytes + message.Length];
        int o = Encoding.ASCII.GetBytes(ProtocolLabel, framed);
        framed[o++] = 0;
        framed[o++] = (byte)contextBytes;
        o += Encoding.UTF8.GetBytes(context, framed.AsSpan(o));
        message.CopyTo(framed.AsSpan(o));
        return framed;
    }
}
