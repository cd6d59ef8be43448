using System.Security.Cryptography;

namespace FedScore.Secure.Crypto.Primitives;

/// <summary>
/// A 256-bit seed for <see cref="AesCtrPrg"/>: bytes 0–15 are the AES-128 key, bytes 16–31 the initial counter
/// block. The key alone gives 128-bit security (the PRG is AES-CTR, a PRF-based generator; NIST SP 800-38A §6.5).
/// Zeroed on dispose; never printed.
/// </summary>
public sealed class MaskSeed : IDisposable
{
    public const int Size = 32;

    private readonly byte[] _seed = new byte[Size];
    private bool _disposed;

    private MaskSeed(ReadOnlySpan<byte> seed) => seed.CopyTo(_seed);

    public static MaskSeed Generate()
    {
        var s = new MaskSeed(default);
        RandomNumberGenerator.Fill(s._seed);
        return s;
    }

    public static MaskSeed Import(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != Size)
        {
            throw new ArgumentException($"a mask seed is {Size} bytes, got {seed.Length}", nameof(seed));
        }

        return new MaskSeed(seed);
    }

    /// <summary>Derives a seed from a key agreement with HKDF-SHA256 (salt/info bind the context).</summary>
    public static MaskSeed Derive(SharedSecret secret, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> info)
    {
        var s = new MaskSeed(default);
        HkdfSha256.DeriveKey(secret, salt, info, s._seed);
        return s;
    }

    /// <summary>Copies the seed out, e.g. to secret-share it (caller zeroes the destination).</summary>
    public void Export(Span<byte> destination)
    {
        if (destination.Length != Size)
        {
            throw new ArgumentException($"destination must be {Size} bytes", nameof(destination));
        }

        Span.CopyTo(destination);
    }

    /// <summary>Constant-time equality, e.g. to check a reconstructed seed.</summary>
    public bool Matches(ReadOnlySpan<byte> other) => CryptographicOperations.FixedTimeEquals(Span, other);

    /// <summary>A generator positioned at the seed's initial counter.</summary>
    public AesCtrPrg CreatePrg() => new(Span[..16], Span[16..]);

    internal ReadOnlySpan<byte> Span
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _seed;
        }
    }

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_seed);
        _disposed = true;
    }

    public override string ToString() => "MaskSeed(…)";
}
