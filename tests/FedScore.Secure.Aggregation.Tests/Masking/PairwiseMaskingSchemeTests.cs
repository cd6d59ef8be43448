using FedScore.Secure.Aggregation.Masking;
using FedScore.Secure.Aggregation.Simulation;
using static FedScore.Secure.Aggregation.Tests.Masking.MaskingTestKit;

namespace FedScore.Secure.Aggregation.Tests.Masking;

public class PairwiseMaskingSchemeTests
{
    [Theory]
    [InlineData(MaskingVariant.SecAgg, 3)]
    [InlineData(MaskingVariant.SecAgg, 10)]
    [InlineData(MaskingVariant.SecAgg, 50)]
    [InlineData(MaskingVariant.SecAggPlus, 3)]
    [InlineData(MaskingVariant.SecAggPlus, 10)]
    [InlineData(MaskingVariant.SecAggPlus, 50)]
    public void MasksCancelWhenNoSiteDropsOut(MaskingVariant variant, int n)
    {
        SessionConfig config = Session(n);
        const int length = 37;
        var inputs = RealInputs(config, length, seed: n);
        using var sim = new AggregationSimulator(Scheme(variant), config);
        SimulatedRound round = sim.Run(RealSpec(config, length), inputs);
        AssertSumOfSurvivors(round.Result, inputs, config.Sites, length);
        Assert.Empty(round.Result.Dropped);
        Assert.Empty(round.Result.Violations);
    }

    [Theory]
    [InlineData(MaskingVariant.SecAgg)]
    [InlineData(MaskingVariant.SecAggPlus)]
    public void IntegerSumsAreExact(MaskingVariant variant)
    {
        SessionConfig config = Session(20);
        var inputs = IntegerInputs(config, 50, seed: 7);
        using var sim = new AggregationSimulator(Scheme(variant), config);
        AggregationResult result = sim.Run(IntegerSpec(config, 50), inputs).Result;
        Assert.Equal(0, result.ErrorBound);
        Assert.Equal(PlainSum(inputs, config.Sites, 50), result.Sum);
    }

    [Theory]
    [InlineData(MaskingVariant.SecAgg)]
    [InlineData(MaskingVariant.SecAggPlus)]
    public void WeightedSumUsesPrivateWeightsThatAreNeverSent(MaskingVariant variant)
    {
        SessionConfig config = Session(6);
        var inputs = RealInputs(config, 16, seed: 3, weighted: true);
        using var sim = new AggregationSimulator(Scheme(variant), config);
        AggregationResult result = sim.Run(RealSpec(config, 16, maxWeight: 4), inputs).Result;
        AssertSumOfSurvivors(result, inputs, config.Sites, 16);
    }

    [Fact]
    public void SixtyFourBitWordsAreUsedWhenThePlanDoesNotFit32Bits()
    {
        SessionConfig config = Session(5);
        var spec = new RoundSpec("r64", 9, FixedPoint.FixedPointRequirements.ForAbsoluteError(10, 5, 1e-9));
        var inputs = RealInputs(config, 9, seed: 11);
        using var sim = new AggregationSimulator(Scheme(MaskingVariant.SecAgg), config);
        AggregationResult result = sim.Run(spec, inputs).Result;
        AssertSumOfSurvivors(result, inputs, config.Sites, 9);
        // 9 words of 8 bytes must be in the masked upload.
        Assert.All(sim.Transcript.Received.Where(e => e.Stage == "upload"), e => Assert.True(e.Bytes.Length > 9 * 8));
    }

    // Stage indices: 0 = before advertising keys, 1 = advertised but did not share (before key sharing),
    // 2 = shared keys but no masked upload (after sharing), 3 = uploaded but silent during unmasking.
    [Theory]
    [InlineData(MaskingVariant.SecAgg, 0)]
    [InlineData(MaskingVariant.SecAgg, 1)]
    [InlineData(MaskingVariant.SecAgg, 2)]
    [InlineData(MaskingVariant.SecAgg, 3)]
    [InlineData(MaskingVariant.SecAggPlus, 0)]
    [InlineData(MaskingVariant.SecAggPlus, 1)]
    [InlineData(MaskingVariant.SecAggPlus, 2)]
    [InlineData(MaskingVariant.SecAggPlus, 3)]
    public void DropoutsAtEachStageAreRecoveredExactly(MaskingVariant variant, int stage)
    {
        SessionConfig config = Session(40, threshold: 21);
        var inputs = IntegerInputs(config, 33, seed: stage);
        var dropouts = DropoutSchedule.Random(config.Sites, 4, stage, new Random(stage + 100));
        using var sim = new AggregationSimulator(Scheme(variant), config);
        AggregationResult result = sim.Run(IntegerSpec(config, 33), inputs, dropouts).Result;

        // A site silent from the unmasking stage on has already uploaded: its input is in the sum.
        var expected = stage == 3 ? config.Sites : config.Sites.Where(s => !dropouts.DropAt.ContainsKey(s)).ToList();
        Assert.Equal(PlainSum(inputs, expected, 33), result.Sum);
        Assert.Equal(expected.Order().ToArray(), result.Contributors.ToArray());
    }

    [Theory]
    [InlineData(MaskingVariant.SecAgg)]
    [InlineData(MaskingVariant.SecAggPlus)]
    public void DropoutsSpreadOverAllStagesAreRecovered(MaskingVariant variant)
    {
        SessionConfig config = Session(30, threshold: 16);
        var inputs = RealInputs(config, 20, seed: 5);
        var dropouts = new DropoutSchedule().Drop("site-001", 0).Drop("site-007", 1).Drop("site-013", 2).Drop("site-020", 3).Drop("site-021", 2);
        using var sim = new AggregationSimulator(Scheme(variant), config);
        AggregationResult result = sim.Run(RealSpec(config, 20), inputs, dropouts).Result;
        var expected = config.Sites.Where(s => s.Value is not ("site-001" or "site-007" or "site-013" or "site-021")).ToList();
        AssertSumOfSurvivors(result, inputs, expected, 20);
    }

    [Theory]
    [InlineData(MaskingVariant.SecAgg, 0)]
    [InlineData(MaskingVariant.SecAgg, 2)]
    [InlineData(MaskingVariant.SecAgg, 3)]
    [InlineData(MaskingVariant.SecAggPlus, 2)]
    public void FewerThanThresholdSurvivorsFailCleanlyNamingTheMissingSites(MaskingVariant variant, int stage)
    {
        SessionConfig config = Session(7, threshold: 5);
        var inputs = IntegerInputs(config, 8, seed: 1);
        var dropouts = new DropoutSchedule().Drop("site-002", stage).Drop("site-004", stage).Drop("site-005", stage);
        using var sim = new AggregationSimulator(Scheme(variant), config);
        var e = Assert.Throws<AggregationFailedException>(() => sim.Run(IntegerSpec(config, 8), inputs, dropouts));
        Assert.Contains(new ParticipantId("site-002"), e.Missing);
        Assert.Contains(new ParticipantId("site-005"), e.Missing);
        Assert.Contains("site-004", e.Message);
        Assert.Null(sim.Server.Result);
        if (stage < 3)
        {
            // The server noticed before asking for any share: nothing that could unmask a vector was revealed.
            Assert.DoesNotContain(sim.Transcript.Entries, x => x.Stage == "unmasking");
        }
    }

    [Fact]
    public void MaskedUploadsLookUniformForAFixedInput()
    {
        SessionConfig config = Session(6);
        const int length = 4096;
        // Every site sends the same constant vector: without masks the bytes would be one repeated pattern.
        var inputs = config.Sites.ToDictionary(s => s, _ => new SiteInput(Enumerable.Repeat(1.0, length).ToArray()));
        using var sim = new AggregationSimulator(Scheme(MaskingVariant.SecAgg), config);
        sim.Run(IntegerSpec(config, length), inputs);
        var uploads = sim.Transcript.Received.Where(e => e.Stage == "upload").ToList();
        Assert.Equal(6, uploads.Count);

        var counts = new long[256];
        long bits = 0, ones = 0;
        foreach (var u in uploads)
        {
            // The vector is the last length·4 bytes of the message.
            foreach (byte b in u.Bytes.AsSpan(u.Bytes.Length - length * 4))
            {
                counts[b]++;
                ones += System.Numerics.BitOperations.PopCount(b);
                bits += 8;
            }
        }

        double total = counts.Sum();
        double expected = total / 256;
        double chi2 = counts.Sum(c => (c - expected) * (c - expected) / expected);
        // 255 degrees of freedom: mean 255, sd ≈ 22.6; 400 is ≈ 6.4 sd (false alarm < 1e-9), a constant input gives ~10^7.
        Assert.InRange(chi2, 120, 400);
        double z = (ones - bits / 2.0) / Math.Sqrt(bits / 4.0);
        Assert.InRange(z, -6, 6);
    }

    [Fact]
    public void SchemeNamesAndThreatModelsAreSet()
    {
        Assert.Equal("masking", PairwiseMaskingScheme.SecAgg().Name);
        Assert.Equal("secagg+", PairwiseMaskingScheme.SecAggPlus().Name);
        Assert.False(string.IsNullOrWhiteSpace(PairwiseMaskingScheme.SecAggPlus().ThreatModel));
    }
}
