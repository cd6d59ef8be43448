using System.Buffers.Binary;
using System.Runtime.Intrinsics;

namespace FedScore.Secure.Crypto.Lattice.Ring;

/// <summary>
/// Samplers over an RNS basis. Small values (ternary, Gaussian, smudging) are drawn once and written into every limb,
/// so the polynomial represents the same integer polynomial modulo each prime.
/// </summary>
public static class Sampler
{
    /// <summary>Standard deviation of the error distribution: 3.2 (≈ 8/√(2π)), the HomomorphicEncryption.org default.</summary>
    public const double Sigma = 3.2;

    /// <summary>Tail cut: |e| ≤ floor(6σ) = 19, the bound SEAL and Lattigo use; the mass beyond is below 2^-26.</summary>
    public const int GaussianBound = 19;

    // Cumulative distribution of |X| for the discrete Gaussian restricted to [−19, 19], scaled to 2^63.
    private static readonly ulong[] s_cdt = BuildCdt();

    private static ulong[] BuildCdt()
    {
        double total = 0;
        var rho = new double[GaussianBound + 1];
        for (int k = 0; k <= GaussianBound; k++)
        {
            rho[k] = Math.Exp(-(double)k * k / (2 * Sigma * Sigma)) * (k == 0 ? 1 : 2);
            total += rho[k];
        }

        var cdt = new ulong[GaussianBound];
        double acc = 0;
        for (int k = 0; k < GaussianBound; k++)
        {
            acc += rho[k] / total;
            cdt[k] = (ulong)(acc * 9.223372036854775807e18);
        }

        return cdt;
    }

    /// <summary>Uniform residues mod each prime (rejection sampling on masked 64-bit words); marks the NTT flag given.</summary>
    public static void Uniform(Prng prng, RnsBasis basis, RnsPolynomial destination, bool isNtt)
    {
        Span<byte> buf = stackalloc byte[2048];
        int pos = buf.Length;
        for (int i = 0; i < basis.Count; i++)
        {
            ulong q = basis.QArray[i];
            ulong mask = (1UL << ModArith.BitLength(q)) - 1;
            Span<ulong> limb = destination.Limb(i);
            for (int k = 0; k < limb.Length;)
            {
                if (pos == buf.Length)
                {
                    prng.Fill(buf);
                    pos = 0;
                }

                ulong v = BinaryPrimitives.ReadUInt64LittleEndian(buf.Slice(pos, 8)) & mask;
                pos += 8;
                if (v < q)
                {
                    limb[k++] = v;
                }
            }
        }

        destination.IsNtt = isNtt;
    }

    /// <summary>Uniform ternary coefficients in {−1, 0, 1} (the secret distribution of the HE standard).</summary>
    public static void Ternary(Prng prng, RnsBasis basis, RnsPolynomial destination)
    {
        int n = basis.N;
        Span<byte> buf = stackalloc byte[512];
        int pos = buf.Length;
        for (int k = 0; k < n;)
        {
            if (pos == buf.Length)
            {
                prng.Fill(buf);
                pos = 0;
            }

            byte b = buf[pos++];
            if (b == 255)
            {
                continue; // 255 = 3·85: rejecting it makes b mod 3 exactly uniform.
            }

            long v = b % 3 - 1;
            WriteSmall(basis, destination, k, v);
            k++;
        }

        buf.Clear();
        destination.IsNtt = false;
    }

    /// <summary>
    /// Discrete Gaussian, σ = 3.2, tail-cut at 19, by cumulative-table inversion. Every sample scans the whole table
    /// with branch-free comparisons, so its running time does not depend on the value drawn.
    /// </summary>
    public static void Gaussian(Prng prng, RnsBasis basis, RnsPolynomial destination)
    {
        int n = basis.N;
        ulong[] cdt = s_cdt;
        ulong[] rnd = new ulong[n];
        prng.Fill(System.Runtime.InteropServices.MemoryMarshal.AsBytes(rnd.AsSpan()));
        int k = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            // Four samples per step: every sample is compared with every table entry, as in the scalar loop.
            Vector256<ulong> one = Vector256<ulong>.One;
            for (; k + 4 <= n; k += 4)
            {
                Vector256<ulong> r = Vector256.Create(rnd.AsSpan(k, 4));
                Vector256<ulong> u = Vector256.ShiftRightLogical(r, 1);
                Vector256<ulong> mag = Vector256<ulong>.Zero;
                for (int j = 0; j < cdt.Length; j++)
                {
                    mag += Vector256.ShiftRightLogical(Vector256.Create(cdt[j]) - u - one, 63);
                }

                Vector256<long> sign = (r & one).AsInt64();
                Vector256<long> v = (mag.AsInt64() ^ -sign) + sign;
                v.AsUInt64().CopyTo(rnd.AsSpan(k, 4));
            }

            for (int i = 0; i < k; i++)
            {
                WriteSmall(basis, destination, i, (long)rnd[i]);
            }
        }

        for (; k < n; k++)
        {
            ulong r = rnd[k];
            ulong u = r >> 1;
            long sign = (long)(r & 1);
            long mag = 0;
            for (int j = 0; j < cdt.Length; j++)
            {
                mag += (long)((cdt[j] - u - 1) >> 63); // 1 when u ≥ cdt[j] (cdt, u < 2^63, so no wrap issue)
            }

            long v = (mag ^ -sign) + sign; // conditional negate
            WriteSmall(basis, destination, k, v);
        }

        Array.Clear(rnd);
        destination.IsNtt = false;
    }

    /// <summary>
    /// Uniform integers in [−2^bits, 2^bits) for noise flooding (smudging), bits ≤ 126. A uniform flooding term hides a
    /// value of magnitude ≤ B within statistical distance B / 2^(bits+1) per coefficient.
    /// </summary>
    public static void UniformPowerOfTwo(Prng prng, RnsBasis basis, int bits, RnsPolynomial destination)
    {
        if (bits < 1 || bits > 126)
        {
            throw new ArgumentOutOfRangeException(nameof(bits), "smudging bits must be in [1, 126]");
        }

        int n = basis.N;
        int total = bits + 1; // width of [0, 2^(bits+1))
        ulong loMask = total >= 64 ? ulong.MaxValue : (1UL << total) - 1;
        ulong hiMask = total > 64 ? (total - 64 >= 64 ? ulong.MaxValue : (1UL << (total - 64)) - 1) : 0;
        for (int k = 0; k < n; k++)
        {
            ulong lo = prng.NextUInt64() & loMask;
            ulong hi = hiMask == 0 ? 0 : prng.NextUInt64() & hiMask;
            for (int i = 0; i < basis.Count; i++)
            {
                ulong q = basis.QArray[i];
                NttTable t = basis.Table(i);
                // No branch on the (secret) value: the high word is always folded in, even when zero.
                ulong r = ModArith.Add(lo % q, ModArith.MulBarrett(hi % q, basis.Pow2(i, 64), q, t.BarrettHi, t.BarrettLo), q);

                destination.Data[i * n + k] = ModArith.Sub(r, basis.Pow2(i, bits), q);
            }
        }

        destination.IsNtt = false;
    }

    private static void WriteSmall(RnsBasis basis, RnsPolynomial p, int k, long v)
    {
        ulong neg = (ulong)(v >> 63);
        int n = basis.N;
        for (int i = 0; i < basis.Count; i++)
        {
            p.Data[i * n + k] = unchecked((ulong)v + (basis.QArray[i] & neg));
        }
    }
}
