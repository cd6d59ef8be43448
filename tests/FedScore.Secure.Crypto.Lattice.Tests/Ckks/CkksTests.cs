using System.Numerics;
using FedScore.Secure.Crypto.Lattice.Ckks;
using FedScore.Secure.Crypto.Lattice.Ring;
using FedScore.Secure.Crypto.Lattice.Rlwe;

namespace FedScore.Secure.Crypto.Lattice.Tests.Ckks;

public sealed class CkksEncoderTests
{
    private static double[] RandomValues(int n, int seed, double bound = 1)
    {
        var r = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (r.NextDouble() * 2 - 1) * bound).ToArray();
    }

    [Fact]
    public void CoefficientEncodingRoundTripsWithinTheStatedBound()
    {
        CkksParameters p = TestParameters.Ckks1024;
        var enc = new CkksCoefficientEncoder(p);
        double[] x = RandomValues(p.N, 1, 1000);
        foreach (double scale in new[] { Math.ScaleB(1, 20), Math.ScaleB(1, 40), Math.ScaleB(1, 80) })
        {
            double[] y = enc.Decode(enc.Encode(x, scale));
            double bound = CkksCoefficientEncoder.EncodingErrorBound(scale, 1000);
            for (int i = 0; i < x.Length; i++)
            {
                Assert.True(Math.Abs(x[i] - y[i]) <= bound, $"scale 2^{Math.Log2(scale)}: |{x[i]} − {y[i]}| > {bound}");
            }
        }
    }

    [Fact]
    public void CoefficientEncoderRefusesTooManyOrTooLargeValues()
    {
        var enc = new CkksCoefficientEncoder(TestParameters.Ckks1024);
        Assert.Throws<ArgumentException>(() => enc.Encode(new double[1025]));
        Assert.Throws<ArgumentException>(() => enc.Encode([double.NaN]));
        Assert.Throws<ArgumentException>(() => enc.Encode([Math.ScaleB(1, 80)], Math.ScaleB(1, 40)));
    }

    [Fact]
    public void SlotEncodingEvaluatesThePolynomialAtTheRotationGroupRoots()
    {
        CkksParameters p = TestParameters.Ckks256;
        var enc = new CkksEncoder(p);
        var r = new Random(5);
        var z = Enumerable.Range(0, enc.Slots).Select(_ => new Complex(r.NextDouble() - 0.5, r.NextDouble() - 0.5)).ToArray();
        Plaintext pt = enc.Encode(z, Math.ScaleB(1, 30));
        var coeffs = new double[p.N];
        p.Basis.ToCenteredDoubles(pt.Poly, coeffs);
        int m = 2 * p.N;
        long g = 1;
        for (int j = 0; j < enc.Slots; j++)
        {
            Complex zeta = Complex.FromPolarCoordinates(1, 2 * Math.PI * g / m);
            Complex acc = Complex.Zero, pw = Complex.One;
            for (int k = 0; k < p.N; k++)
            {
                acc += coeffs[k] * pw;
                pw *= zeta;
            }

            Assert.True(Complex.Abs(acc / pt.Scale - z[j]) < 1e-6, $"slot {j}");
            g = g * 5 % m;
        }
    }

    [Fact]
    public void SlotEncodingRoundTripsWithinTheStatedBound()
    {
        CkksParameters p = TestParameters.Ckks1024;
        var enc = new CkksEncoder(p);
        double[] x = RandomValues(enc.Slots, 2);
        double scale = Math.ScaleB(1, 40);
        Complex[] y = enc.Decode(enc.Encode(x, scale));
        double bound = enc.EncodingErrorBound(scale) + 1e-12;
        for (int i = 0; i < x.Length; i++)
        {
            Assert.True(Complex.Abs(y[i] - x[i]) <= bound);
        }
    }
}

public sealed class CkksEncryptionTests
{
    [Fact]
    public void PublicKeyEncryptionDecryptsToTheInput()
    {
        CkksParameters p = CkksParameters.Example128BitLogN12LogQ109;
        var kg = new KeyGenerator(p);
        using SecretKey sk = kg.CreateSecretKey();
        PublicKey pk = kg.CreatePublicKey(sk);
        var enc = new CkksCoefficientEncoder(p);
        double[] x = Enumerable.Range(0, p.N).Select(i => Math.Sin(i) * 10).ToArray();
        Ciphertext ct = new Encryptor(p, pk).Encrypt(enc.Encode(x));
        Assert.False(ct.IsSeeded);
        double[] y = enc.Decode(new Decryptor(p, sk).Decrypt(ct));
        // Fresh noise is far below 2^20 in integer units, so the error is below 2^20/Δ ≈ 1e-6.
        Assert.All(Enumerable.Range(0, p.N), i => Assert.True(Math.Abs(x[i] - y[i]) < 1e-6, $"{i}"));
        Assert.True(Math.Abs(x[3] - y[3]) > 0 || Math.Abs(x[4] - y[4]) > 0); // noise is really there
    }

    [Fact]
    public void SymmetricEncryptionIsSeededAndDecrypts()
    {
        CkksParameters p = TestParameters.Ckks1024;
        var kg = new KeyGenerator(p);
        using SecretKey sk = kg.CreateSecretKey();
        var enc = new CkksEncoder(p);
        double[] x = Enumerable.Range(0, enc.Slots).Select(i => i / 100.0).ToArray();
        Ciphertext ct = new Encryptor(p, sk).Encrypt(enc.Encode(x));
        Assert.True(ct.IsSeeded);
        Assert.Equal(32, ct.C1Seed.Length);
        var c1 = new RnsPolynomial(p.N, p.Moduli.Count);
        Encryptor.ExpandSeed(p, ct.C1Seed, c1);
        Assert.True(c1.ContentEquals(ct.C1));
        Complex[] y = enc.Decode(new Decryptor(p, sk).Decrypt(ct));
        Assert.All(Enumerable.Range(0, x.Length), i => Assert.True(Complex.Abs(y[i] - x[i]) < 1e-6));
    }

    [Fact]
    public void SumOfOneHundredCiphertextsDecryptsToTheSum()
    {
        CkksParameters p = TestParameters.Ckks1024;
        var kg = new KeyGenerator(p);
        using SecretKey sk = kg.CreateSecretKey();
        var encryptor = new Encryptor(p, kg.CreatePublicKey(sk));
        var enc = new CkksCoefficientEncoder(p);
        var eval = new Evaluator(p);
        var r = new Random(9);
        var expected = new double[p.N];
        Ciphertext? acc = null;
        for (int s = 0; s < 100; s++)
        {
            double[] x = Enumerable.Range(0, p.N).Select(_ => r.NextDouble() * 2 - 1).ToArray();
            for (int i = 0; i < p.N; i++)
            {
                expected[i] += x[i];
            }

            Ciphertext ct = encryptor.Encrypt(enc.Encode(x));
            if (acc is null)
            {
                acc = ct;
            }
            else
            {
                eval.AddInPlace(acc, ct);
            }
        }

        Assert.Equal(100, acc!.Summands);
        double[] y = enc.Decode(new Decryptor(p, sk).Decrypt(acc));
        CkksPrecision precision = CkksPrecision.Measure(expected, y);
        Assert.Equal(expected.Zip(y, (a, b) => Math.Abs(a - b)).Max(), precision.MaxAbsError);
        // Noise bound for 100 summands under one key, divided by Δ = 2^40 (≈ 2^-22), plus 100 roundings of 2^-41.
        double bound = FedScore.Secure.Crypto.Lattice.Multiparty.NoiseBounds.CiphertextNoise(p.N, 1, 100) / p.Scale + 100 * 0.5 / p.Scale;
        Assert.True(precision.MaxAbsError <= bound, $"{precision} exceeds {bound}");
    }

    [Fact]
    public void MultiplyingByAPlaintextWeightScalesTheDecryptedValues()
    {
        CkksParameters p = TestParameters.Ckks1024;
        var kg = new KeyGenerator(p);
        using SecretKey sk = kg.CreateSecretKey();
        var enc = new CkksCoefficientEncoder(p);
        double[] x = Enumerable.Range(0, 50).Select(i => i * 0.25 - 3).ToArray();
        Ciphertext ct = new Encryptor(p, kg.CreatePublicKey(sk)).Encrypt(enc.Encode(x, Math.ScaleB(1, 30)));
        new CkksEvaluator(p).MultiplyByReal(ct, 0.37, 20);
        new Evaluator(p).MultiplyByIntegerInPlace(ct, -3);
        double[] y = enc.Decode(new Decryptor(p, sk).Decrypt(ct));
        for (int i = 0; i < x.Length; i++)
        {
            Assert.Equal(-3 * 0.37 * x[i], y[i], 1e-5);
        }
    }

    [Fact]
    public void ObjectsForOtherParametersAreRefused()
    {
        var kg = new KeyGenerator(TestParameters.Ckks1024);
        using SecretKey sk = kg.CreateSecretKey();
        Assert.Throws<ArgumentException>(() => new Decryptor(TestParameters.Ckks256, sk));
        var a = new Ciphertext(TestParameters.Ckks1024);
        var b = new Ciphertext(TestParameters.Ckks256);
        Assert.Throws<ArgumentException>(() => new Evaluator(TestParameters.Ckks1024).AddInPlace(a, b));
    }

    [Fact]
    public void DisposedSecretKeyIsWipedAndUnusable()
    {
        var kg = new KeyGenerator(TestParameters.Ckks256);
        SecretKey sk = kg.CreateSecretKey();
        RnsPolynomial s = sk.Value;
        Assert.Contains(s.AsSpan().ToArray(), v => v != 0);
        sk.Dispose();
        Assert.All(s.AsSpan().ToArray(), v => Assert.Equal(0UL, v));
        Assert.Throws<ObjectDisposedException>(() => sk.Value);
        Assert.Equal("SecretKey", sk.ToString());
    }
}
