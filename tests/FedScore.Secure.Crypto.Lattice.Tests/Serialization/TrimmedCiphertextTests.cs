using FedScore.Secure.Crypto.Lattice.Ckks;
using FedScore.Secure.Crypto.Lattice.Multiparty;
using FedScore.Secure.Crypto.Lattice.Ring;
using FedScore.Secure.Crypto.Lattice.Rlwe;
using FedScore.Secure.Crypto.Lattice.Serialization;
using FedScore.Secure.Wire;

namespace FedScore.Secure.Crypto.Lattice.Tests.Serialization;

/// <summary>A short last upload travels with c0 cut to the coefficients that carry values.</summary>
public sealed class TrimmedCiphertextTests
{
    private static readonly CkksParameters P = TestParameters.Ckks1024;

    private static Ciphertext SeededUpload(SecretKey key, double[] values, byte[] seed) =>
        new Encryptor(P, key).EncryptWithSharedSeed(new CkksCoefficientEncoder(P).Encode(values), seed);

    private static byte[] Trimmed(Ciphertext ct, int m)
    {
        var w = new WireWriter(64 + LatticeSerializer.PolynomialSize(P));
        LatticeSerializer.WriteTrimmedTo(w, ct, m);
        return w.ToArray();
    }

    [Fact]
    public void TrimmedUploadsSumAndDecryptLikeWholeOnesOnTheCoefficientsTheyKeep()
    {
        const int m = 37;
        byte[] seed = Prng.NewSeed();
        AdditiveKeyShare[] keys = Enumerable.Range(0, 3).Select(_ => AdditiveKeyShare.FromSecretKey(new KeyGenerator(P).CreateSecretKey())).ToArray();
        double[][] x = Enumerable.Range(0, 3).Select(s => Enumerable.Range(0, m).Select(k => Math.Cos(k * (s + 1)) * 5).ToArray()).ToArray();
        Ciphertext? sum = null;
        int total = 0;
        for (int s = 0; s < 3; s++)
        {
            byte[] bytes = Trimmed(SeededUpload(keys[s].Secret, x[s], seed), m);
            total += bytes.Length;
            var r = new WireReader(bytes, "trimmed upload");
            Ciphertext ct = LatticeSerializer.ReadCiphertext(ref r, P, sum, out int coefficients);
            r.EnsureEnd();
            Assert.Equal(m, coefficients);
            Assert.True(ct.C0.IsNtt && ct.IsSeeded);
            if (sum is null)
            {
                sum = ct;
            }
            else
            {
                new Evaluator(P).AddSharedC1InPlace(sum, ct);
            }
        }

        // Trimmed: about m/N of a polynomial each, not a whole one.
        Assert.True(total < 3 * (LatticeSerializer.TrimmedPolynomialSize(P, m) + 100));
        Assert.True(LatticeSerializer.TrimmedPolynomialSize(P, m) * 20 < LatticeSerializer.PolynomialSize(P));

        var dec = new CollectiveDecryptionProtocol(P, 20);
        DecryptionShare agg = dec.AggregateShares(keys.Select(k => dec.GenerateShare(k, sum!)));
        double[] y = new CkksCoefficientEncoder(P).Decode(dec.Finalize(sum!, agg));
        for (int k = 0; k < m; k++)
        {
            double expected = x[0][k] + x[1][k] + x[2][k];
            Assert.True(Math.Abs(y[k] - expected) < 1e-3, $"coefficient {k}: {y[k]} vs {expected}");
        }

        foreach (AdditiveKeyShare k in keys)
        {
            k.Dispose();
        }
    }

    [Fact]
    public void WholeLengthTrimIsTheSameCiphertext()
    {
        using var key = AdditiveKeyShare.FromSecretKey(new KeyGenerator(P).CreateSecretKey());
        Ciphertext ct = SeededUpload(key.Secret, [1, 2, 3], Prng.NewSeed());
        var r = new WireReader(Trimmed(ct, P.N), "trimmed upload");
        Ciphertext back = LatticeSerializer.ReadCiphertext(ref r, P, null, out int m);
        Assert.Equal(P.N, m);
        Assert.True(back.C0.ContentEquals(ct.C0));
        Assert.True(back.C1.ContentEquals(ct.C1));
    }

    [Fact]
    public void BadTrimsAreRefused()
    {
        using var key = AdditiveKeyShare.FromSecretKey(new KeyGenerator(P).CreateSecretKey());
        Ciphertext ct = SeededUpload(key.Secret, [1, 2, 3], Prng.NewSeed());
        Assert.Throws<ArgumentOutOfRangeException>(() => Trimmed(ct, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Trimmed(ct, P.N + 1));
        var unseeded = new Ciphertext(P); // c1 in full (e.g. a public-key encryption): nothing to trim against
        Assert.False(unseeded.IsSeeded);
        Assert.Throws<ArgumentException>(() => Trimmed(unseeded, 3));

        byte[] good = Trimmed(ct, 3);
        // The count sits right after the flags byte: header (4 + 16 + N varint + limbs varint), scale, summands, flags.
        const int flagsAt = 4 + 16 + 2 + 1 + 8 + 1;
        Assert.Equal(3, good[flagsAt]);
        Assert.Equal(3, good[flagsAt + 1]);
        foreach (byte bad in new byte[] { 0, 2 })
        {
            byte[] b = (byte[])good.Clone();
            b[flagsAt] = bad; // untrimmed or unseeded-but-trimmed reading of the same bytes
            Assert.Throws<MalformedMessageException>(() => LatticeSerializer.ReadCiphertext(b, P));
        }

        byte[] zero = (byte[])good.Clone();
        zero[flagsAt + 1] = 0;
        Assert.Throws<MalformedMessageException>(() => LatticeSerializer.ReadCiphertext(zero, P));
        for (int len = 0; len < good.Length; len += 7)
        {
            Assert.Throws<MalformedMessageException>(() => LatticeSerializer.ReadCiphertext(good.AsSpan(0, len), P));
        }

        byte[] longer = [.. good, 0];
        Assert.Throws<MalformedMessageException>(() => LatticeSerializer.ReadCiphertext(longer, P));
    }
}
