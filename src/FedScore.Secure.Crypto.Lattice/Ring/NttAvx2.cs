using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace FedScore.Secure.Crypto.Lattice.Ring;

/// <summary>
/// AVX2 stages of the Harvey NTT, four butterflies per step, for machines without AVX-512. AVX2 has neither a 64-bit
/// low multiply nor unsigned 64-bit compare, so both are assembled from 32×32→64 products (vpmuludq) and signed
/// compares (valid because every value stays below 2^63). Bit-for-bit equal to the scalar code.
/// </summary>
internal static class NttAvx2
{
    public static bool IsSupported => Avx2.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> MulHigh(Vector256<ulong> a, Vector256<ulong> b, Vector256<ulong> bHigh)
    {
        Vector256<ulong> mask = Vector256.Create(0xFFFFFFFFUL);
        Vector256<ulong> aHigh = Avx2.ShiftRightLogical(a, 32);
        Vector256<ulong> ll = Avx2.Multiply(a.AsUInt32(), b.AsUInt32());
        Vector256<ulong> lh = Avx2.Multiply(a.AsUInt32(), bHigh.AsUInt32());
        Vector256<ulong> hl = Avx2.Multiply(aHigh.AsUInt32(), b.AsUInt32());
        Vector256<ulong> hh = Avx2.Multiply(aHigh.AsUInt32(), bHigh.AsUInt32());
        Vector256<ulong> mid = Avx2.ShiftRightLogical(ll, 32) + (lh & mask) + (hl & mask);
        return hh + Avx2.ShiftRightLogical(lh, 32) + Avx2.ShiftRightLogical(hl, 32) + Avx2.ShiftRightLogical(mid, 32);
    }

    /// <summary>Low 64 bits of a·b (only the low 32 bits of the cross products matter).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> MulLow(Vector256<ulong> a, Vector256<ulong> b, Vector256<ulong> bHigh)
    {
        Vector256<ulong> ll = Avx2.Multiply(a.AsUInt32(), b.AsUInt32());
        Vector256<ulong> cross = Avx2.Multiply(a.AsUInt32(), bHigh.AsUInt32()) + Avx2.Multiply(Avx2.ShiftRightLogical(a, 32).AsUInt32(), b.AsUInt32());
        return ll + Avx2.ShiftLeftLogical(cross, 32);
    }

    /// <summary>x − m when x ≥ m, else x (x, m &lt; 2^63).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> ReduceOnce(Vector256<ulong> x, Vector256<ulong> m)
    {
        Vector256<ulong> below = Avx2.CompareGreaterThan(m.AsInt64(), x.AsInt64()).AsUInt64();
        return x - Avx2.AndNot(below, m);
    }

    public static unsafe int ForwardStages(ulong* p, ulong* w, ulong* ws, int n, ulong q)
    {
        Vector256<ulong> vq = Vector256.Create(q);
        Vector256<ulong> vqHigh = Vector256.Create(q >> 32);
        Vector256<ulong> v2q = Vector256.Create(q << 1);
        int t = n;
        int m = 1;
        for (; m < n && (t >> 1) >= 4; m <<= 1)
        {
            t >>= 1;
            for (int i = 0; i < m; i++)
            {
                Vector256<ulong> vw = Vector256.Create(w[m + i]);
                Vector256<ulong> vwHigh = Vector256.Create(w[m + i] >> 32);
                Vector256<ulong> vws = Vector256.Create(ws[m + i]);
                Vector256<ulong> vwsHigh = Vector256.Create(ws[m + i] >> 32);
                ulong* x = p + 2 * i * t;
                ulong* y = x + t;
                for (int j = 0; j < t; j += 4)
                {
                    Vector256<ulong> u = ReduceOnce(Avx.LoadVector256(x + j), v2q);
                    Vector256<ulong> v = Avx.LoadVector256(y + j);
                    Vector256<ulong> hi = MulHigh(v, vws, vwsHigh);
                    Vector256<ulong> tv = MulLow(v, vw, vwHigh) - MulLow(hi, vq, vqHigh);
                    Avx.Store(x + j, u + tv);
                    Avx.Store(y + j, u - tv + v2q);
                }
            }
        }

        return m;
    }

    public static unsafe void InverseStages(ulong* p, ulong* w, ulong* ws, ulong q, ref int t, ref int m)
    {
        Vector256<ulong> vq = Vector256.Create(q);
        Vector256<ulong> vqHigh = Vector256.Create(q >> 32);
        Vector256<ulong> v2q = Vector256.Create(q << 1);
        for (; m > 1; m >>= 1)
        {
            int h = m >> 1;
            for (int i = 0; i < h; i++)
            {
                Vector256<ulong> vw = Vector256.Create(w[h + i]);
                Vector256<ulong> vwHigh = Vector256.Create(w[h + i] >> 32);
                Vector256<ulong> vws = Vector256.Create(ws[h + i]);
                Vector256<ulong> vwsHigh = Vector256.Create(ws[h + i] >> 32);
                ulong* x = p + 2 * i * t;
                ulong* y = x + t;
                for (int j = 0; j < t; j += 4)
                {
                    Vector256<ulong> u = Avx.LoadVector256(x + j);
                    Vector256<ulong> v = Avx.LoadVector256(y + j);
                    Avx.Store(x + j, ReduceOnce(u + v, v2q));
                    Vector256<ulong> d = u - v + v2q;
                    Vector256<ulong> hi = MulHigh(d, vws, vwsHigh);
                    Avx.Store(y + j, MulLow(d, vw, vwHigh) - MulLow(hi, vq, vqHigh));
                }
            }

            t <<= 1;
        }
    }
}
