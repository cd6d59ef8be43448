using System.Numerics;
using FedScore.Secure.Crypto.Lattice.Ring;

namespace FedScore.Secure.Crypto.Lattice.Tests.Ring;

/// <summary>Serialises the tests that flip the process-wide vector switches.</summary>
[CollectionDefinition(nameof(VectorSwitchCollection), DisableParallelization = true)]
public sealed class VectorSwitchCollection;

[Collection(nameof(VectorSwitchCollection))]
public sealed class CrtToDoubleTests
{
    public static TheoryData<int, int[]> Bases => new()
    {
        { 4, [60] },              // scalar tail only (N < 8)
        { 16, [50] },
        { 64, [60, 49] },         // SEAL's N = 4096 {60, 49} shape
        { 64, [60, 40, 40] },     // NVFlare's {60, 40, 40}
        { 32, [61, 61, 61, 61] }, // widest primes, four limbs
        { 8, [30, 25, 20] },
    };

    private static (RnsPolynomial Poly, BigInteger[] Values) RandomPolynomial(RnsBasis basis, int seed)
    {
        int n = basis.N;
        var rng = new Random(seed);
        var values = new BigInteger[n];
        BigInteger half = basis.Modulus / 2;
        int bytes = (int)(basis.Log2Modulus / 8) + 2;
        for (int k = 0; k < n; k++)
        {
            var b = new byte[bytes];
            rng.NextBytes(b);
            values[k] = new BigInteger(b) % half; // in (−Q/2, Q/2)
        }

        // The boundaries of the centred range and small values, where sign handling can go wrong.
        values[0] = half;
        values[1 % n] = -half;
        values[2 % n] = 0;
        values[3 % n] = -1;
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

        return (p, values);
    }

    private static double[] Lift(RnsBasis basis, RnsPolynomial p, double multiplier, bool scalar)
    {
        var d = new double[basis.N];
        bool before = CrtToDouble.DisableVectors;
        CrtToDouble.DisableVectors = scalar;
        try
        {
            basis.ToCenteredDoubles(p, d, multiplier);
        }
        finally
        {
            CrtToDouble.DisableVectors = before;
        }

        return d;
    }

    [Theory]
    [MemberData(nameof(Bases))]
    public void CentredLiftMatchesTheExactBigIntegerLiftWithinDoubleRounding(int n, int[] bits)
    {
        var basis = new RnsBasis(n, Primes.Generate(bits, n));
        (RnsPolynomial p, BigInteger[] values) = RandomPolynomial(basis, n + bits.Length);
        double[] d = Lift(basis, p, 1, scalar: true);
        for (int k = 0; k < n; k++)
        {
            Assert.Equal(values[k], basis.ToCenteredBigInteger(p, k));
            double exact = (double)values[k];
            // One rounding per Horner step: relative error below L·2^-53.
            Assert.True(Math.Abs(d[k] - exact) <= Math.Abs(exact) * bits.Length * Math.ScaleB(1, -52), $"coefficient {k}: {d[k]} vs {exact}");
            Assert.Equal(Math.Sign(exact), Math.Sign(d[k]));
        }
    }

    [Theory]
    [MemberData(nameof(Bases))]
    public void VectorAndScalarLiftsAreBitIdentical(int n, int[] bits)
    {
        var basis = new RnsBasis(n, Primes.Generate(bits, n));
        (RnsPolynomial p, _) = RandomPolynomial(basis, 7 * n);
        foreach (double multiplier in new[] { 1.0, Math.ScaleB(1, -40), -0.3 })
        {
            double[] scalar = Lift(basis, p, multiplier, scalar: true);
            double[] vector = Lift(basis, p, multiplier, scalar: false);
            Assert.Equal(scalar, vector);
        }
    }

    [Fact]
    public void LiftDoesNotModifyItsInput()
    {
        var basis = new RnsBasis(64, Primes.Generate([60, 40, 40], 64));
        (RnsPolynomial p, _) = RandomPolynomial(basis, 3);
        RnsPolynomial copy = p.Clone();
        Lift(basis, p, 1, scalar: false);
        Lift(basis, p, 1, scalar: true);
        Assert.True(copy.ContentEquals(p));
    }

    [Fact]
    public void MultiplierScalesEveryValue()
    {
        var basis = new RnsBasis(16, Primes.Generate([60, 49], 16));
        (RnsPolynomial p, _) = RandomPolynomial(basis, 11);
        double[] one = Lift(basis, p, 1, scalar: false);
        double[] quarter = Lift(basis, p, 0.25, scalar: false); // a power of two: exact
        for (int k = 0; k < one.Length; k++)
        {
            Assert.Equal(one[k] * 0.25, quarter[k]);
        }
    }
}

[Collection(nameof(VectorSwitchCollection))]
public sealed class FusedMultiplyAddTests
{
    [Theory]
    [InlineData(4, new[] { 60 })]
    [InlineData(64, new[] { 60, 49 })]
    [InlineData(32, new[] { 61, 40, 40 })]
    public void MulShoupAddEqualsBarrettProductPlusSumOnBothPaths(int n, int[] bits)
    {
        var basis = new RnsBasis(n, Primes.Generate(bits, n));
        var rng = new Random(n);
        RnsPolynomial Rand()
        {
            var p = new RnsPolynomial(n, basis.Count, isNtt: true);
            for (int i = 0; i < basis.Count; i++)
            {
                Span<ulong> limb = p.Limb(i);
                for (int k = 0; k < n; k++)
                {
                    limb[k] = (ulong)rng.NextInt64((long)basis.Moduli[i]);
                }
            }

            return p;
        }

        RnsPolynomial a = Rand(), w = Rand(), b = Rand();
        a.Limb(0)[0] = basis.Moduli[0] - 1;
        w.Limb(0)[0] = basis.Moduli[0] - 1;
        b.Limb(0)[0] = basis.Moduli[0] - 1;
        var expected = new RnsPolynomial(n, basis.Count, true);
        PolyArith.MulCoeffs(basis, a, w, expected);
        PolyArith.Add(basis, expected, b, expected);

        var shoup = new ulong[n * basis.Count];
        for (int i = 0; i < basis.Count; i++)
        {
            for (int k = 0; k < n; k++)
            {
                shoup[i * n + k] = ModArith.ShoupPrecompute(w.Limb(i)[k], basis.Moduli[i]);
            }
        }

        foreach (bool scalar in new[] { true, false })
        {
            var d = new RnsPolynomial(n, basis.Count, true);
            bool before = PolyArith.DisableVectors;
            PolyArith.DisableVectors = scalar;
            try
            {
                PolyArith.MulShoupAdd(basis, a, w, shoup, b, d);
            }
            finally
            {
                PolyArith.DisableVectors = before;
            }

            Assert.True(expected.ContentEquals(d), scalar ? "scalar path" : "vector path");
        }
    }
}
