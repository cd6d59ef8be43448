using System.Runtime.CompilerServices;

namespace FedScore.Secure.Crypto.Lattice.Ring;

/// <summary>
/// Word-size modular arithmetic for NTT-friendly primes q &lt; 2^62 (so that 4q fits in a word, which the lazy
/// Harvey butterflies need). All operations wrap deliberately: they are written with <c>unchecked</c>.
/// </summary>
internal static class ModArith
{
    /// <summary>
    /// Largest modulus bit size the ring supports: the lazy Harvey butterflies keep values below 4q (Harvey 2014, §3),
    /// and the branch-free reductions read the sign bit, so 4q must stay below 2^63.
    /// </summary>
    public const int MaxModulusBits = 61;

    /// <summary>
    /// x − m if x ≥ m, else x; for x, m &lt; 2^63. Branch-free through the sign of x − m (Math.Min on ulong may compile to a
    /// branch, which mispredicts half the time on random residues).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong ReduceOnce(ulong x, ulong m)
    {
        unchecked
        {
            ulong d = x - m;
            return d + (m & (ulong)((long)d >> 63));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Add(ulong a, ulong b, ulong q) => ReduceOnce(unchecked(a + b), q);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Sub(ulong a, ulong b, ulong q)
    {
        unchecked
        {
            ulong d = a - b;
            return d + (q & (ulong)((long)d >> 63));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Neg(ulong a, ulong q) => ReduceOnce(q - a, q);

    /// <summary>a·b mod q for a, b &lt; q, through a 128-bit product.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Mul(ulong a, ulong b, ulong q)
    {
        UInt128 p = (UInt128)a * b;
        return (ulong)(p % q);
    }

    /// <summary>Shoup's precomputed companion of w: floor(w·2^64 / q) (Shoup, NTL; Harvey 2014, Alg. 2).</summary>
    public static ulong ShoupPrecompute(ulong w, ulong q) => (ulong)(((UInt128)w << 64) / q);

    /// <summary>x·w mod q in [0, 2q) for any 64-bit x, given w &lt; q and its Shoup companion.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong MulShoupLazy(ulong x, ulong w, ulong wShoup, ulong q)
    {
        ulong hi = Math.BigMul(x, wShoup, out _);
        return unchecked(x * w - hi * q);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong MulShoup(ulong x, ulong w, ulong wShoup, ulong q)
    {
        return ReduceOnce(MulShoupLazy(x, w, wShoup, q), q);
    }

    public static ulong Pow(ulong b, ulong e, ulong q)
    {
        ulong r = 1 % q;
        b %= q;
        while (e != 0)
        {
            if ((e & 1) != 0)
            {
                r = Mul(r, b, q);
            }

            b = Mul(b, b, q);
            e >>= 1;
        }

        return r;
    }

    /// <summary>Inverse modulo a prime q (Fermat).</summary>
    public static ulong Inv(ulong a, ulong q)
    {
        if (a % q == 0)
        {
            throw new ArgumentException("zero has no inverse", nameof(a));
        }

        return Pow(a, q - 2, q);
    }

    /// <summary>Reduces a signed 64-bit value into [0, q).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong FromSigned(long v, ulong q)
    {
        // Common case |v| < q: branch-free on the sign (plaintext values are sensitive too), no division.
        ulong mag = (ulong)Math.Abs(v == long.MinValue ? 0 : v);
        if (v != long.MinValue && mag < q)
        {
            return unchecked((ulong)v + (q & (ulong)(v >> 63)));
        }

        if (v >= 0)
        {
            return (ulong)v % q;
        }

        ulong m = (ulong)(-(v + 1)) % q; // −v − 1 ≥ 0 without overflow at long.MinValue
        return q - 1 - m;
    }

    /// <summary>Barrett constant floor(2^128 / q) as (hi, lo) for 128-bit reduction.</summary>
    public static (ulong Hi, ulong Lo) BarrettRatio(ulong q)
    {
        UInt128 r = UInt128.MaxValue / q; // floor((2^128 − 1)/q) = floor(2^128/q) for q not a power of two
        return ((ulong)(r >> 64), (ulong)r);
    }

    /// <summary>
    /// (a·b) mod q with a precomputed Barrett ratio (Barrett 1986; the 128-bit variant as in SEAL's
    /// barrett_reduce_128): estimate the quotient from the high words, correct once.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong MulBarrett(ulong a, ulong b, ulong q, ulong ratioHi, ulong ratioLo)
    {
        ulong zHi = Math.BigMul(a, b, out ulong zLo);
        unchecked
        {
            // floor(z·ratio / 2^128) approximated by the three significant partial products.
            ulong carry = Math.BigMul(zLo, ratioLo, out _);
            ulong t2Hi = Math.BigMul(zLo, ratioHi, out ulong t2Lo);
            ulong t1 = t2Lo + carry;
            ulong t3 = t2Hi + (t1 < t2Lo ? 1UL : 0UL);
            ulong t4Hi = Math.BigMul(zHi, ratioLo, out ulong t4Lo);
            ulong t5 = t4Lo + t1;
            ulong carry2 = t4Hi + (t5 < t4Lo ? 1UL : 0UL);
            ulong quotient = zHi * ratioHi + t3 + carry2;
            return ReduceOnce(zLo - quotient * q, q);
        }
    }

    public static int BitLength(ulong v) => 64 - System.Numerics.BitOperations.LeadingZeroCount(v);
}
