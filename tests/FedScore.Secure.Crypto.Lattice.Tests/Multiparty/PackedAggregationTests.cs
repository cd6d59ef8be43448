using FedScore.Secure.Crypto.Lattice.Bfv;
using FedScore.Secure.Crypto.Lattice.Multiparty;
using FedScore.Secure.Crypto.Lattice.Ring;
using FedScore.Secure.Crypto.Lattice.Rlwe;
using FedScore.Secure.FixedPoint;

namespace FedScore.Secure.Crypto.Lattice.Tests.Multiparty;

/// <summary>
/// Plaintext packing for aggregation: several fixed-point values per coefficient above the decryption noise
/// (<see cref="AggregationPlanner.PlanPackedBfv"/>), used by "bfv" always and by "ckks" whenever it pays.
/// </summary>
public sealed class PackedAggregationTests
{
    /// <summary>The defaults of <c>fedscore simulate</c>: |x| ≤ 1, wanted error 10^-6.</summary>
    private static FixedPointRequirements Defaults(int sites) =>
        FixedPointRequirements.ForAbsoluteError(maxAbsValue: 1, sites: sites, maxAbsError: 1e-6);

    [Theory]
    [InlineData(10)]
    [InlineData(100)]
    public void PlannerPacksTheDefaultRoundIntoAtMostEightUploadBytesPerValue(int sites)
    {
        const int length = 100_000;
        PackedBfvAggregationPlan packed = AggregationPlanner.PlanPackedBfv(length, Defaults(sites), sharedSeedUploads: true);
        CkksAggregationPlan ckks = AggregationPlanner.PlanCkks(length, Defaults(sites), sharedSeedUploads: true);
        PackedBfvParameters p = packed.Parameters;

        double bytesPerValue = (double)AggregationPlanner.UploadBytes(p, length, p.Lanes) / length;
        Assert.True(bytesPerValue <= 8, $"{bytesPerValue:0.00} bytes per value at {sites} sites");
        Assert.True(AggregationPlanner.PackingPays(length, ckks, packed));
        Assert.True(p.Lanes >= 2, $"{p.Lanes} lanes");
        Assert.True((long)packed.ValuesPerCiphertext * packed.Ciphertexts >= length);

        // Still a 128-bit HE-standard set, and Δ = ⌊Q/t⌋ leaves the noise (smudging included) 3 bits of headroom.
        Assert.False(p.IsInsecureForTesting);
        Assert.True(p.Basis.Log2Modulus <= SecurityStandard.MaxLog2Q128(p.N));
        Assert.True(p.Basis.Log2Modulus - p.PlainBits >= Math.Log2(packed.NoiseBound) + 3);
        Assert.True(packed.SmudgingBits >= AggregationPlanner.DefaultStatisticalSecurity);

        // Lanes hold the sum of n sites at ±bias without carrying: 2·n·bias < 2^w.
        Assert.True(2.0 * sites * packed.Bias < Math.ScaleB(1, p.LaneBits));
        Assert.True(packed.ErrorBound <= 1e-6);
    }

    [Fact]
    public void TinyVectorsKeepCoefficientCkksBecausePackingDoesNotPay()
    {
        PackedBfvAggregationPlan packed = AggregationPlanner.PlanPackedBfv(1, Defaults(10), sharedSeedUploads: true);
        CkksAggregationPlan ckks = AggregationPlanner.PlanCkks(1, Defaults(10), sharedSeedUploads: true);
        Assert.False(AggregationPlanner.PackingPays(1, ckks, packed));
    }

    [Fact]
    public void PlanDoesNotDependOnTheVectorLengthSoOneKeySetupServesEveryRound()
    {
        // Same ring for lengths that fill a fraction of one ciphertext or several (the parameter set, hence the key
        // setup, is a function of the requirements and N only).
        var ids = new[] { 50, 20_000, 100_000, 300_000 }.Select(len => AggregationPlanner.PlanPackedBfv(len, Defaults(10), sharedSeedUploads: true).Parameters.Id).Distinct();
        Assert.Single(ids);
    }

    [Theory]
    [InlineData(100_000, 5, 0, 8192)]
    [InlineData(100_000, 5, 2, 3616)]   // 100 000 values = 20 000 coefficients: two full ciphertexts and 3616
    [InlineData(1, 5, 0, 1)]
    [InlineData(11, 5, 0, 3)]
    public void UsedCoefficientsCountOnlyWhatCarriesValues(int length, int lanes, int index, int expected) =>
        Assert.Equal(expected, AggregationPlanner.UsedCoefficients(8192, length, lanes, index));

    [Fact]
    public void PackedEncodingRoundTripsExactlyAtTheExtremesAndRefusesValuesBeyondTheBias()
    {
        PackedBfvAggregationPlan plan = AggregationPlanner.PlanPackedBfv(100_000, Defaults(10), sharedSeedUploads: true);
        var encoder = new PackedBfvEncoder(plan.Parameters, plan.Bias);
        long b = plan.Bias;
        long[] values = Enumerable.Range(0, encoder.Capacity).Select(i => (i % 5) switch
        {
            0 => b,
            1 => -b,
            2 => 0,
            3 => b - 1,
            _ => -b + 1,
        }).ToArray();
        var decoded = new long[values.Length];
        encoder.Decode(encoder.Encode(values), 1, decoded);
        Assert.Equal(values, decoded);

        // A short last chunk: the padding lanes decode to 0 and are not written.
        var shortDecoded = new long[7];
        encoder.Decode(encoder.Encode(values.AsSpan(0, 7)), 1, shortDecoded);
        Assert.Equal(values.AsSpan(0, 7).ToArray(), shortDecoded);

        Assert.Throws<ArgumentException>(() => encoder.Encode([b + 1]));
        Assert.Throws<ArgumentException>(() => encoder.Encode([-b - 1]));
        Assert.Throws<ArgumentException>(() => encoder.Encode(new long[encoder.Capacity + 1]));
    }

    /// <summary>
    /// The no-carry argument at its bound: 10 sites (the plan's n) all submit +bias in some lanes (lane sum 2·n·bias,
    /// the largest possible) and −bias in others (lane sum 0, next to a wrap below zero), uploads under their own key
    /// shares with a common seeded c1, threshold decryption with the plan's smudging; every value comes back exactly.
    /// </summary>
    [Fact]
    public void SumOfTenSitesAtTheBoundDecryptsExactlyUnderThresholdSmudgedDecryption()
    {
        const int sites = 10, threshold = 6;
        PackedBfvAggregationPlan plan = AggregationPlanner.PlanPackedBfv(100_000, Defaults(sites), sharedSeedUploads: true);
        PackedBfvParameters p = plan.Parameters;
        var encoder = new PackedBfvEncoder(p, plan.Bias);
        int lanes = p.Lanes;
        long b = plan.Bias;
        long[] values = Enumerable.Range(0, encoder.Capacity).Select(i => ((i / lanes) % 3) switch
        {
            0 => b,                                   // every lane of the coefficient full: M close to t
            1 => -b,                                  // every lane empty: M = 0, noise may wrap below zero
            _ => (i % lanes) % 2 == 0 ? b : -b,       // alternating full and empty lanes
        }).ToArray();

        AdditiveKeyShare[] keys = Enumerable.Range(0, sites).Select(_ => AdditiveKeyShare.FromSecretKey(new KeyGenerator(p).CreateSecretKey())).ToArray();
        var sharing = new ShamirKeySharing(p, threshold, sites);
        IReadOnlyList<ShamirShare>[] dealt = keys.Select((k, i) => sharing.Split(k, i + 1)).ToArray();
        DealerShareSet[] received = Enumerable.Range(0, sites).Select(j => new DealerShareSet(p, threshold, sites, j + 1, dealt.Select(d => d[j]))).ToArray();
        try
        {
            byte[] seed = Prng.NewSeed();
            Plaintext pt = encoder.Encode(values);
            var evaluator = new Evaluator(p);
            Ciphertext? sum = null;
            foreach (AdditiveKeyShare k in keys)
            {
                Ciphertext ct = new Encryptor(p, k.Secret).EncryptWithSharedSeed(pt, seed);
                if (sum is null)
                {
                    sum = ct;
                }
                else
                {
                    evaluator.AddSharedC1InPlace(sum, ct);
                }
            }

            int[] contributors = Enumerable.Range(1, sites).ToArray();
            int[] active = [2, 3, 5, 7, 8, 10];
            var dec = new CollectiveDecryptionProtocol(p, plan.SmudgingBits);
            DecryptionShare agg = dec.AggregateShares(active.Select(j =>
            {
                using ThresholdKeyShare share = received[j - 1].ForDealers(contributors);
                return dec.GenerateShare(share, active, sum!);
            }));
            var decoded = new long[values.Length];
            encoder.Decode(dec.Finalize(sum!, agg), sites, decoded);
            for (int i = 0; i < values.Length; i++)
            {
                Assert.True(sites * values[i] == decoded[i], $"value {i}: {decoded[i]}, expected {sites * values[i]}");
            }
        }
        finally
        {
            foreach (AdditiveKeyShare k in keys)
            {
                k.Dispose();
            }

            foreach (DealerShareSet s in received)
            {
                s.Dispose();
            }
        }
    }
}
