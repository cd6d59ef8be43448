using System.Security.Cryptography;

namespace FedScore.Secure.Crypto.Primitives;

/// <summary>
/// HKDF with SHA-256 (RFC 5869), the only way a <see cref="SharedSecret"/> becomes key material. The salt and info
/// carry domain-separation labels and the protocol context (session, round, parties) so that keys derived for one
/// purpose or round can never be used for another.
/// </summary>
/// <remarks>Uses the platform's HKDF (System.Security.Cryptography.HKDF), checked against RFC 5869 A.1 in the tests.</remarks>
public static class HkdfSha256
{
    /// <summary>RFC 5869 §2.3: L ≤ 255·HashLen.</summary>
    public const int MaxOutputLength = 255 * 32;

    public static void DeriveKey(SharedSecret secret, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> info, Span<byte> output)
    {
        ArgumentNullException.ThrowIfNull(secret);
        DeriveKey(secret.Span, salt, info, output);
    }

    /// <summary>Raw-input form (test vectors, and seeds that are already uniformly random).</summary>
    public static void DeriveKey(ReadOnlySpan<byte> inputKeyMaterial, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> info, Span<byte> output)
    {
        if (output.Length < 1 || output.Length > MaxOutputLength)
        {
            throw new ArgumentOutOfRangeException(nameof(output), $"HKDF-SHA256 output must be 1 to {MaxOutputLength} bytes");
        }

        HKDF.DeriveKey(HashAlgorithmName.SHA256, inputKeyMaterial, output, salt, info);
    }
}
