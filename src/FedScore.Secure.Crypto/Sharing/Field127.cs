using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace FedScore.Secure.Crypto.Sharing;

/// <summary>
/// Arithmetic in GF(p) for the Mersenne prime p = 2^127 − 1, on UInt128. Reduction uses 2^127 ≡ 1 (mod p), so no
/// division is ever needed. Elements are kept fully reduced in [0, p).
/// </summary>
internal static class Field127
{
    public static readonly UInt128 P = (UInt128.One << 127) - 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static UInt128 Add(UInt128 a, UInt128 b) => Reduce(a + b); // a, b < 2^127: no overflow

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static UInt128 Sub(UInt128 a, UInt128 b) => a >= b ? a - b : a + P - b;

    /// <summary>a·b mod p from four 64×64→128 products: with a = a1·2^64 + a0 (a1 &lt; 2^63),
    /// a·b = a1b1·2^128 + (a0b1 + a1b0)·2^64 + a0b0 and 2^128 ≡ 2 (mod p).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static UInt128 Mul(UInt128 a, UInt128 b)
    {
        ulong a0 = (ulong)a, a1 = (ulong)(a >> 64), b0 = (ulong)b, b1 = (ulong)(b >> 64);
        UInt128 p00 = Math.BigMul(a0, b0);
        UInt128 mid = Math.BigMul(a0, b1) + Math.BigMul(a1, b0); // each < 2^127, sum < 2^128
        UInt128 p11 = Math.BigMul(a1, b1);                        // < 2^126
        UInt128 t1 = Reduce(p00);
        UInt128 t2 = Reduce((UInt128)(ulong)mid << 64);
        UInt128 t3 = Reduce((p11 + (mid >> 64)) << 1);           // (< 2^127)·2 < 2^128
        return Add(Add(t1, t2), t3);
    }

    /// <summary>a^(p−2) = a^-1 (Fermat); a must be non-zero.</summary>
    public static UInt128 Inverse(UInt128 a)
    {
        if (a == 0)
        {
            throw new DivideByZeroException("zero has no inverse in GF(2^127−1)");
        }

        UInt128 e = P - 2, result = 1, x = a;
        while (e != 0)
        {
            if ((e & 1) != 0)
            {
                result = Mul(result, x);
            }

            x = Mul(x, x);
            e >>= 1;
        }

        return result;
    }

    /// <summary>Uniform element of [0, p) by rejection from 127 random bits (only p itself is rejected).</summary>
    public static UInt128 Random()
    {
        Span<byte> b = stackalloc byte[16];
        while (true)
        {
            RandomNumberGenerator.Fill(b);
            UInt128 v = System.Buffers.Binary.BinaryPrimitives.ReadUInt128LittleEndian(b) & P;
            if (v != P)
            {
                CryptographicOperations.ZeroMemory(b);
                return v;
            }
        }
    }

    /// <summary>Maps any x &lt; 2^128 to [0, p).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static UInt128 Reduce(UInt128 x)
    {
        x = (x & P) + (x >> 127); // ≤ 2^127
        return x >= P ? x - P : x;
    }
}
