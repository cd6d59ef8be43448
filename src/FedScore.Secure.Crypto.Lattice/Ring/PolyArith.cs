using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace FedScore.Secure.Crypto.Lattice.Ring;

/// <summary>
/// Coefficient-wise arithmetic on RNS polynomials. Additions and subtractions run on Vector512/Vector256 when the
/// hardware accelerates them (AVX-512 / AVX2) with a scalar fallback; products use Barrett (general) or Shoup
/// (fixed scalar) reduction, one 128-bit product per coefficient.
/// </summary>
public static class PolyArith
{
    /// <summary>Forces the scalar paths (tests compare them with the vector paths).</summary>
    internal static bool DisableVectors { get; set; }

    public static void Add(RnsBasis basis, RnsPolynomial a, RnsPolynomial b, RnsPolynomial destination)
    {
        Check(basis, a, b, destination);
        for (int i = 0; i < basis.Count; i++)
        {
            AddLimb(a.Limb(i), b.Limb(i), destination.Limb(i), basis.QArray[i]);
        }

        destination.IsNtt = a.IsNtt;
    }

    public static void Sub(RnsBasis basis, RnsPolynomial a, RnsPolynomial b, RnsPolynomial destination)
    {
        Check(basis, a, b, destination);
        for (int i = 0; i < basis.Count; i++)
        {
            SubLimb(a.Limb(i), b.Limb(i), destination.Limb(i), basis.QArray[i]);
        }

        destination.IsNtt = a.IsNtt;
    }

    public static void Neg(RnsBasis basis, RnsPolynomial a, RnsPolynomial destination)
    {
        Check(basis, a, a, destination);
        for (int i = 0; i < basis.Count; i++)
        {
            ulong q = basis.QArray[i];
            Span<ulong> s = a.Limb(i), d = destination.Limb(i);
            for (int k = 0; k < s.Length; k++)
            {
                d[k] = ModArith.Neg(s[k], q);
            }
        }

        destination.IsNtt = a.IsNtt;
    }

    /// <summary>destination = a ⊙ b (coefficient-wise; the ring product when both are in NTT form).</summary>
    public static void MulCoeffs(RnsBasis basis, RnsPolynomial a, RnsPolynomial b, RnsPolynomial destination)
    {
        Check(basis, a, b, destination);
        RequireSameForm(a, b);
        for (int i = 0; i < basis.Count; i++)
        {
            NttTable t = basis.Table(i);
            ulong q = t.Q, rh = t.BarrettHi, rl = t.BarrettLo;
            Span<ulong> x = a.Limb(i), y = b.Limb(i), d = destination.Limb(i);
            for (int k = 0; k < x.Length; k++)
            {
                d[k] = ModArith.MulBarrett(x[k], y[k], q, rh, rl);
            }
        }

        destination.IsNtt = a.IsNtt;
    }

    /// <summary>destination += a ⊙ b.</summary>
    public static void MulCoeffsThenAdd(RnsBasis basis, RnsPolynomial a, RnsPolynomial b, RnsPolynomial destination)
    {
        Check(basis, a, b, destination);
        RequireSameForm(a, b);
        for (int i = 0; i < basis.Count; i++)
        {
            NttTable t = basis.Table(i);
            ulong q = t.Q, rh = t.BarrettHi, rl = t.BarrettLo;
            Span<ulong> x = a.Limb(i), y = b.Limb(i), d = destination.Limb(i);
            for (int k = 0; k < x.Length; k++)
            {
                d[k] = ModArith.Add(d[k], ModArith.MulBarrett(x[k], y[k], q, rh, rl), q);
            }
        }
    }

    /// <summary>destination += a ⊙ w for a fixed w with precomputed Shoup companions (one high product each).</summary>
    public static void MulShoupThenAdd(RnsBasis basis, RnsPolynomial a, RnsPolynomial w, ReadOnlySpan<ulong> wShoup, RnsPolynomial destination)
    {
        Check(basis, a, w, destination);
        RequireSameForm(a, w);
        int n = basis.N;
        for (int i = 0; i < basis.Count; i++)
        {
            ulong q = basis.QArray[i];
            Span<ulong> x = a.Limb(i), y = w.Limb(i), d = destination.Limb(i);
            ReadOnlySpan<ulong> ys = wShoup.Slice(i * n, n);
            for (int k = 0; k < x.Length; k++)
            {
                d[k] = ModArith.Add(d[k], ModArith.MulShoup(x[k], y[k], ys[k], q), q);
            }
        }
    }

    /// <summary>
    /// destination = b + a ⊙ w for a fixed w with precomputed Shoup companions, in one pass (decryption:
    /// m = c0 + c1·s with s fixed). Fully reduced output; AVX-512 eight lanes per step, scalar fallback bit-identical.
    /// </summary>
    public static unsafe void MulShoupAdd(RnsBasis basis, RnsPolynomial a, RnsPolynomial w, ReadOnlySpan<ulong> wShoup, RnsPolynomial b, RnsPolynomial destination)
    {
        Check(basis, a, w, destination);
        a.CheckSameShape(b);
        RequireSameForm(a, w);
        RequireSameForm(a, b);
        int n = basis.N;
        if (wShoup.Length != n * basis.Count)
        {
            throw new ArgumentException("Shoup companions do not match the polynomial", nameof(wShoup));
        }

        bool vec = !DisableVectors && System.Runtime.Intrinsics.X86.Avx512F.IsSupported && System.Runtime.Intrinsics.X86.Avx512DQ.IsSupported;
        fixed (ulong* pa = a.Data)
        fixed (ulong* pw = w.Data)
        fixed (ulong* ps = wShoup)
        fixed (ulong* pb = b.Data)
        fixed (ulong* pd = destination.Data)
        {
            for (int i = 0; i < basis.Count; i++)
            {
                ulong q = basis.QArray[i];
                int k = i * n, end = k + n;
                if (vec)
                {
                    Vector512<ulong> vq = Vector512.Create(q);
                    for (; k + 8 <= end; k += 8)
                    {
                        Vector512<ulong> x = Vector512.Load(pa + k);
                        Vector512<ulong> y = Vector512.Load(pw + k);
                        Vector512<ulong> ys = Vector512.Load(ps + k);
                        Vector512<ulong> hi = CrtToDouble.MulHigh(x, ys, Vector512.ShiftRightLogical(ys, 32));
                        Vector512<ulong> r = System.Runtime.Intrinsics.X86.Avx512DQ.MultiplyLow(x, y) - System.Runtime.Intrinsics.X86.Avx512DQ.MultiplyLow(hi, vq);
                        r = Vector512.Min(r, r - vq);                              // [0, q)
                        Vector512<ulong> s = r + Vector512.Load(pb + k);
                        Vector512.Min(s, s - vq).Store(pd + k);
                    }
                }

                for (; k < end; k++)
                {
                    pd[k] = ModArith.Add(pb[k], ModArith.MulShoup(pa[k], pw[k], ps[k], q), q);
                }
            }
        }

        destination.IsNtt = a.IsNtt;
    }

    /// <summary>destination = a · c for a small signed integer constant c (reduced per prime; Shoup multiplication).</summary>
    public static void MulScalar(RnsBasis basis, RnsPolynomial a, long c, RnsPolynomial destination)
    {
        Check(basis, a, a, destination);
        for (int i = 0; i < basis.Count; i++)
        {
            ulong q = basis.QArray[i];
            MulScalarLimb(a.Limb(i), ModArith.FromSigned(c, q), destination.Limb(i), q);
        }

        destination.IsNtt = a.IsNtt;
    }

    /// <summary>destination = a · c where c is given by its residues (one per prime).</summary>
    public static void MulScalarRns(RnsBasis basis, RnsPolynomial a, ReadOnlySpan<ulong> residues, RnsPolynomial destination)
    {
        Check(basis, a, a, destination);
        for (int i = 0; i < basis.Count; i++)
        {
            MulScalarLimb(a.Limb(i), residues[i], destination.Limb(i), basis.QArray[i]);
        }

        destination.IsNtt = a.IsNtt;
    }

    public static void NttForward(RnsBasis basis, RnsPolynomial p)
    {
        if (p.IsNtt)
        {
            throw new InvalidOperationException("polynomial is already in NTT form");
        }

        for (int i = 0; i < basis.Count; i++)
        {
            Ntt.Forward(p.Limb(i), basis.Table(i));
        }

        p.IsNtt = true;
    }

    public static void NttInverse(RnsBasis basis, RnsPolynomial p)
    {
        if (!p.IsNtt)
        {
            throw new InvalidOperationException("polynomial is already in coefficient form");
        }

        for (int i = 0; i < basis.Count; i++)
        {
            Ntt.Inverse(p.Limb(i), basis.Table(i));
        }

        p.IsNtt = false;
    }

    internal static void MulScalarLimb(ReadOnlySpan<ulong> a, ulong c, Span<ulong> d, ulong q)
    {
        ulong cs = ModArith.ShoupPrecompute(c, q);
        for (int k = 0; k < a.Length; k++)
        {
            d[k] = ModArith.MulShoup(a[k], c, cs, q);
        }
    }

    internal static void AddLimb(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> d, ulong q)
    {
        int k = 0;
        if (!DisableVectors && Vector512.IsHardwareAccelerated)
        {
            Vector512<ulong> vq = Vector512.Create(q);
            for (; k + 8 <= a.Length; k += 8)
            {
                Vector512<ulong> s = Vector512.Create(a.Slice(k, 8)) + Vector512.Create(b.Slice(k, 8));
                Vector512.Min(s, s - vq).CopyTo(d.Slice(k, 8));
            }
        }
        else if (!DisableVectors && Vector256.IsHardwareAccelerated)
        {
            Vector256<ulong> vq = Vector256.Create(q);
            for (; k + 4 <= a.Length; k += 4)
            {
                Vector256<ulong> s = Vector256.Create(a.Slice(k, 4)) + Vector256.Create(b.Slice(k, 4));
                Vector256.Min(s, s - vq).CopyTo(d.Slice(k, 4));
            }
        }

        for (; k < a.Length; k++)
        {
            d[k] = ModArith.Add(a[k], b[k], q);
        }
    }

    internal static void SubLimb(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> d, ulong q)
    {
        int k = 0;
        if (!DisableVectors && Vector512.IsHardwareAccelerated)
        {
            Vector512<ulong> vq = Vector512.Create(q);
            for (; k + 8 <= a.Length; k += 8)
            {
                Vector512<ulong> s = Vector512.Create(a.Slice(k, 8)) - Vector512.Create(b.Slice(k, 8));
                Vector512.Min(s, s + vq).CopyTo(d.Slice(k, 8));
            }
        }
        else if (!DisableVectors && Vector256.IsHardwareAccelerated)
        {
            Vector256<ulong> vq = Vector256.Create(q);
            for (; k + 4 <= a.Length; k += 4)
            {
                Vector256<ulong> s = Vector256.Create(a.Slice(k, 4)) - Vector256.Create(b.Slice(k, 4));
                Vector256.Min(s, s + vq).CopyTo(d.Slice(k, 4));
            }
        }

        for (; k < a.Length; k++)
        {
            d[k] = ModArith.Sub(a[k], b[k], q);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Check(RnsBasis basis, RnsPolynomial a, RnsPolynomial b, RnsPolynomial d)
    {
        if (a.N != basis.N || a.Count != basis.Count)
        {
            throw new ArgumentException("polynomial does not belong to this basis");
        }

        a.CheckSameShape(b);
        a.CheckSameShape(d);
    }

    private static void RequireSameForm(RnsPolynomial a, RnsPolynomial b)
    {
        if (a.IsNtt != b.IsNtt)
        {
            throw new ArgumentException("operands are in different domains (NTT vs coefficient)");
        }
    }
}
