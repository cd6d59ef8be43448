using System.Security.Cryptography;
using BcX25519 = Org.BouncyCastle.Math.EC.Rfc7748.X25519;

namespace FedScore.Secure.Crypto.Primitives;

/// <summary>
/// X25519 Diffie–Hellman (RFC 7748 §5, §6.1) on BouncyCastle's constant-time implementation.
/// </summary>
/// <remarks>
/// Parameters (RFC 7748 §5): 32-byte scalars (clamped on use), 32-byte little-endian u-coordinates, base point u = 9.
/// <see cref="Agree"/> returns null for an all-zero output, which RFC 7748 §6.1 says a protocol may reject: it means the
/// peer sent a point of small order and the "shared" value is known to everyone.
/// </remarks>
public static class X25519
{
    public const int KeySize = 32;

    /// <summary>X25519(k, u): the shared secret, or null when the peer's key has small order (all-zero output).</summary>
    public static SharedSecret? Agree(X25519PrivateKey privateKey, X25519PublicKey peer)
    {
        ArgumentNullException.ThrowIfNull(privateKey);
        ArgumentNullException.ThrowIfNull(peer);
        Span<byte> output = stackalloc byte[KeySize];
        try
        {
            bool ok = BcX25519.CalculateAgreement(privateKey.Span, peer.Bytes.Span, output);
            return ok ? new SharedSecret(output) : null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(output);
        }
    }

    /// <summary>
    /// True when <paramref name="key"/> is not of small order, i.e. X25519 with any (clamped) scalar gives a non-zero
    /// result. Decided by comparing with the few encodings of small-order u-coordinates instead of a scalar
    /// multiplication, so a server can screen hundreds of advertised keys for free.
    /// </summary>
    /// <remarks>
    /// Bit 255 of a u-coordinate is ignored (RFC 7748 §5), so it is cleared before comparing. Points of order dividing
    /// 8 on the curve and its twist (cofactors 8 and 4) have u ∈ {0, 1, p−1} or one of the two u-coordinates of order
    /// 8 (Bernstein, "Curve25519: new Diffie-Hellman speed records", §3; RFC 7748 §6.1); non-canonical encodings
    /// u + p ≤ 2^255 − 1 exist only for u ∈ {0, 1}. The test suite checks every entry against BouncyCastle's ladder
    /// (each gives an all-zero shared value) and random keys (none does). Public data: no constant-time need.
    /// </remarks>
    public static bool IsValidPublicKey(X25519PublicKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        Span<byte> u = stackalloc byte[KeySize];
        key.Bytes.Span.CopyTo(u);
        u[KeySize - 1] &= 0x7F;
        foreach (byte[] bad in SmallOrderEncodings)
        {
            if (u.SequenceEqual(bad))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Little-endian encodings (bit 255 clear) of every u whose point has order dividing 8.</summary>
    internal static IReadOnlyList<byte[]> SmallOrderEncodings { get; } =
    [
        Convert.FromHexString("0000000000000000000000000000000000000000000000000000000000000000"), // u = 0 (order 2)
        Convert.FromHexString("0100000000000000000000000000000000000000000000000000000000000000"), // u = 1 (order 4, twist)
        Convert.FromHexString("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"), // u = p − 1 (order 4)
        Convert.FromHexString("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"), // u = p ≡ 0
        Convert.FromHexString("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"), // u = p + 1 ≡ 1
        Convert.FromHexString("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"), // order 8
        Convert.FromHexString("5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157"), // order 8
    ];
}

/// <summary>An X25519 private scalar (32 bytes). Zeroed on dispose; never printed.</summary>
public sealed class X25519PrivateKey : IDisposable
{
    private readonly byte[] _key = new byte[X25519.KeySize];
    private bool _disposed;

    private X25519PrivateKey(ReadOnlySpan<byte> key)
    {
        key.CopyTo(_key);
        Span<byte> pub = stackalloc byte[X25519.KeySize];
        BcX25519.GeneratePublicKey(_key, pub);
        PublicKey = new X25519PublicKey(pub);
    }

    /// <summary>A fresh key from the OS CSPRNG.</summary>
    public static X25519PrivateKey Generate()
    {
        Span<byte> k = stackalloc byte[X25519.KeySize];
        RandomNumberGenerator.Fill(k);
        try
        {
            return new X25519PrivateKey(k);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(k);
        }
    }

    /// <summary>Imports 32 bytes (a test vector, or a key reconstructed from secret shares).</summary>
    public static X25519PrivateKey Import(ReadOnlySpan<byte> key)
    {
        if (key.Length != X25519.KeySize)
        {
            throw new ArgumentException($"an X25519 private key is {X25519.KeySize} bytes, got {key.Length}", nameof(key));
        }

        return new X25519PrivateKey(key);
    }

    public X25519PublicKey PublicKey { get; }

    /// <summary>Copies the scalar out, e.g. to secret-share it (caller zeroes the destination).</summary>
    public void Export(Span<byte> destination)
    {
        if (destination.Length != X25519.KeySize)
        {
            throw new ArgumentException($"destination must be {X25519.KeySize} bytes", nameof(destination));
        }

        Span.CopyTo(destination);
    }

    internal ReadOnlySpan<byte> Span
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _key;
        }
    }

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_key);
        _disposed = true;
    }

    public override string ToString() => $"X25519PrivateKey(public {PublicKey})";
}

/// <summary>An X25519 public key (32-byte u-coordinate).</summary>
public sealed class X25519PublicKey : IEquatable<X25519PublicKey>
{
    private readonly byte[] _bytes;

    public X25519PublicKey(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != X25519.KeySize)
        {
            throw new ArgumentException($"an X25519 public key is {X25519.KeySize} bytes, got {bytes.Length}", nameof(bytes));
        }

        _bytes = bytes.ToArray();
    }

    public ReadOnlyMemory<byte> Bytes => _bytes;

    public bool Equals(X25519PublicKey? other) => other is not null && _bytes.AsSpan().SequenceEqual(other._bytes);

    public override bool Equals(object? obj) => Equals(obj as X25519PublicKey);

    public override int GetHashCode() => BitConverter.ToInt32(_bytes, 0);

    public override string ToString() => Convert.ToHexStringLower(_bytes, 0, 8) + "…";
}

/// <summary>
/// The raw output of a key agreement. It is not a key: derive keys from it with <see cref="HkdfSha256"/>.
/// Zeroed on dispose; never printed.
/// </summary>
public sealed class SharedSecret : IDisposable
{
    private readonly byte[] _secret;
    private bool _disposed;

    internal SharedSecret(ReadOnlySpan<byte> secret)
    {
        _secret = secret.ToArray();
    }

    internal ReadOnlySpan<byte> Span
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _secret;
        }
    }

    /// <summary>Test hook: compares against an expected value (constant time).</summary>
    public bool Matches(ReadOnlySpan<byte> expected) => CryptographicOperations.FixedTimeEquals(Span, expected);

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_secret);
        _disposed = true;
    }

    public override string ToString() => "SharedSecret(…)";
}
