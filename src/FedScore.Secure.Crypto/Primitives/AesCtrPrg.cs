using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Security.Cryptography;
using X86Aes = System.Runtime.Intrinsics.X86.Aes;

namespace FedScore.Secure.Crypto.Primitives;

/// <summary>
/// AES-128 in counter mode (NIST SP 800-38A §6.5, counter blocks incremented as one 128-bit big-endian integer as in
/// Appendix B.1) used as a mask generator: it expands a 128-bit key and a 128-bit initial counter into a keystream and
/// adds or subtracts it, read as little-endian 32- or 64-bit words, into a vector in one pass.
/// </summary>
/// <remarks>
/// Two implementations give byte-identical output (checked in the tests): AES-NI intrinsics with eight blocks in
/// flight (AESENC has a latency of several cycles but a throughput of one or two per cycle, so eight independent
/// blocks keep the unit busy), and a portable fallback that encrypts counter blocks with the platform's AES in ECB mode.
/// Every call consumes whole 16-byte blocks; a call whose length is not a multiple of 16 bytes discards the rest of
/// its last block, so callers that need a continuous stream use lengths that are multiples of 16.
/// Security: the keystream is indistinguishable from random as long as AES-128 is a PRP and fewer than 2^64 blocks are
/// drawn from one key (birthday bound of SP 800-38A counter mode) — far above any vector this project masks.
/// </remarks>
public sealed class AesCtrPrg : IDisposable
{
    public const int KeySize = 16;
    public const int BlockSize = 16;
    private const int BlocksInFlight = 8;
    private const int Stride = BlockSize * BlocksInFlight;
    private const int SoftwareChunk = 2048;

    private readonly Vector128<byte>[]? _roundKeys;
    private readonly System.Security.Cryptography.Aes? _ecb;
    private UInt128 _counter;
    private bool _disposed;

    /// <param name="key">16-byte AES-128 key.</param>
    /// <param name="initialCounter">16-byte initial counter block (big-endian 128-bit integer).</param>
    /// <param name="allowHardware">False forces the portable path (tests compare the two).</param>
    public AesCtrPrg(ReadOnlySpan<byte> key, ReadOnlySpan<byte> initialCounter, bool allowHardware = true)
    {
        if (key.Length != KeySize)
        {
            throw new ArgumentException($"AES-128 key must be {KeySize} bytes, got {key.Length}", nameof(key));
        }

        if (initialCounter.Length != BlockSize)
        {
            throw new ArgumentException($"initial counter block must be {BlockSize} bytes, got {initialCounter.Length}", nameof(initialCounter));
        }

        _counter = BinaryPrimitives.ReadUInt128BigEndian(initialCounter);
        if (allowHardware && IsHardwareAccelerated)
        {
            _roundKeys = ExpandKey128(key);
        }
        else
        {
            _ecb = System.Security.Cryptography.Aes.Create();
            _ecb.SetKey(key);
        }
    }

    /// <summary>True when AES-NI is available (the fast path).</summary>
    public static bool IsHardwareAccelerated => X86Aes.IsSupported && Sse2.IsSupported;

    /// <summary>True when this instance runs on AES-NI.</summary>
    public bool UsesHardware => _roundKeys is not null;

    /// <summary>Writes keystream bytes.</summary>
    public void Fill(Span<byte> destination) => Run<Store>(destination);

    /// <summary>acc[i] += word_i (mod 2^32).</summary>
    public void AddTo(Span<uint> accumulator) => Run<Add32>(MemoryMarshal.AsBytes(accumulator));

    /// <summary>acc[i] −= word_i (mod 2^32).</summary>
    public void SubtractFrom(Span<uint> accumulator) => Run<Sub32>(MemoryMarshal.AsBytes(accumulator));

    /// <summary>acc[i] += word_i (mod 2^64).</summary>
    public void AddTo(Span<ulong> accumulator) => Run<Add64>(MemoryMarshal.AsBytes(accumulator));

    /// <summary>acc[i] −= word_i (mod 2^64).</summary>
    public void SubtractFrom(Span<ulong> accumulator) => Run<Sub64>(MemoryMarshal.AsBytes(accumulator));

    public void Dispose()
    {
        if (_roundKeys is not null)
        {
            Array.Clear(_roundKeys);
        }

        _ecb?.Dispose();
        _counter = 0;
        _disposed = true;
    }

    public override string ToString() => $"AesCtrPrg({(UsesHardware ? "AES-NI" : "portable")})";

    private void Run<TOp>(Span<byte> data)
        where TOp : struct, ICombiner
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_roundKeys is not null)
        {
            RunHardware<TOp>(data);
        }
        else
        {
            RunPortable<TOp>(data);
        }
    }

    private void RunHardware<TOp>(Span<byte> data)
        where TOp : struct, ICombiner
    {
        ReadOnlySpan<Vector128<byte>> rk = _roundKeys;
        Vector128<byte> k0 = rk[0];
        Vector128<byte> k10 = rk[10];
        ref byte d = ref MemoryMarshal.GetReference(data);
        int length = data.Length;
        int i = 0;
        UInt128 c = _counter;
        while (length - i >= Stride)
        {
            Vector128<byte> b0 = CounterBlock(c) ^ k0;
            Vector128<byte> b1 = CounterBlock(c + 1) ^ k0;
            Vector128<byte> b2 = CounterBlock(c + 2) ^ k0;
            Vector128<byte> b3 = CounterBlock(c + 3) ^ k0;
            Vector128<byte> b4 = CounterBlock(c + 4) ^ k0;
            Vector128<byte> b5 = CounterBlock(c + 5) ^ k0;
            Vector128<byte> b6 = CounterBlock(c + 6) ^ k0;
            Vector128<byte> b7 = CounterBlock(c + 7) ^ k0;
            for (int r = 1; r < 10; r++)
            {
                Vector128<byte> k = rk[r];
                b0 = X86Aes.Encrypt(b0, k);
                b1 = X86Aes.Encrypt(b1, k);
                b2 = X86Aes.Encrypt(b2, k);
                b3 = X86Aes.Encrypt(b3, k);
                b4 = X86Aes.Encrypt(b4, k);
                b5 = X86Aes.Encrypt(b5, k);
                b6 = X86Aes.Encrypt(b6, k);
                b7 = X86Aes.Encrypt(b7, k);
            }

            nuint o = (nuint)i;
            Apply<TOp>(ref d, o, X86Aes.EncryptLast(b0, k10));
            Apply<TOp>(ref d, o + 16, X86Aes.EncryptLast(b1, k10));
            Apply<TOp>(ref d, o + 32, X86Aes.EncryptLast(b2, k10));
            Apply<TOp>(ref d, o + 48, X86Aes.EncryptLast(b3, k10));
            Apply<TOp>(ref d, o + 64, X86Aes.EncryptLast(b4, k10));
            Apply<TOp>(ref d, o + 80, X86Aes.EncryptLast(b5, k10));
            Apply<TOp>(ref d, o + 96, X86Aes.EncryptLast(b6, k10));
            Apply<TOp>(ref d, o + 112, X86Aes.EncryptLast(b7, k10));
            c += BlocksInFlight;
            i += Stride;
        }

        while (i < length)
        {
            Vector128<byte> b = CounterBlock(c) ^ k0;
            for (int r = 1; r < 10; r++)
            {
                b = X86Aes.Encrypt(b, rk[r]);
            }

            ApplyPartial<TOp>(data, i, X86Aes.EncryptLast(b, k10));
            c++;
            i += BlockSize;
        }

        _counter = c;
    }

    private void RunPortable<TOp>(Span<byte> data)
        where TOp : struct, ICombiner
    {
        Span<byte> counters = stackalloc byte[SoftwareChunk];
        Span<byte> keystream = stackalloc byte[SoftwareChunk];
        try
        {
            int i = 0;
            while (i < data.Length)
            {
                int bytes = Math.Min(SoftwareChunk, (data.Length - i + BlockSize - 1) / BlockSize * BlockSize);
                for (int b = 0; b < bytes; b += BlockSize)
                {
                    BinaryPrimitives.WriteUInt128BigEndian(counters.Slice(b, BlockSize), _counter);
                    _counter++;
                }

                _ecb!.EncryptEcb(counters[..bytes], keystream[..bytes], PaddingMode.None);
                for (int b = 0; b < bytes; b += BlockSize)
                {
                    ApplyPartial<TOp>(data, i + b, Vector128.Create<byte>(keystream.Slice(b, BlockSize)));
                }

                i += bytes;
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(keystream);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Apply<TOp>(ref byte d, nuint offset, Vector128<byte> keystream)
        where TOp : struct, ICombiner
    {
        Vector128<byte> current = TOp.ReadsDestination ? Vector128.LoadUnsafe(ref d, offset) : default;
        Vector128.StoreUnsafe(TOp.Combine(current, keystream), ref d, offset);
    }

    /// <summary>Combines one block at <paramref name="offset"/>, which may be the short last block of the data.</summary>
    private static void ApplyPartial<TOp>(Span<byte> data, int offset, Vector128<byte> keystream)
        where TOp : struct, ICombiner
    {
        int available = data.Length - offset;
        if (available >= BlockSize)
        {
            Apply<TOp>(ref MemoryMarshal.GetReference(data), (nuint)offset, keystream);
            return;
        }

        // Lanes are independent (words never straddle 16-byte boundaries), so a padded block gives the same words.
        Span<byte> tmp = stackalloc byte[BlockSize];
        tmp.Clear();
        data[offset..].CopyTo(tmp);
        Apply<TOp>(ref MemoryMarshal.GetReference(tmp), 0, keystream);
        tmp[..available].CopyTo(data[offset..]);
        CryptographicOperations.ZeroMemory(tmp);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> CounterBlock(UInt128 c) =>
        Vector128.Create(
            BinaryPrimitives.ReverseEndianness((ulong)(c >> 64)),
            BinaryPrimitives.ReverseEndianness((ulong)c)).AsByte();

    /// <summary>AES-128 key schedule (FIPS 197 §5.2) with AESKEYGENASSIST; round constants 01…36 from FIPS 197 Table 5.</summary>
    private static Vector128<byte>[] ExpandKey128(ReadOnlySpan<byte> key)
    {
        var rk = new Vector128<byte>[11];
        Vector128<byte> k = Vector128.Create<byte>(key);
        rk[0] = k;
        k = KeyStep(k, X86Aes.KeygenAssist(k, 0x01)); rk[1] = k;
        k = KeyStep(k, X86Aes.KeygenAssist(k, 0x02)); rk[2] = k;
        k = KeyStep(k, X86Aes.KeygenAssist(k, 0x04)); rk[3] = k;
        k = KeyStep(k, X86Aes.KeygenAssist(k, 0x08)); rk[4] = k;
        k = KeyStep(k, X86Aes.KeygenAssist(k, 0x10)); rk[5] = k;
        k = KeyStep(k, X86Aes.KeygenAssist(k, 0x20)); rk[6] = k;
        k = KeyStep(k, X86Aes.KeygenAssist(k, 0x40)); rk[7] = k;
        k = KeyStep(k, X86Aes.KeygenAssist(k, 0x80)); rk[8] = k;
        k = KeyStep(k, X86Aes.KeygenAssist(k, 0x1B)); rk[9] = k;
        k = KeyStep(k, X86Aes.KeygenAssist(k, 0x36)); rk[10] = k;
        return rk;
    }

    private static Vector128<byte> KeyStep(Vector128<byte> key, Vector128<byte> assist)
    {
        assist = Sse2.Shuffle(assist.AsInt32(), 0xFF).AsByte();
        key ^= Sse2.ShiftLeftLogical128BitLane(key, 4);
        key ^= Sse2.ShiftLeftLogical128BitLane(key, 4);
        key ^= Sse2.ShiftLeftLogical128BitLane(key, 4);
        return key ^ assist;
    }

    private interface ICombiner
    {
        static abstract bool ReadsDestination { get; }

        static abstract Vector128<byte> Combine(Vector128<byte> destination, Vector128<byte> keystream);
    }

    private readonly struct Store : ICombiner
    {
        public static bool ReadsDestination => false;

        public static Vector128<byte> Combine(Vector128<byte> destination, Vector128<byte> keystream) => keystream;
    }

    private readonly struct Add32 : ICombiner
    {
        public static bool ReadsDestination => true;

        public static Vector128<byte> Combine(Vector128<byte> destination, Vector128<byte> keystream) =>
            (destination.AsUInt32() + keystream.AsUInt32()).AsByte();
    }

    private readonly struct Sub32 : ICombiner
    {
        public static bool ReadsDestination => true;

        public static Vector128<byte> Combine(Vector128<byte> destination, Vector128<byte> keystream) =>
            (destination.AsUInt32() - keystream.AsUInt32()).AsByte();
    }

    private readonly struct Add64 : ICombiner
    {
        public static bool ReadsDestination => true;

        public static Vector128<byte> Combine(Vector128<byte> destination, Vector128<byte> keystream) =>
            (destination.AsUInt64() + keystream.AsUInt64()).AsByte();
    }

    private readonly struct Sub64 : ICombiner
    {
        public static bool ReadsDestination => true;

        public static Vector128<byte> Combine(Vector128<byte> destination, Vector128<byte> keystream) =>
            (destination.AsUInt64() - keystream.AsUInt64()).AsByte();
    }
}
