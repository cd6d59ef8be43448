using System.Buffers.Binary;
using System.Security.Cryptography;

namespace FedScore.Secure.Crypto.Lattice.Ring;

/// <summary>
/// A deterministic pseudorandom generator: AES-256 in counter mode keyed by a 32-byte seed (NIST SP 800-38A CTR; the
/// construction of NIST SP 800-90A CTR_DRBG without its update step). A domain tag in the counter block separates
/// streams drawn from one seed. Seeded from <see cref="RandomNumberGenerator"/> (<see cref="CreateSecure"/>) it is
/// the sampler for secrets and noise; seeded from a public seed it expands a uniform polynomial that travels as its
/// 32-byte seed — such a stream is PUBLIC, never use it for secrets.
/// </summary>
public sealed class Prng : IDisposable
{
    public const int SeedSize = 32;
    private const int BufferBlocks = 256;

    private readonly Aes _aes;
    private readonly byte[] _counterBlocks = new byte[16 * BufferBlocks];
    private readonly byte[] _buffer = new byte[16 * BufferBlocks];
    private readonly ulong _domain;
    private ulong _counter;
    private int _position;
    private bool _disposed;

    public Prng(ReadOnlySpan<byte> seed, ulong domain = 0)
    {
        if (seed.Length != SeedSize)
        {
            throw new ArgumentException($"seed must be {SeedSize} bytes", nameof(seed));
        }

        _aes = Aes.Create();
        byte[] key = seed.ToArray();
        _aes.Key = key; // the setter copies; wipe our temporary
        CryptographicOperations.ZeroMemory(key);
        _domain = domain;
        _position = _buffer.Length;
    }

    /// <summary>A generator seeded from the operating system's CSPRNG.</summary>
    public static Prng CreateSecure()
    {
        Span<byte> seed = stackalloc byte[SeedSize];
        RandomNumberGenerator.Fill(seed);
        try
        {
            return new Prng(seed);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    /// <summary>A fresh 32-byte seed from the operating system's CSPRNG.</summary>
    public static byte[] NewSeed() => RandomNumberGenerator.GetBytes(SeedSize);

    public void Fill(Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        while (destination.Length > 0)
        {
            if (_position == _buffer.Length)
            {
                Refill();
            }

            int take = Math.Min(destination.Length, _buffer.Length - _position);
            _buffer.AsSpan(_position, take).CopyTo(destination);
            _position += take;
            destination = destination[take..];
        }
    }

    public ulong NextUInt64()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_buffer.Length - _position < 8)
        {
            Span<byte> b = stackalloc byte[8];
            Fill(b);
            return BinaryPrimitives.ReadUInt64LittleEndian(b);
        }

        ulong v = BinaryPrimitives.ReadUInt64LittleEndian(_buffer.AsSpan(_position, 8));
        _position += 8;
        return v;
    }

    public byte NextByte()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_position == _buffer.Length)
        {
            Refill();
        }

        return _buffer[_position++];
    }

    private void Refill()
    {
        Span<byte> blocks = _counterBlocks;
        for (int i = 0; i < BufferBlocks; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(blocks.Slice(16 * i, 8), _domain);
            BinaryPrimitives.WriteUInt64LittleEndian(blocks.Slice(16 * i + 8, 8), _counter++);
        }

        _aes.EncryptEcb(blocks, _buffer, PaddingMode.None);
        _position = 0;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        CryptographicOperations.ZeroMemory(_buffer);
        _aes.Dispose();
    }

    public override string ToString() => "Prng";
}
