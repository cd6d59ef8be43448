using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace FedScore.Secure.Crypto.Lattice.Ring;

/// <summary>
/// AVX-512 stages of the Harvey NTT: eight butterflies per step. There is no 64×64→128 multiply in AVX-512F, so the
/// high word of the Shoup product is assembled from four 32×32→64 products (vpmuludq) and the low words come from
/// vpmullq (AVX-512DQ); the branch-free reductions use unsigned min (vpminuq). Results equal the scalar code bit for
/// bit (tests compare them). Stages with fewer than eight butterflies per twiddle stay scalar.
/// </summary>
internal static class NttVector
{
    public static bool IsSupported => Avx512F.IsSupported && Avx512DQ.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> MulHigh(Vector512<ulong> a, Vector512<ulong> b, Vector512<ulong> bHigh)
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

    /// <summary>Forward stages with t ≥ 8; returns the t reached (the scalar code finishes the rest).</summary>
    public static unsafe int ForwardStages(ulong* p, ulong* w, ulong* ws, int n, ulong q)
    {
        Vector512<ulong> vq = Vector512.Create(q);
        Vector512<ulong> v2q = Vector512.Create(q << 1);
        int t = n;
        int m = 1;
        for (; m < n && (t >> 1) >= 8; m <<= 1)
        {
            t >>= 1;
            for (int i = 0; i < m; i++)
            {
                Vector512<ulong> vw = Vector512.Create(w[m + i]);
                Vector512<ulong> vws = Vector512.Create(ws[m + i]);
                Vector512<ulong> vwsHigh = Vector512.ShiftRightLogical(vws, 32);
                ulong* x = p + 2 * i * t;
                ulong* y = x + t;
                for (int j = 0; j < t; j += 8)
                {
                    Vector512<ulong> u = Vector512.Load(x + j);
                    u = Vector512.Min(u, u - v2q);
                    Vector512<ulong> v = Vector512.Load(y + j);
                    Vector512<ulong> hi = MulHigh(v, vws, vwsHigh);
                    Vector512<ulong> tv = Avx512DQ.MultiplyLow(v, vw) - Avx512DQ.MultiplyLow(hi, vq);
                    (u + tv).Store(x + j);
                    (u - tv + v2q).Store(y + j);
                }
            }
        }

        return m;
    }

    /// <summary>Inverse stages from t = <paramref name="t"/> upwards while t ≥ 8; returns the m reached.</summary>
    public static unsafe void InverseStages(ulong* p, ulong* w, ulong* ws, int n, ulong q, ref int t, ref int m)
    {
        Vector512<ulong> vq = Vector512.Create(q);
        Vector512<ulong> v2q = Vector512.Create(q << 1);
        for (; m > 1; m >>= 1)
        {
            int h = m >> 1;
            for (int i = 0; i < h; i++)
            {
                Vector512<ulong> vw = Vector512.Create(w[h + i]);
                Vector512<ulong> vws = Vector512.Create(ws[h + i]);
                Vector512<ulong> vwsHigh = Vector512.ShiftRightLogical(vws, 32);
                ulong* x = p + 2 * i * t;
                ulong* y = x + t;
                for (int j = 0; j < t; j += 8)
                {
                    Vector512<ulong> u = Vector512.Load(x + j);
                    Vector512<ulong> v = Vector512.Load(y + j);
                    Vector512<ulong> s = u + v;
                    Vector512.Min(s, s - v2q).Store(x + j);
                    Vector512<ulong> d = u - v + v2q;
                    Vector512<ulong> hi = MulHigh(d, vws, vwsHigh);
                    (Avx512DQ.MultiplyLow(d, vw) - Avx512DQ.MultiplyLow(hi, vq)).Store(y + j);
                }
            }

            t <<= 1;
        }
    }

    /// <summary>p[k] ← p[k]·c mod q (fully reduced) for a constant with Shoup companion; n a multiple of 8.</summary>
    public static unsafe void MulConstantReduce(ulong* p, int n, ulong c, ulong cShoup, ulong q)
    {
        Vector512<ulong> vq = Vector512.Create(q);
        Vector512<ulong> vc = Vector512.Create(c);
        Vector512<ulong> vcs = Vector512.Create(cShoup);
        Vector512<ulong> vcsHigh = Vector512.ShiftRightLogical(vcs, 32);
        for (int k = 0; k < n; k += 8)
        {
            Vector512<ulong> v = Vector512.Load(p + k);
            Vector512<ulong> hi = MulHigh(v, vcs, vcsHigh);
            Vector512<ulong> r = Avx512DQ.MultiplyLow(v, vc) - Avx512DQ.MultiplyLow(hi, vq);
            Vector512.Min(r, r - vq).Store(p + k);
        }
    }

    /// <summary>p[k] from [0, 4q) to [0, q); n a multiple of 8.</summary>
    public static unsafe void ReduceFrom4Q(ulong* p, int n, ulong q)
    {
        Vector512<ulong> vq = Vector512.Create(q);
        Vector512<ulong> v2q = Vector512.Create(q << 1);
        for (int k = 0; k < n; k += 8)
        {
            Vector512<ulong> v = Vector512.Load(p + k);
            v = Vector512.Min(v, v - v2q);
            Vector512.Min(v, v - vq).Store(p + k);
        }
    }
}
