using FedScore.Secure.Crypto.Lattice.Bfv;
using FedScore.Secure.Crypto.Lattice.Ckks;
using FedScore.Secure.Crypto.Lattice.Multiparty;
using FedScore.Secure.Crypto.Lattice.Rlwe;
using FedScore.Secure.Crypto.Lattice.Serialization;
using FedScore.Secure.FixedPoint;

namespace FedScore.Secure.Crypto.Lattice.Tests.Multiparty;

/// <summary>
/// The calls an aggregation scheme makes, with only bytes crossing between roles: the worked example for the
/// "ckks"/"bfv" scheme wrappers (threshold mode, one site dropping out before decryption).
/// </summary>
public sealed class AggregationWorkflowTests
{
    [Fact]
    public void CkksThresholdAggregationThroughBytesWithADropout()
    {
        const int sites = 5, threshold = 3, length = 3000;
        // 0. Everyone plans the same parameters from the round's requirements (deterministic, so ids agree).
        var req = FixedPointRequirements.ForAbsoluteError(maxAbsValue: 10, sites: sites, maxAbsError: 1e-4, maxWeight: 2);
        CkksAggregationPlan plan = AggregationPlanner.PlanCkks(length, req);
        CkksParameters p = plan.Parameters;

        // 1. Setup: each site makes its additive key share and a public-key share on the session CRP.
        var cpk = new CollectivePublicKeyProtocol(p);
        PublicKeyCrp crp = cpk.SampleCrp(CommonReferenceString.Derive("session-1", "ckks/pk"));
        var keyGen = new KeyGenerator(p);
        var additive = new AdditiveKeyShare[sites];
        var pkShareBytes = new byte[sites][];
        for (int i = 0; i < sites; i++)
        {
            additive[i] = AdditiveKeyShare.FromSecretKey(keyGen.CreateSecretKey());
            pkShareBytes[i] = LatticeSerializer.Write(cpk.GenerateShare(additive[i].Secret, crp));
        }

        // Server: aggregates the public-key shares and broadcasts the collective key.
        PublicKeyShare aggPk = cpk.AggregateShares(pkShareBytes.Select(b => LatticeSerializer.ReadPublicKeyShare(b, p)));
        byte[] pkBytes = LatticeSerializer.Write(cpk.Finalize(aggPk, crp));

        // Setup (threshold): each site Shamir-shares its secret; the server relays the (in production: encrypted) shares.
        var sharing = new ShamirKeySharing(p, threshold, sites);
        var inbox = Enumerable.Range(0, sites).Select(_ => new List<byte[]>()).ToArray();
        for (int i = 0; i < sites; i++)
        {
            foreach (ShamirShare s in sharing.Split(additive[i], dealer: i + 1))
            {
                inbox[s.Recipient - 1].Add(LatticeSerializer.Write(s));
                s.Dispose();
            }
        }

        var tkeys = new ThresholdKeyShare[sites];
        for (int j = 0; j < sites; j++)
        {
            tkeys[j] = sharing.Combine(j + 1, inbox[j].Select(b => LatticeSerializer.ReadShamirShare(b, p)));
            additive[j].Dispose(); // the additive share is no longer needed once the threshold share exists
        }

        // 2. Round: each site encrypts w·x under the collective key into ⌈length/N⌉ ciphertexts and uploads bytes.
        var rng = new Random(3);
        var expected = new double[length];
        var uploads = new List<byte[][]>();
        for (int i = 0; i < sites; i++)
        {
            double w = 0.5 + i * 0.25;
            double[] x = Enumerable.Range(0, length).Select(_ => rng.NextDouble() * 20 - 10).ToArray();
            for (int k = 0; k < length; k++)
            {
                expected[k] += w * x[k];
            }

            var codec = new CkksVectorCodec(p, plan.Scale);
            var encryptor = new Encryptor(p, LatticeSerializer.ReadPublicKey(pkBytes, p));
            uploads.Add(codec.Encrypt(encryptor, x, w).Select(LatticeSerializer.Write).ToArray());
        }

        // Server: sums the ciphertexts in place.
        Ciphertext[] sum = uploads[0].Select(b => LatticeSerializer.ReadCiphertext(b, p)).ToArray();
        var eval = new Evaluator(p);
        foreach (byte[][] upload in uploads.Skip(1))
        {
            for (int c = 0; c < sum.Length; c++)
            {
                eval.AddInPlace(sum[c], LatticeSerializer.ReadCiphertext(upload[c], p));
            }
        }

        // 3. Decryption: site 2 has dropped; the server names the active set and sends the summed ciphertexts.
        int[] active = [1, 3, 4, 5];
        byte[][] sumBytes = sum.Select(LatticeSerializer.Write).ToArray();
        var dec = new CollectiveDecryptionProtocol(p, plan.SmudgingBits);
        var shareBytes = active.Select(j => sumBytes.Select(b =>
            LatticeSerializer.Write(dec.GenerateShare(tkeys[j - 1], active, LatticeSerializer.ReadCiphertext(b, p)))).ToArray()).ToArray();

        // A second request for the same ciphertext is refused (retries leak the key).
        Assert.Throws<ProtocolViolationException>(() => dec.GenerateShare(tkeys[0], active, LatticeSerializer.ReadCiphertext(sumBytes[0], p)));

        // Server: combines the shares per ciphertext and decodes.
        var plaintexts = new Plaintext[sum.Length];
        for (int c = 0; c < sum.Length; c++)
        {
            DecryptionShare agg = dec.AggregateShares(shareBytes.Select(s => LatticeSerializer.ReadDecryptionShare(s[c], p)));
            plaintexts[c] = dec.Finalize(sum[c], agg);
        }

        var result = new double[length];
        new CkksVectorCodec(p, plan.Scale).Decode(plaintexts, result);
        double maxErr = expected.Zip(result, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(maxErr <= plan.ErrorBound, $"error {maxErr} > bound {plan.ErrorBound}");
        Assert.True(plan.ErrorBound <= 1e-4);
        foreach (ThresholdKeyShare k in tkeys)
        {
            k.Dispose();
        }
    }

    [Fact]
    public void BfvExactCountsWithVectorCodec()
    {
        const int sites = 4, length = 2500;
        BfvAggregationPlan plan = AggregationPlanner.PlanBfv(length, FixedPointRequirements.ForIntegers(maxAbsValue: 5000, sites: sites));
        BfvParameters p = plan.Parameters;
        var cpk = new CollectivePublicKeyProtocol(p);
        PublicKeyCrp crp = cpk.SampleCrp(CommonReferenceString.Derive("session-2", "bfv/pk"));
        var kg = new KeyGenerator(p);
        AdditiveKeyShare[] keys = Enumerable.Range(0, sites).Select(_ => AdditiveKeyShare.FromSecretKey(kg.CreateSecretKey())).ToArray();
        PublicKey pk = cpk.Finalize(cpk.AggregateShares(keys.Select(k => cpk.GenerateShare(k.Secret, crp))), crp);
        var codec = new BfvVectorCodec(p);
        var encryptor = new Encryptor(p, pk);
        var rng = new Random(5);
        var expected = new long[length];
        Ciphertext[]? sum = null;
        for (int i = 0; i < sites; i++)
        {
            long[] x = Enumerable.Range(0, length).Select(_ => rng.NextInt64(-5000, 5001)).ToArray();
            for (int k = 0; k < length; k++)
            {
                expected[k] += x[k];
            }

            Ciphertext[] cts = codec.Encrypt(encryptor, x);
            if (sum is null)
            {
                sum = cts;
            }
            else
            {
                for (int c = 0; c < cts.Length; c++)
                {
                    new Evaluator(p).AddInPlace(sum[c], cts[c]);
                }
            }
        }

        var dec = new CollectiveDecryptionProtocol(p, plan.SmudgingBits);
        Plaintext[] pts = sum!.Select(ct => dec.Finalize(ct, dec.AggregateShares(keys.Select(k => dec.GenerateShare(k, ct))))).ToArray();
        var result = new long[length];
        codec.Decode(pts, result);
        Assert.Equal(expected, result);
        foreach (var k in keys)
        {
            k.Dispose();
        }
    }
}

public sealed class PackedBfvTests
{
    [Fact]
    public void PackedBfvPlanCarriesSeveralValuesPerCoefficientAndSumsExactly()
    {
        const int sites = 6, length = 57_000;
        var req = FixedPointRequirements.ForAbsoluteError(maxAbsValue: 1, sites: sites, maxAbsError: 1e-4);
        PackedBfvAggregationPlan plan = AggregationPlanner.PlanPackedBfv(length, req);
        PackedBfvParameters p = plan.Parameters;
        Assert.False(p.IsInsecureForTesting);
        Assert.True(p.Lanes >= 4, $"only {p.Lanes} lanes");
        double bytesPerValue = (double)plan.Ciphertexts * plan.BytesPerCiphertext / length;
        Assert.True(bytesPerValue < 4 * 3, $"{bytesPerValue} bytes per value");
        Assert.Equal(plan.BytesPerCiphertext, LatticeSerializer.PolynomialSize(p) * 2);

        var cpk = new CollectivePublicKeyProtocol(p);
        PublicKeyCrp crp = cpk.SampleCrp(CommonReferenceString.Derive("s", "packed"));
        var kg = new KeyGenerator(p);
        AdditiveKeyShare[] keys = Enumerable.Range(0, sites).Select(_ => AdditiveKeyShare.FromSecretKey(kg.CreateSecretKey())).ToArray();
        PublicKey pk = cpk.Finalize(cpk.AggregateShares(keys.Select(k => cpk.GenerateShare(k.Secret, crp))), crp);
        var encoder = new PackedBfvEncoder(p, plan.Bias);
        var encryptor = new Encryptor(p, pk);
        var rng = new Random(8);
        var expected = new long[length];
        Ciphertext[]? sum = null;
        for (int s = 0; s < sites; s++)
        {
            // Fixed-point integers at the bounds, including ±bias exactly.
            long[] q = Enumerable.Range(0, length).Select(_ => rng.NextInt64(-plan.Bias, plan.Bias + 1)).ToArray();
            q[0] = plan.Bias;
            q[1] = -plan.Bias;
            for (int i = 0; i < length; i++)
            {
                expected[i] += q[i];
            }

            Ciphertext[] cts = encoder.EncryptVector(encryptor, q);
            if (sum is null)
            {
                sum = cts;
            }
            else
            {
                for (int c = 0; c < cts.Length; c++)
                {
                    new Evaluator(p).AddInPlace(sum[c], cts[c]);
                }
            }
        }

        Assert.Equal(plan.Ciphertexts, sum!.Length);
        var dec = new CollectiveDecryptionProtocol(p, plan.SmudgingBits);
        Plaintext[] pts = sum.Select(ct => dec.Finalize(ct, dec.AggregateShares(keys.Select(k => dec.GenerateShare(k, ct))))).ToArray();
        var result = new long[length];
        encoder.DecodeVector(pts, sites, result);
        Assert.Equal(expected, result);
        Assert.Throws<ArgumentException>(() => encoder.Encode([plan.Bias + 1]));
        foreach (var k in keys)
        {
            k.Dispose();
        }
    }
}
