namespace FedScore.Secure.Crypto.Lattice.Ring;

/// <summary>
/// Negacyclic number-theoretic transform over Z_q[X]/(X^N + 1), in place. Forward: Cooley–Tukey with ψ folded in
/// (Longa &amp; Naehrig 2016, Alg. 1); inverse: Gentleman–Sande (Alg. 2). Butterflies are Harvey's lazy ones (Harvey
/// 2014, "Faster arithmetic for number-theoretic transforms"): operands stay in [0, 4q) (forward) or [0, 2q)
/// (inverse) and are only fully reduced at the end, so no butterfly branches and every product is one Shoup
/// multiplication (one high 64×64 product via Math.BigMul plus two low products).
/// </summary>
/// <remarks>
/// Stages with at least eight (AVX-512) or four (AVX2) butterflies per twiddle run vectorised (<c>NttVector</c>,
/// <c>NttAvx2</c>); measured here at N = 8192 with a 60-bit prime: ≈ 32 µs (AVX-512), 55 µs (AVX2), 82 µs (scalar)
/// per forward transform. All paths give identical output.
/// Output order is bit-reversed; pointwise products of two forward transforms followed by the inverse transform
/// give the negacyclic product. Inputs must be in [0, q); outputs are in [0, q).
/// </remarks>
public static class Ntt
{
    /// <summary>Forces the scalar path (tests compare it with the vector paths).</summary>
    internal static bool DisableVectors { get; set; }

    /// <summary>Forces the AVX2 path even when AVX-512 is available (tests and benchmarks).</summary>
    internal static bool PreferAvx2 { get; set; }

    private static bool UseVectors(int n) => !DisableVectors && !PreferAvx2 && n >= 16 && NttVector.IsSupported;

    private static bool UseAvx2(int n) => !DisableVectors && !UseVectors(n) && n >= 8 && NttAvx2.IsSupported;

    public static unsafe void Forward(Span<ulong> a, NttTable table)
    {
        int n = table.N;
        if (a.Length != n)
        {
            throw new ArgumentException($"polynomial has {a.Length} coefficients, the table is for N = {n}", nameof(a));
        }

        ulong q = table.Q;
        ulong twoQ = q << 1;
        fixed (ulong* p = a)
        fixed (ulong* w = table.PsiRev)
        fixed (ulong* ws = table.PsiRevShoup)
        {
            int t = n;
            int m = 1;
            bool vec = UseVectors(n);
            if (vec)
            {
                m = NttVector.ForwardStages(p, w, ws, n, q);
                t = n / m;
            }
            else if (UseAvx2(n))
            {
                m = NttAvx2.ForwardStages(p, w, ws, n, q);
                t = n / m;
            }

            for (; m < n; m <<= 1)
            {
                t >>= 1;
                for (int i = 0; i < m; i++)
                {
                    ulong wi = w[m + i];
                    ulong wsi = ws[m + i];
                    ulong* x = p + 2 * i * t;
                    ulong* y = x + t;
                    for (int j = 0; j < t; j++)
                    {
                        unchecked
                        {
                            ulong u = x[j];
                            u = ModArith.ReduceOnce(u, twoQ);          // [0, 2q)
                            ulong v = y[j];
                            ulong hi = Math.BigMul(v, wsi, out _);
                            ulong tv = v * wi - hi * q;                // [0, 2q)
                            x[j] = u + tv;                             // [0, 4q)
                            y[j] = u - tv + twoQ;                      // [0, 4q)
                        }
                    }
                }
            }

            if (vec)
            {
                NttVector.ReduceFrom4Q(p, n, q);
                return;
            }

            for (int i = 0; i < n; i++)
            {
                unchecked
                {
                    ulong u = p[i];
                    p[i] = ModArith.ReduceOnce(ModArith.ReduceOnce(u, twoQ), q);
                }
            }
        }
    }

    public static unsafe void Inverse(Span<ulong> a, NttTable table)
    {
        int n = table.N;
        if (a.Length != n)
        {
            throw new ArgumentException($"polynomial has {a.Length} coefficients, the table is for N = {n}", nameof(a));
        }

        ulong q = table.Q;
        ulong twoQ = q << 1;
        fixed (ulong* p = a)
        fixed (ulong* w = table.PsiInvRev)
        fixed (ulong* ws = table.PsiInvRevShoup)
        {
            int t = 1;
            int m = n;
            bool vec = UseVectors(n);
            bool avx2 = UseAvx2(n);
            for (; m > 1 && !(vec && t >= 8) && !(avx2 && t >= 4); m >>= 1)
            {
                int h = m >> 1;
                for (int i = 0; i < h; i++)
                {
                    ulong wi = w[h + i];
                    ulong wsi = ws[h + i];
                    ulong* x = p + 2 * i * t;
                    ulong* y = x + t;
                    for (int j = 0; j < t; j++)
                    {
                        unchecked
                        {
                            ulong u = x[j];
                            ulong v = y[j];
                            ulong s = u + v;
                            x[j] = ModArith.ReduceOnce(s, twoQ);       // [0, 2q)
                            ulong d = u - v + twoQ;                    // (0, 4q)
                            ulong hi = Math.BigMul(d, wsi, out _);
                            y[j] = d * wi - hi * q;                    // [0, 2q)
                        }
                    }
                }

                t <<= 1;
            }

            ulong nInv = table.NInv;
            ulong nInvShoup = table.NInvShoup;
            if (vec)
            {
                NttVector.InverseStages(p, w, ws, n, q, ref t, ref m);
                NttVector.MulConstantReduce(p, n, nInv, nInvShoup, q);
                return;
            }

            if (avx2)
            {
                NttAvx2.InverseStages(p, w, ws, q, ref t, ref m);
            }

            for (int i = 0; i < n; i++)
            {
                unchecked
                {
                    ulong v = p[i];
                    ulong hi = Math.BigMul(v, nInvShoup, out _);
                    p[i] = ModArith.ReduceOnce(v * nInv - hi * q, q);
                }
            }
        }
    }
}
