using FedScore.Secure.Crypto.Lattice.Ring;
using FedScore.Secure.Crypto.Lattice.Bfv;
using FedScore.Secure.Crypto.Lattice.Rlwe;

namespace FedScore.Secure.Crypto.Lattice.Tests.Bfv;

public sealed class BfvTests
{
    private static long[] Random(int n, int seed, long bound)
    {
        var r = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => r.NextInt64(-bound, bound + 1)).ToArray();
    }

    [Fact]
    public void CoefficientAndBatchedEncodingsRoundTripExactly()
    {
        BfvParameters p = TestParameters.Bfv1024;
        var enc = new BfvEncoder(p);
        long half = (long)(p.PlainModulus / 2);
        long[] x = Random(p.N, 1, half);
        Assert.Equal(x, enc.DecodeCoefficients(enc.EncodeCoefficients(x)));
        Assert.Equal(x, enc.DecodeBatched(enc.EncodeBatched(x)));
    }

    [Fact]
    public void BatchedSlotsMultiplyPointwiseUnderPolynomialProduct()
    {
        // Proves the batching map is a ring isomorphism onto Z_t^N (not just an invertible relabelling).
        BfvParameters p = TestParameters.Bfv1024;
        var enc = new BfvEncoder(p);
        ulong t = p.PlainModulus;
        long[] a = Random(p.N, 2, 1000), b = Random(p.N, 3, 1000);
        var table = p.PlainNtt!;
        ulong[] ma = a.Select(v => ModArith.FromSigned(v, t)).ToArray();
        ulong[] mb = b.Select(v => ModArith.FromSigned(v, t)).ToArray();
        Ntt.Inverse(ma, table);
        Ntt.Inverse(mb, table);
        var prod = new ulong[p.N];
        for (int i = 0; i < p.N; i++)
        {
            for (int j = 0; j < p.N; j++)
            {
                ulong v = ModArith.Mul(ma[i], mb[j], t);
                int k = i + j;
                prod[k % p.N] = k < p.N ? ModArith.Add(prod[k], v, t) : ModArith.Sub(prod[k - p.N], v, t);
            }
        }

        Ntt.Forward(prod, table);
        for (int i = 0; i < p.N; i++)
        {
            Assert.Equal(ModArith.Mul(ModArith.FromSigned(a[i], t), ModArith.FromSigned(b[i], t), t), prod[i]);
        }
    }

    [Fact]
    public void SumOfOneHundredBatchedCiphertextsIsExact()
    {
        BfvParameters p = TestParameters.Bfv1024;
        var kg = new KeyGenerator(p);
        using SecretKey sk = kg.CreateSecretKey();
        var encryptor = new Encryptor(p, kg.CreatePublicKey(sk));
        var enc = new BfvEncoder(p);
        var eval = new Evaluator(p);
        var expected = new long[p.N];
        Ciphertext? acc = null;
        for (int s = 0; s < 100; s++)
        {
            long[] x = Random(p.N, 100 + s, 1000);
            for (int i = 0; i < p.N; i++)
            {
                expected[i] += x[i];
            }

            Ciphertext ct = encryptor.Encrypt(enc.EncodeBatched(x));
            if (acc is null)
            {
                acc = ct;
            }
            else
            {
                eval.AddInPlace(acc, ct);
            }
        }

        Assert.Equal(expected, enc.DecodeBatched(new Decryptor(p, sk).Decrypt(acc!)));
    }

    [Fact]
    public void CoefficientSumsWrapModuloTAndIntegerWeightsApply()
    {
        BfvParameters p = BfvParameters.CreateInsecureForTesting(new BfvParametersLiteral { LogN = 10, LogQ = [58], PlainModulus = 1UL << 16 });
        var kg = new KeyGenerator(p);
        using SecretKey sk = kg.CreateSecretKey();
        var encryptor = new Encryptor(p, sk);
        var enc = new BfvEncoder(p);
        long[] x = Random(p.N, 7, 10000);
        Ciphertext ct = encryptor.Encrypt(enc.EncodeCoefficients(x));
        Assert.True(ct.IsSeeded);
        new Evaluator(p).MultiplyByIntegerInPlace(ct, 3);
        long[] y = enc.DecodeCoefficients(new Decryptor(p, sk).Decrypt(ct));
        for (int i = 0; i < p.N; i++)
        {
            long expected = ((3 * x[i]) % 65536 + 65536 + 32767) % 65536 - 32767; // centred mod 2^16
            Assert.Equal(expected, y[i]);
        }
    }

    [Fact]
    public void BatchingIsRefusedWhenTIsNotNttFriendly()
    {
        BfvParameters p = BfvParameters.CreateInsecureForTesting(new BfvParametersLiteral { LogN = 10, LogQ = [58], PlainModulus = 1UL << 16 });
        Assert.False(p.SupportsBatching);
        Assert.Throws<InvalidOperationException>(() => new BfvEncoder(p).EncodeBatched([1, 2]));
    }
}

public sealed class BfvScalingTests
{
    [Fact]
    public void FastRnsScalingAgreesWithExactBigIntegerScaling()
    {
        BfvParameters p = BfvParameters.CreateInsecureForTesting(new BfvParametersLiteral { LogN = 10, LogQ = [50, 45, 40], PlainModulus = (1UL << 20) + 7 });
        var fast = new BfvEncoder(p);
        var exact = new BfvEncoder(p, allowFastScaling: false);
        using var prng = Prng.CreateSecure();
        for (int r = 0; r < 3; r++)
        {
            var pt = new Plaintext(p);
            Sampler.Uniform(prng, p.Basis, pt.Poly, isNtt: false); // arbitrary x in [0, Q): every rounding case
            Assert.Equal(exact.DecodeCoefficients(pt), fast.DecodeCoefficients(pt));
        }
    }

    [Fact]
    public void LargePlainModulusUsesTheExactPathCorrectly()
    {
        BfvParameters p = BfvParameters.CreateInsecureForTesting(new BfvParametersLiteral { LogN = 10, LogQ = [58, 35], PlainModulus = 1UL << 30 });
        var enc = new BfvEncoder(p);
        var kg = new KeyGenerator(p);
        using SecretKey sk = kg.CreateSecretKey();
        long[] x = Enumerable.Range(0, p.N).Select(i => (long)i * 1_000_003 - 500_000_000).ToArray();
        Ciphertext ct = new Encryptor(p, kg.CreatePublicKey(sk)).Encrypt(enc.EncodeCoefficients(x));
        Assert.Equal(x, enc.DecodeCoefficients(new Decryptor(p, sk).Decrypt(ct)));
    }
}
