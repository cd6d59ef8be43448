using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace FedScore.Secure.Crypto.Lattice.Ring;

/// <summary>
/// Centred CRT lift of a whole polynomial to doubles, the last step of every CKKS decode. Garner's mixed-radix
/// reconstruction (Knuth TAOCP vol. 2 §4.3.2) is run column-wise: for each prime pair (i, j) one pass over all N
/// coefficients, v_i ← (v_i − v_j)·q_j^{-1} mod q_i with a Shoup product, so no big integers and no per-coefficient
/// inner loops; then one pass decides the sign (digit-wise comparison with ⌊Q/2⌋) and evaluates
/// x = v_0 + q_0·(v_1 + q_1·(v_2 + …)) in double precision with fused multiply-adds, times a multiplier (1/Δ).
/// </summary>
/// <remarks>
/// One prime: |x| &lt; q/2 &lt; 2^60 is exact in a long, one pass. Two primes (the SEAL N = 4096 {60, 49} shape): the
/// value fits in 128 bits, one Garner pass. The AVX-512 (F + DQ) path handles eight coefficients per step; the scalar
/// path is bit-identical (same operation order, same fused multiply-adds) and is what other machines run; tests
/// compare the two and both with the exact BigInteger lift.
/// Accuracy: the Horner evaluation rounds once per prime, so the relative error is below L·2^-53 (the exact value is
/// reconstructed in integers before any rounding happens).
/// </remarks>
internal static class CrtToDouble
{
    /// <summary>Forces the scalar path (tests compare it with the vector path).</summary>
    internal static bool DisableVectors { get; set; }

    private static bool UseVectors => !DisableVectors && Avx512F.IsSupported && Avx512DQ.IsSupported;

    public static void Lift(RnsBasis basis, ReadOnlySpan<ulong> data, Span<double> destination, double multiplier,
        ReadOnlySpan<ulong> halfDigits, ulong[][] inv, ulong[][] invShoup, ReadOnlySpan<ulong> offsets)
    {
        int n = basis.N;
        int l = basis.Count;
        ulong[] q = basis.QArray;
        if (l == 1)
        {
            LiftOne(data[..n], destination[..n], q[0], multiplier);
            return;
        }

        // Digits v_0 … v_{L−1}: limb 0 is v_0 already; the others are computed in a pooled scratch (no LOH churn).
        ulong[] scratch = ArrayPool<ulong>.Shared.Rent((l - 1) * n);
        try
        {
            Span<ulong> digits = scratch.AsSpan(0, (l - 1) * n);
            data[n..(l * n)].CopyTo(digits);
            for (int i = 1; i < l; i++)
            {
                Span<ulong> vi = digits.Slice((i - 1) * n, n);
                for (int j = 0; j < i; j++)
                {
                    ReadOnlySpan<ulong> vj = j == 0 ? data[..n] : digits.Slice((j - 1) * n, n);
                    GarnerStep(vi, vj, offsets[i], inv[i][j], invShoup[i][j], q[i]);
                }
            }

            Assemble(data[..n], digits, l, n, q, halfDigits, destination[..n], multiplier);
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(scratch);
        }
    }

    /// <summary>x ← (x + offset − v)·w mod q, fully reduced, for whole columns (offset: a multiple of q above 2^61).</summary>
    internal static unsafe void GarnerStep(Span<ulong> x, ReadOnlySpan<ulong> v, ulong offset, ulong w, ulong wShoup, ulong q)
    {
        int k = 0;
        fixed (ulong* px = x)
        fixed (ulong* pv = v)
        {
            if (UseVectors)
            {
                Vector512<ulong> vq = Vector512.Create(q);
                Vector512<ulong> vOff = Vector512.Create(offset);
                Vector512<ulong> vw = Vector512.Create(w);
                Vector512<ulong> vws = Vector512.Create(wShoup);
                Vector512<ulong> vwsHigh = Vector512.ShiftRightLogical(vws, 32);
                for (; k + 8 <= x.Length; k += 8)
                {
                    Vector512<ulong> t = Vector512.Load(px + k) + vOff - Vector512.Load(pv + k);
                    Vector512<ulong> hi = MulHigh(t, vws, vwsHigh);
                    Vector512<ulong> r = Avx512DQ.MultiplyLow(t, vw) - Avx512DQ.MultiplyLow(hi, vq);
                    Vector512.Min(r, r - vq).Store(px + k);
                }
            }

            for (; k < x.Length; k++)
            {
                px[k] = ModArith.MulShoup(unchecked(px[k] + offset - pv[k]), w, wShoup, q);
            }
        }
    }

    private static unsafe void LiftOne(ReadOnlySpan<ulong> c, Span<double> d, ulong q, double multiplier)
    {
        ulong half = q >> 1;
        int k = 0;
        fixed (ulong* pc = c)
        fixed (double* pd = d)
        {
            if (UseVectors)
            {
                Vector512<ulong> vq = Vector512.Create(q);
                Vector512<ulong> vHalf = Vector512.Create(half);
                Vector512<double> vm = Vector512.Create(multiplier);
                for (; k + 8 <= c.Length; k += 8)
                {
                    Vector512<ulong> v = Vector512.Load(pc + k);
                    Vector512<ulong> neg = Vector512.GreaterThan(v, vHalf);
                    // v − q as a signed value when negative (exact: |v − q| < 2^61), then one conversion.
                    Vector512<long> s = (v - (vq & neg)).AsInt64();
                    (Vector512.ConvertToDouble(s) * vm).Store(pd + k);
                }
            }

            for (; k < c.Length; k++)
            {
                ulong v = pc[k];
                long s = v > half ? -(long)(q - v) : (long)v;
                pd[k] = s * multiplier;
            }
        }
    }

    /// <summary>
    /// Sign and value from the mixed-radix digits (v_0 from <paramref name="d0"/>, v_1… from <paramref name="rest"/>):
    /// x &gt; ⌊Q/2⌋ means x − Q &lt; 0, whose magnitude is built from the digit-wise complement Q − 1 − x (no borrows).
    /// </summary>
    private static unsafe void Assemble(ReadOnlySpan<ulong> d0, ReadOnlySpan<ulong> rest, int l, int n, ulong[] q,
        ReadOnlySpan<ulong> halfDigits, Span<double> destination, double multiplier)
    {
        int k = 0;
        Span<double> qd = stackalloc double[l];
        for (int i = 0; i < l; i++)
        {
            qd[i] = q[i];
        }

        fixed (ulong* p0 = d0)
        fixed (ulong* pr = rest)
        fixed (double* pd = destination)
        {
            if (UseVectors && l <= 16)
            {
                Vector512<double> vm = Vector512.Create(multiplier);
                for (; k + 8 <= n; k += 8)
                {
                    // Lexicographic comparison with ⌊Q/2⌋ from the most significant digit down.
                    Vector512<ulong> gt = Vector512<ulong>.Zero;
                    Vector512<ulong> eq = Vector512<ulong>.AllBitsSet;
                    for (int i = l - 1; i >= 0; i--)
                    {
                        Vector512<ulong> di = Vector512.Load((i == 0 ? p0 : pr + (i - 1) * n) + k);
                        Vector512<ulong> h = Vector512.Create(halfDigits[i]);
                        gt |= eq & Vector512.GreaterThan(di, h);
                        eq &= Vector512.Equals(di, h);
                    }

                    Vector512<double> acc = Vector512<double>.Zero;
                    for (int i = l - 1; i >= 0; i--)
                    {
                        Vector512<ulong> di = Vector512.Load((i == 0 ? p0 : pr + (i - 1) * n) + k);
                        Vector512<ulong> comp = Vector512.Create(q[i] - 1) - di;
                        Vector512<ulong> d = Vector512.ConditionalSelect(gt, comp, di);
                        acc = Vector512.FusedMultiplyAdd(acc, Vector512.Create(qd[i]), Vector512.ConvertToDouble(d));
                    }

                    Vector512<double> neg = -(acc + Vector512<double>.One);
                    (Vector512.ConditionalSelect(gt.AsDouble(), neg, acc) * vm).Store(pd + k);
                }
            }

            for (; k < n; k++)
            {
                bool gt = false;
                for (int i = l - 1; i >= 0; i--)
                {
                    ulong di = i == 0 ? p0[k] : pr[(i - 1) * n + k];
                    if (di != halfDigits[i])
                    {
                        gt = di > halfDigits[i];
                        break;
                    }
                }

                double acc = 0;
                for (int i = l - 1; i >= 0; i--)
                {
                    ulong di = i == 0 ? p0[k] : pr[(i - 1) * n + k];
                    ulong d = gt ? q[i] - 1 - di : di;
                    acc = Math.FusedMultiplyAdd(acc, qd[i], d);
                }

                pd[k] = (gt ? -(acc + 1) : acc) * multiplier;
            }
        }
    }

    /// <summary>High 64 bits of a·b per lane from four 32×32→64 products (AVX-512F has no 64×64→128 multiply).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<ulong> MulHigh(Vector512<ulong> a, Vector512<ulong> b, Vector512<ulong> bHigh)
    {
        Vector512<ulong> mask = Vector512.Create(0xFFFFFFFFUL);
        Vector512<ulong> aHigh = Vector512.ShiftRightLogical(a, 32);
        Vector512<ulong> ll = Avx512F.Multiply(a.AsUInt32(), b.AsUInt32());
        Vector512<ulong> lh = Avx512F.Multiply(a.AsUInt32(), bHigh.AsUInt32());
        Vector512<ulong> hl = Avx512F.Multiply(aHigh.AsUInt32(), b.AsUInt32());
        Vector512<ulong> hh = Avx512F.Multiply(aHigh.AsUInt32(), bHigh.AsUInt32());
        Vector512<ulong> mid = Vector512.ShiftRightLogical(ll, 32) + (lh & mask) + (hl & mask);
        return hh + Vector512.ShiftRightLogical(lh, 32) + Vector512.ShiftRightLogical(hl, 32) + Vector512.ShiftRightLogical(mid, 32);
    }
}
