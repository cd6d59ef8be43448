using FedScore.Secure.Crypto.Lattice.Bfv;
using FedScore.Secure.Crypto.Lattice.Ckks;
using FedScore.Secure.Crypto.Lattice.Multiparty;
using FedScore.Secure.Crypto.Lattice.Rlwe;
using FedScore.Secure.FixedPoint;

namespace FedScore.Secure.Crypto.Lattice.Tests.Multiparty;

public sealed class MultipartyTests
{
    private static readonly CkksParameters P = TestParameters.Ckks1024;
    private static readonly double Scale = Math.ScaleB(1, 70);

    private sealed class Federation : IDisposable
    {
        public Federation(RlweParameters p, int sites, string session = "test-session")
        {
            var kg = new KeyGenerator(p);
            Keys = Enumerable.Range(0, sites).Select(_ => AdditiveKeyShare.FromSecretKey(kg.CreateSecretKey())).ToArray();
            var cpk = new CollectivePublicKeyProtocol(p);
            PublicKeyCrp crp = cpk.SampleCrp(CommonReferenceString.Derive(session, "pk"));
            PublicKeyShare agg = cpk.AggregateShares(Keys.Select(k => cpk.GenerateShare(k.Secret, crp)));
            Assert.Equal(sites, agg.Contributors);
            PublicKey = cpk.Finalize(agg, crp);
        }

        public AdditiveKeyShare[] Keys { get; }

        public PublicKey PublicKey { get; }

        public void Dispose()
        {
            foreach (AdditiveKeyShare k in Keys)
            {
                k.Dispose();
            }
        }
    }

    private static (Ciphertext Sum, double[] Expected) EncryptAndSum(CkksParameters p, PublicKey pk, int sites, int seed)
    {
        var enc = new CkksCoefficientEncoder(p);
        var encryptor = new Encryptor(p, pk);
        var eval = new Evaluator(p);
        var r = new Random(seed);
        var expected = new double[p.N];
        Ciphertext? acc = null;
        for (int s = 0; s < sites; s++)
        {
            double[] x = Enumerable.Range(0, p.N).Select(_ => r.NextDouble() * 2 - 1).ToArray();
            for (int i = 0; i < p.N; i++)
            {
                expected[i] += x[i];
            }

            Ciphertext ct = encryptor.Encrypt(enc.Encode(x, Scale));
            if (acc is null)
            {
                acc = ct;
            }
            else
            {
                eval.AddInPlace(acc, ct);
            }
        }

        return (acc!, expected);
    }

    private static int SmudgingFor(int n, int sites) =>
        NoiseBounds.SmudgingBits(n, NoiseBounds.CiphertextNoise(n, sites, sites), 20); // λ = 20: test size only

    [Theory]
    [InlineData(3)]
    [InlineData(20)]
    public void CollectiveKeyAndNOfNDecryptionRecoverTheSum(int sites)
    {
        using var fed = new Federation(P, sites);
        (Ciphertext sum, double[] expected) = EncryptAndSum(P, fed.PublicKey, sites, sites);
        int bits = SmudgingFor(P.N, sites);
        var dec = new CollectiveDecryptionProtocol(P, bits);
        DecryptionShare agg = dec.AggregateShares(fed.Keys.Select(k => dec.GenerateShare(k, sum)));
        double[] y = new CkksCoefficientEncoder(P).Decode(dec.Finalize(sum, agg));
        double bound = NoiseBounds.DecryptedNoise(NoiseBounds.CiphertextNoise(P.N, sites, sites), sites, bits) / Scale + sites / Scale;
        double maxErr = expected.Zip(y, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(maxErr <= bound, $"error {maxErr} > bound {bound}");
        Assert.True(maxErr > 0);
    }

    [Fact]
    public void ThresholdSevenOfTwentyDecryptsWithThirteenDropouts()
    {
        CkksParameters p = TestParameters.Ckks256;
        const int n = 20, t = 7;
        var kg = new KeyGenerator(p);
        var keys = Enumerable.Range(0, n).Select(_ => AdditiveKeyShare.FromSecretKey(kg.CreateSecretKey())).ToArray();
        var cpk = new CollectivePublicKeyProtocol(p);
        var crp = cpk.SampleCrp(CommonReferenceString.Derive("t20", "pk"));
        PublicKey pk = cpk.Finalize(cpk.AggregateShares(keys.Select(k => cpk.GenerateShare(k.Secret, crp))), crp);
        var sharing = new ShamirKeySharing(p, t, n);
        var all = keys.SelectMany((k, i) => sharing.Split(k, i + 1)).ToList();
        var tkeys = Enumerable.Range(1, n).Select(j => sharing.Combine(j, all.Where(s => s.Recipient == j))).ToArray();
        var enc = new CkksCoefficientEncoder(p);
        double[] x = Enumerable.Range(0, p.N).Select(i => Math.Cos(i)).ToArray();
        double scale = Math.ScaleB(1, 30);
        Ciphertext ct = new Encryptor(p, pk).Encrypt(enc.Encode(x, scale));
        int[] active = [2, 5, 9, 11, 14, 17, 20];
        var dec = new CollectiveDecryptionProtocol(p, 12);
        var agg = dec.AggregateShares(active.Select(j => dec.GenerateShare(tkeys[j - 1], active, ct)));
        var y = new double[p.N];
        enc.DecodePublic(dec.Finalize(ct, agg), y, 1e-3);
        Assert.All(Enumerable.Range(0, p.N), i => Assert.True(Math.Abs(x[i] - y[i]) <= 2e-3, $"{i}: {x[i]} vs {y[i]}"));
        Assert.All(y, v => Assert.Equal(0, Math.IEEERemainder(v, Math.ScaleB(1, -10)), 12)); // released on a 2^-10 grid
        Assert.Throws<ArgumentException>(() => sharing.Combine(1, all.Where(s => s.Recipient == 1).Skip(1))); // a dealer missing
        foreach (IDisposable d in keys.Cast<IDisposable>().Concat(tkeys).Concat(all))
        {
            d.Dispose();
        }
    }

    [Fact]
    public void MissingOneAdditiveShareGivesGarbage()
    {
        using var fed = new Federation(P, 3);
        (Ciphertext sum, double[] expected) = EncryptAndSum(P, fed.PublicKey, 3, 1);
        var dec = new CollectiveDecryptionProtocol(P, 30);
        DecryptionShare agg = dec.AggregateShares(fed.Keys.Skip(1).Select(k => dec.GenerateShare(k, sum)));
        double[] y = new CkksCoefficientEncoder(P).Decode(dec.Finalize(sum, agg));
        Assert.True(expected.Zip(y, (a, b) => Math.Abs(a - b)).Max() > 1);
    }

    [Fact]
    public void ThresholdDecryptionToleratesDropoutsAndAnyQualifiedSetAgrees()
    {
        const int n = 5, t = 3;
        using var fed = new Federation(P, n);
        var sharing = new ShamirKeySharing(P, t, n);
        List<ShamirShare>[] inbox = Enumerable.Range(0, n).Select(_ => new List<ShamirShare>()).ToArray();
        for (int i = 0; i < n; i++)
        {
            foreach (ShamirShare s in sharing.Split(fed.Keys[i], i + 1))
            {
                inbox[s.Recipient - 1].Add(s);
            }
        }

        ThresholdKeyShare[] keys = Enumerable.Range(0, n).Select(j => sharing.Combine(j + 1, inbox[j])).ToArray();
        foreach (ShamirShare s in inbox.SelectMany(x => x))
        {
            s.Dispose();
        }

        int bits = SmudgingFor(P.N, n);
        var dec = new CollectiveDecryptionProtocol(P, bits);
        var encoder = new CkksCoefficientEncoder(P);
        foreach (int[] active in new[] { new[] { 1, 2, 3 }, new[] { 2, 4, 5 }, new[] { 1, 3, 4, 5 } })
        {
            // A fresh ciphertext per active set: a party gives one share per ciphertext, never more.
            (Ciphertext sum, double[] expected) = EncryptAndSum(P, fed.PublicKey, n, active.Sum());
            DecryptionShare agg = dec.AggregateShares(active.Select(j => dec.GenerateShare(keys[j - 1], active, sum)));
            double[] y = encoder.Decode(dec.Finalize(sum, agg));
            double maxErr = expected.Zip(y, (a, b) => Math.Abs(a - b)).Max();
            Assert.True(maxErr < 1e-4, $"active {string.Join(',', active)}: error {maxErr}");
        }

        (Ciphertext c, _) = EncryptAndSum(P, fed.PublicKey, 1, 99);
        Assert.Throws<ArgumentException>(() => dec.GenerateShare(keys[0], [1, 2], c));       // below threshold
        Assert.Throws<ArgumentException>(() => dec.GenerateShare(keys[0], [2, 3, 4], c));    // not in the set
        Assert.Throws<ArgumentException>(() => dec.GenerateShare(keys[0], [1, 1, 2], c));    // duplicates
        foreach (ThresholdKeyShare k in keys)
        {
            k.Dispose();
        }
    }

    [Fact]
    public void SecondShareForTheSameCiphertextIsRefusedEvenWithAnotherC0()
    {
        using var fed = new Federation(P, 3);
        (Ciphertext sum, _) = EncryptAndSum(P, fed.PublicKey, 3, 5);
        var dec = new CollectiveDecryptionProtocol(P, 30);
        dec.GenerateShare(fed.Keys[0], sum);
        Assert.Throws<ProtocolViolationException>(() => dec.GenerateShare(fed.Keys[0], sum));
        Ciphertext tweaked = sum.Clone();
        new Evaluator(P).Add(sum, sum, tweaked);
        tweaked.C1.CopyFrom(sum.C1); // same c1, different c0
        Assert.Throws<ProtocolViolationException>(() => dec.GenerateShare(fed.Keys[0], tweaked));
        dec.GenerateShare(fed.Keys[1], sum); // other parties are unaffected
    }

    [Fact]
    public void SharesForAnotherCiphertextAreRefusedAtCombination()
    {
        using var fed = new Federation(P, 2);
        (Ciphertext a, _) = EncryptAndSum(P, fed.PublicKey, 2, 1);
        (Ciphertext b, _) = EncryptAndSum(P, fed.PublicKey, 2, 2);
        var dec = new CollectiveDecryptionProtocol(P, 30);
        DecryptionShare sa = dec.GenerateShare(fed.Keys[0], a);
        DecryptionShare sb = dec.GenerateShare(fed.Keys[1], b);
        Assert.Throws<ArgumentException>(() => dec.AggregateShares([sa, sb]));
        Assert.Throws<ArgumentException>(() => dec.Finalize(b, sa));
    }

    [Fact]
    public void SessionCrsIsDeterministicAndSessionBound()
    {
        Assert.True(CommonReferenceString.Derive("s1", "pk").Seed.SequenceEqual(CommonReferenceString.Derive("s1", "pk").Seed));
        Assert.False(CommonReferenceString.Derive("s1", "pk").Seed.SequenceEqual(CommonReferenceString.Derive("s2", "pk").Seed));
    }
}

public sealed class AggregationPlannerTests
{
    [Fact]
    public void CkksPlanForOneHundredSitesIsSecureAndMeetsItsErrorBoundEndToEnd()
    {
        var req = FixedPointRequirements.ForAbsoluteError(maxAbsValue: 1, sites: 100, maxAbsError: 1e-6);
        CkksAggregationPlan plan = AggregationPlanner.PlanCkks(10_000, req);
        Assert.False(plan.Parameters.IsInsecureForTesting);
        Assert.True(plan.ErrorBound <= 1e-6);
        Assert.Equal((10_000 + plan.ValuesPerCiphertext - 1) / plan.ValuesPerCiphertext, plan.Ciphertexts);
        Assert.Equal(plan.Parameters.Id, AggregationPlanner.PlanCkks(10_000, req).Parameters.Id); // deterministic

        // End to end with fewer sites than planned for (the plan's bounds still hold): 4 sites, 3-of-4 threshold.
        var p = plan.Parameters;
        var kg = new KeyGenerator(p);
        var keys = Enumerable.Range(0, 4).Select(_ => AdditiveKeyShare.FromSecretKey(kg.CreateSecretKey())).ToArray();
        var cpk = new CollectivePublicKeyProtocol(p);
        var crp = cpk.SampleCrp(CommonReferenceString.Derive("plan", "pk"));
        PublicKey pk = cpk.Finalize(cpk.AggregateShares(keys.Select(k => cpk.GenerateShare(k.Secret, crp))), crp);
        var sharing = new ShamirKeySharing(p, 3, 4);
        var all = keys.Select((k, i) => sharing.Split(k, i + 1)).SelectMany(x => x).ToList();
        var tkeys = Enumerable.Range(1, 4).Select(j => sharing.Combine(j, all.Where(s => s.Recipient == j))).ToArray();
        var enc = new CkksCoefficientEncoder(p);
        var encryptor = new Encryptor(p, pk);
        var eval = new Evaluator(p);
        var r = new Random(1);
        var expected = new double[p.N];
        Ciphertext? sum = null;
        for (int s = 0; s < 4; s++)
        {
            double[] x = Enumerable.Range(0, p.N).Select(_ => r.NextDouble() * 2 - 1).ToArray();
            for (int i = 0; i < p.N; i++)
            {
                expected[i] += x[i];
            }

            Ciphertext ct = encryptor.Encrypt(enc.Encode(x, plan.Scale));
            if (sum is null)
            {
                sum = ct;
            }
            else
            {
                eval.AddInPlace(sum, ct);
            }
        }

        var dec = new CollectiveDecryptionProtocol(p, plan.SmudgingBits);
        int[] active = [1, 3, 4]; // site 2 dropped
        var agg = dec.AggregateShares(active.Select(j => dec.GenerateShare(tkeys[j - 1], active, sum!)));
        double[] y = enc.Decode(dec.Finalize(sum!, agg));
        double maxErr = expected.Zip(y, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(maxErr <= plan.ErrorBound, $"error {maxErr} > bound {plan.ErrorBound}");
        foreach (var d in keys.Cast<IDisposable>().Concat(tkeys).Concat(all))
        {
            d.Dispose();
        }
    }

    [Fact]
    public void BfvPlanGivesExactIntegerSums()
    {
        var req = FixedPointRequirements.ForIntegers(maxAbsValue: 1000, sites: 50);
        BfvAggregationPlan plan = AggregationPlanner.PlanBfv(100, req);
        BfvParameters p = plan.Parameters;
        Assert.False(p.IsInsecureForTesting);
        Assert.Equal(0, plan.ErrorBound);
        var kg = new KeyGenerator(p);
        var keys = Enumerable.Range(0, 3).Select(_ => AdditiveKeyShare.FromSecretKey(kg.CreateSecretKey())).ToArray();
        var cpk = new CollectivePublicKeyProtocol(p);
        var crp = cpk.SampleCrp(CommonReferenceString.Derive("bfv", "pk"));
        PublicKey pk = cpk.Finalize(cpk.AggregateShares(keys.Select(k => cpk.GenerateShare(k.Secret, crp))), crp);
        var enc = new BfvEncoder(p);
        var encryptor = new Encryptor(p, pk);
        var r = new Random(2);
        var expected = new long[100];
        Ciphertext? sum = null;
        for (int s = 0; s < 3; s++)
        {
            long[] x = Enumerable.Range(0, 100).Select(_ => r.NextInt64(-1000, 1001)).ToArray();
            for (int i = 0; i < 100; i++)
            {
                expected[i] += x[i];
            }

            Ciphertext ct = encryptor.Encrypt(enc.EncodeCoefficients(x));
            if (sum is null)
            {
                sum = ct;
            }
            else
            {
                new Evaluator(p).AddInPlace(sum, ct);
            }
        }

        var dec = new CollectiveDecryptionProtocol(p, plan.SmudgingBits);
        var agg = dec.AggregateShares(keys.Select(k => dec.GenerateShare(k, sum!)));
        long[] y = enc.DecodeCoefficients(dec.Finalize(sum!, agg));
        Assert.Equal(expected, y[..100]);
        Assert.All(y[100..], v => Assert.Equal(0, v));
        foreach (var k in keys)
        {
            k.Dispose();
        }
    }

    [Fact]
    public void ModulusSplitRespectsPrimeSizeAndSecurityBound()
    {
        Assert.Equal(new[] { 56, 56 }, AggregationPlanner.SplitModulus(109.5, 218)!);
        Assert.Null(AggregationPlanner.SplitModulus(109.5, 109));
        Assert.Equal(new[] { 31 }, AggregationPlanner.SplitModulus(30, 54)!);
    }
}

public sealed class NoiseBoundTests
{
    [Fact]
    public void MeasuredFreshNoiseIsWithinTheStatedBoundUnderACollectiveKey()
    {
        var p = TestParameters.Ckks1024;
        const int parties = 5, summands = 5;
        var kg = new KeyGenerator(p);
        var keys = Enumerable.Range(0, parties).Select(_ => AdditiveKeyShare.FromSecretKey(kg.CreateSecretKey())).ToArray();
        var cpk = new CollectivePublicKeyProtocol(p);
        var crp = cpk.SampleCrp(CommonReferenceString.CreateRandom());
        PublicKey pk = cpk.Finalize(cpk.AggregateShares(keys.Select(k => cpk.GenerateShare(k.Secret, crp))), crp);
        var encryptor = new Encryptor(p, pk);
        var zero = new Plaintext(p);
        Ciphertext sum = encryptor.Encrypt(zero);
        for (int i = 1; i < summands; i++)
        {
            new Evaluator(p).AddInPlace(sum, encryptor.Encrypt(zero));
        }

        // Decrypt with no smudging to see the raw noise: Σ s_i·c1 computed directly (test-only insight into v).
        var dec = new CollectiveDecryptionProtocol(p, 1);
        var agg = dec.AggregateShares(keys.Select(k => dec.GenerateShare(k, sum)));
        var coeffs = new double[p.N];
        p.Basis.ToCenteredDoubles(dec.Finalize(sum, agg).Poly, coeffs);
        double measured = coeffs.Max(Math.Abs);
        double bound = NoiseBounds.CiphertextNoise(p.N, parties, summands) + parties * 2; // + smudging of ±2
        Assert.True(measured <= bound, $"measured {measured} > bound {bound}");
        Assert.True(measured > bound / 100, $"bound {bound} is implausibly loose for measured {measured}");
        foreach (var k in keys)
        {
            k.Dispose();
        }
    }
}
