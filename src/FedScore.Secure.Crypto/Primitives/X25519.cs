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
    /// True when <paramref name="key"/> is not of small order: X25519 with a fixed valid scalar gives a non-zero result.
    /// A clamped scalar is a multiple of the cofactor 8, so it sends every point of order dividing 8 (and only those)
    /// to zero; one scalar multiplication therefore decides the question for every peer key.
    /// </summary>
    public static bool IsValidPublicKey(X25519PublicKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        Span<byte> scalar = stackalloc byte[KeySize];
        scalar.Fill(0x5A);
        Span<byte> output = stackalloc byte[KeySize];
        bool ok = BcX25519.CalculateAgreement(scalar, key.Bytes.Span, output);
        CryptographicOperations.ZeroMemory(output);
        return ok;
    }
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
