using System.Numerics;
using FedScore.Secure.Crypto.Lattice.Ring;

namespace FedScore.Secure.Crypto.Lattice.Tests.Ring;

public sealed class PrimeTests
{
    [Theory]
    [InlineData(2UL, true)]
    [InlineData(3UL, true)]
    [InlineData(4UL, false)]
    [InlineData(561UL, false)]                      // Carmichael number
    [InlineData(3215031751UL, false)]               // strong pseudoprime to bases 2, 3, 5, 7
    [InlineData(18446744073709551557UL, true)]      // largest 64-bit prime
    [InlineData(18446744073709551559UL, false)]
    [InlineData(1152921504606846883UL, true)]       // 2^60 − 93
    [InlineData(3825123056546413051UL, false)]      // strong pseudoprime to the first 9 prime bases
    public void MillerRabinClassifiesKnownNumbers(ulong n, bool prime) => Assert.Equal(prime, Primes.IsPrime(n));

    [Fact]
    public void MillerRabinAgreesWithTrialDivisionBelowTwentyThousand()
    {
        for (ulong n = 0; n < 20000; n++)
        {
            bool trial = n >= 2;
            for (ulong d = 2; d * d <= n && trial; d++)
            {
                trial = n % d != 0;
            }

            Assert.Equal(trial, Primes.IsPrime(n));
        }
    }

    [Theory]
    [InlineData(60, 4096)]
    [InlineData(49, 4096)]
    [InlineData(30, 1024)]
    [InlineData(61, 32768)]
    public void GeneratedPrimesAreNttFriendlyAndOfTheRequestedSize(int bits, int n)
    {
        ulong[] q = Primes.Generate([bits, bits, bits], n);
        Assert.Equal(3, q.Distinct().Count());
        foreach (ulong p in q)
        {
            Assert.True(Primes.IsPrime(p));
            Assert.Equal(1UL, p % (2UL * (ulong)n));
            Assert.Equal(bits, 64 - BitOperations.LeadingZeroCount(p));
        }
    }

    [Fact]
    public void RootIsAPrimitive2NthRootOfUnity()
    {
        var t = new NttTable(Primes.Generate([50], 256)[0], 256);
        Assert.Equal(t.Q - 1, ModArith.Pow(t.Psi, 256, t.Q));
        Assert.Equal(1UL, ModArith.Pow(t.Psi, 512, t.Q));
    }
}

public sealed class ModArithTests
{
    [Fact]
    public void ShoupAndBarrettAgreeWithBigIntegerProducts()
    {
        var rng = new Random(7);
        foreach (ulong q in Primes.Generate([61, 50, 30, 17], 1024))
        {
            var (hi, lo) = ModArith.BarrettRatio(q);
            for (int i = 0; i < 2000; i++)
            {
                ulong a = (ulong)rng.NextInt64() % q, b = (ulong)rng.NextInt64() % q;
                ulong expected = (ulong)(new BigInteger(a) * b % q);
                Assert.Equal(expected, ModArith.MulBarrett(a, b, q, hi, lo));
                Assert.Equal(expected, ModArith.MulShoup(a, b, ModArith.ShoupPrecompute(b, q), q));
                Assert.Equal(expected, ModArith.Mul(a, b, q));
            }
        }
    }

    [Fact]
    public void SignedValuesReduceToTheirResidues()
    {
        const ulong q = 97;
        Assert.Equal(96UL, ModArith.FromSigned(-1, q));
        Assert.Equal(0UL, ModArith.FromSigned(-97, q));
        Assert.Equal((ulong)(BigInteger.Remainder(long.MinValue, 97) + 97), ModArith.FromSigned(long.MinValue, q));
    }
}

public sealed class NttTests
{
    private static ulong[] Schoolbook(ulong[] a, ulong[] b, ulong q)
    {
        int n = a.Length;
        var r = new ulong[n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                ulong p = ModArith.Mul(a[i], b[j], q);
                int k = i + j;
                r[k % n] = k < n ? ModArith.Add(r[k], p, q) : ModArith.Sub(r[k - n], p, q); // X^N = −1
            }
        }

        return r;
    }

    [Theory]
    [InlineData(4, 17)]
    [InlineData(16, 30)]
    [InlineData(64, 50)]
    [InlineData(256, 60)]
    [InlineData(1024, 61)]
    public void NttProductEqualsSchoolbookNegacyclicProduct(int n, int bits)
    {
        var rng = new Random(n + bits);
        foreach (ulong q in Primes.Generate([bits, bits], n))
        {
            var table = new NttTable(q, n);
            ulong[] a = Enumerable.Range(0, n).Select(_ => (ulong)rng.NextInt64() % q).ToArray();
            ulong[] b = Enumerable.Range(0, n).Select(_ => (ulong)rng.NextInt64() % q).ToArray();
            ulong[] expected = Schoolbook(a, b, q);
            ulong[] fa = (ulong[])a.Clone(), fb = (ulong[])b.Clone();
            Ntt.Forward(fa, table);
            Ntt.Forward(fb, table);
            for (int i = 0; i < n; i++)
            {
                fa[i] = ModArith.Mul(fa[i], fb[i], q);
            }

            Ntt.Inverse(fa, table);
            Assert.Equal(expected, fa);
        }
    }

    [Theory]
    [InlineData(8)]
    [InlineData(4096)]
    [InlineData(8192)]
    public void InverseNttUndoesForwardNtt(int n)
    {
        var rng = new Random(n);
        ulong q = Primes.Generate([61], n)[0];
        var table = new NttTable(q, n);
        ulong[] a = Enumerable.Range(0, n).Select(_ => (ulong)rng.NextInt64() % q).ToArray();
        // Extreme values too: 0 and q − 1 stress the lazy-reduction ranges.
        a[0] = q - 1;
        a[1] = 0;
        ulong[] x = (ulong[])a.Clone();
        Ntt.Forward(x, table);
        Assert.All(x, v => Assert.True(v < q));
        Assert.NotEqual(a, x);
        Ntt.Inverse(x, table);
        Assert.Equal(a, x);
    }

    [Theory]
    [InlineData(8, 30)]
    [InlineData(16, 61)]
    [InlineData(64, 40)]
    [InlineData(4096, 61)]
    [InlineData(8192, 55)]
    public void VectorNttMatchesScalarNttBitForBit(int n, int bits)
    {
        var rng = new Random(n * bits);
        ulong q = Primes.Generate([bits], n)[0];
        var table = new NttTable(q, n);
        ulong[] a = Enumerable.Range(0, n).Select(_ => (ulong)rng.NextInt64() % q).ToArray();
        a[0] = q - 1;
        ulong[] vf = (ulong[])a.Clone(), sf = (ulong[])a.Clone();
        ulong[] af = (ulong[])a.Clone();
        Ntt.Forward(vf, table);
        ulong[] vi = (ulong[])vf.Clone(), si = (ulong[])vf.Clone(), ai = (ulong[])vf.Clone();
        Ntt.Inverse(vi, table);
        try
        {
            Ntt.PreferAvx2 = true;
            Ntt.Forward(af, table);
            Ntt.Inverse(ai, table);
            Ntt.PreferAvx2 = false;
            Ntt.DisableVectors = true;
            Ntt.Forward(sf, table);
            Ntt.Inverse(si, table);
        }
        finally
        {
            Ntt.DisableVectors = false;
            Ntt.PreferAvx2 = false;
        }

        Assert.Equal(sf, vf);   // AVX-512 (or whatever this machine has) = scalar
        Assert.Equal(sf, af);   // AVX2 = scalar
        Assert.Equal(si, vi);
        Assert.Equal(si, ai);
        Assert.Equal(a, vi);
    }

    [Fact]
    public void NttOfMonomialXEvaluatesAtOddPowersOfPsi()
    {
        const int n = 16;
        ulong q = Primes.Generate([30], n)[0];
        var t = new NttTable(q, n);
        var a = new ulong[n];
        a[1] = 1;
        Ntt.Forward(a, t);
        var expected = Enumerable.Range(0, n).Select(i => ModArith.Pow(t.Psi, (ulong)(2 * i + 1), q)).Order().ToArray();
        Assert.Equal(expected, a.Order().ToArray());
    }
}

public sealed class RnsTests
{
    [Fact]
    public void VectorAndScalarAdditionAgree()
    {
        var rng = new Random(3);
        ulong q = Primes.Generate([61], 64)[0];
        ulong[] a = Enumerable.Range(0, 67).Select(_ => (ulong)rng.NextInt64() % q).ToArray();
        ulong[] b = Enumerable.Range(0, 67).Select(_ => (ulong)rng.NextInt64() % q).ToArray();
        a[5] = q - 1;
        b[5] = q - 1;
        var v1 = new ulong[67];
        var v2 = new ulong[67];
        var s1 = new ulong[67];
        var s2 = new ulong[67];
        PolyArith.AddLimb(a, b, v1, q);
        PolyArith.SubLimb(a, b, v2, q);
        PolyArith.DisableVectors = true;
        try
        {
            PolyArith.AddLimb(a, b, s1, q);
            PolyArith.SubLimb(a, b, s2, q);
        }
        finally
        {
            PolyArith.DisableVectors = false;
        }

        Assert.Equal(s1, v1);
        Assert.Equal(s2, v2);
        for (int i = 0; i < 67; i++)
        {
            Assert.Equal((ulong)((new BigInteger(a[i]) + b[i]) % q), s1[i]);
            Assert.Equal((ulong)(((new BigInteger(a[i]) - b[i]) % q + q) % q), s2[i]);
        }
    }

    [Fact]
    public void CrtReconstructionIsExactAndCentred()
    {
        const int n = 8;
        var basis = new RnsBasis(n, Primes.Generate([60, 55, 40], n));
        var rng = new Random(11);
        var values = new BigInteger[n];
        values[0] = 0;
        values[1] = -1;
        values[2] = basis.Modulus / 2;         // largest positive
        values[3] = -(basis.Modulus / 2);      // most negative
        for (int k = 4; k < n; k++)
        {
            var bytes = new byte[19];
            rng.NextBytes(bytes);
            values[k] = new BigInteger(bytes);
        }

        var p = new RnsPolynomial(n, basis.Count);
        Span<ulong> r = stackalloc ulong[basis.Count];
        for (int k = 0; k < n; k++)
        {
            basis.FromBigInteger(values[k], r);
            for (int i = 0; i < basis.Count; i++)
            {
                p.Limb(i)[k] = r[i];
            }
        }

        var d = new double[n];
        basis.ToCenteredDoubles(p, d);
        for (int k = 0; k < n; k++)
        {
            Assert.Equal(values[k], basis.ToCenteredBigInteger(p, k));
            Assert.Equal((double)values[k], d[k], (double)BigInteger.Abs(values[k]) * 1e-15);
        }
    }

    [Fact]
    public void HugeIntegralDoublesReduceExactly()
    {
        var basis = new RnsBasis(8, Primes.Generate([60, 50], 8));
        foreach (double v in new[] { 3.0, -5.0, Math.ScaleB(1, 97), -Math.ScaleB(12345, 80), 1.5e25 })
        {
            var exact = new BigInteger(v);
            for (int i = 0; i < basis.Count; i++)
            {
                var expected = (ulong)((exact % basis.Moduli[i] + basis.Moduli[i]) % basis.Moduli[i]);
                Assert.Equal(expected, basis.ResidueOfIntegralDouble(v, i));
            }
        }
    }
}

public sealed class SamplerTests
{
    private static readonly RnsBasis s_basis = new(4096, Primes.Generate([50, 40], 4096));

    private static long[] Centered(RnsPolynomial p)
    {
        var d = new double[p.N];
        s_basis.ToCenteredDoubles(p, d);
        return d.Select(x => (long)x).ToArray();
    }

    [Fact]
    public void SeededUniformPolynomialIsReproducibleFromItsSeed()
    {
        byte[] seed = Prng.NewSeed();
        var a = new RnsPolynomial(4096, 2);
        var b = new RnsPolynomial(4096, 2);
        using (var p = new Prng(seed, 1))
        {
            Sampler.Uniform(p, s_basis, a, true);
        }

        using (var p = new Prng(seed, 1))
        {
            Sampler.Uniform(p, s_basis, b, true);
        }

        Assert.True(a.ContentEquals(b));
        var c = new RnsPolynomial(4096, 2);
        using (var p = new Prng(seed, 2))
        {
            Sampler.Uniform(p, s_basis, c, true);
        }

        Assert.False(a.ContentEquals(c));
        for (int i = 0; i < 2; i++)
        {
            Assert.All(a.Limb(i).ToArray(), v => Assert.True(v < s_basis.Moduli[i]));
            double mean = a.Limb(i).ToArray().Average(v => (double)v / s_basis.Moduli[i]);
            Assert.InRange(mean, 0.47, 0.53);
        }
    }

    [Fact]
    public void TernarySecretIsBalancedAndConsistentAcrossLimbs()
    {
        using var prng = Prng.CreateSecure();
        var p = new RnsPolynomial(4096, 2);
        Sampler.Ternary(prng, s_basis, p);
        long[] v = Centered(p);
        Assert.All(v, x => Assert.InRange(x, -1, 1));
        foreach (int value in new[] { -1, 0, 1 })
        {
            Assert.InRange(v.Count(x => x == value), 1200, 1530); // 4096/3 ≈ 1365, > 5σ margin
        }
    }

    [Fact]
    public void GaussianHasTheStatedDeviationAndTailCut()
    {
        using var prng = Prng.CreateSecure();
        var p = new RnsPolynomial(4096, 2);
        var all = new List<long>();
        for (int r = 0; r < 4; r++)
        {
            Sampler.Gaussian(prng, s_basis, p);
            all.AddRange(Centered(p));
        }

        Assert.All(all, x => Assert.InRange(x, -Sampler.GaussianBound, Sampler.GaussianBound));
        double mean = all.Average();
        double sd = Math.Sqrt(all.Average(x => (x - mean) * (x - mean)));
        Assert.InRange(mean, -0.15, 0.15);
        Assert.InRange(sd, 3.0, 3.4);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(70)]
    public void SmudgingNoiseStaysWithinItsPowerOfTwoBound(int bits)
    {
        using var prng = Prng.CreateSecure();
        var p = new RnsPolynomial(4096, 2);
        Sampler.UniformPowerOfTwo(prng, s_basis, bits, p);
        var bound = BigInteger.Pow(2, bits);
        int negatives = 0;
        for (int k = 0; k < 4096; k++)
        {
            BigInteger v = s_basis.ToCenteredBigInteger(p, k);
            Assert.True(v >= -bound && v < bound);
            negatives += v.Sign < 0 ? 1 : 0;
        }

        Assert.InRange(negatives, 1800, 2300);
    }
}
