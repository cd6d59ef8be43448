using FedScore.Secure.Aggregation.Lattice;
using FedScore.Secure.Aggregation.Simulation;
using FedScore.Secure.FixedPoint;
using static FedScore.Secure.Aggregation.Tests.Lattice.LatticeTestKit;

namespace FedScore.Secure.Aggregation.Tests.Lattice;

/// <summary>The "ckks" scheme switches to packed fixed-point coefficients when that uploads fewer bytes.</summary>
public sealed class LatticePackingTests
{
    private static FixedPointRequirements SimulateDefaults(int sites) =>
        FixedPointRequirements.ForAbsoluteError(maxAbsValue: 1, sites: sites, maxAbsError: 1e-6);

    [Theory]
    [InlineData(LatticeSchemeKind.Ckks, 10)]
    [InlineData(LatticeSchemeKind.Ckks, 100)]
    [InlineData(LatticeSchemeKind.Bfv, 10)]
    [InlineData(LatticeSchemeKind.Bfv, 100)]
    public void DefaultSimulateRoundUploadsAtMostEightBytesPerValue(LatticeSchemeKind kind, int sites)
    {
        const int length = 100_000;
        LatticeRoundPlan plan = LatticeRoundPlan.For(kind, length, SimulateDefaults(sites));
        Assert.True(plan.Packed);
        double perValue = (double)plan.UploadBytes / length;
        Assert.True(perValue <= 8, $"{perValue:0.00} bytes per value");
        Assert.True(plan.ErrorBound <= 1e-6);
    }

    [Fact]
    public void ShortCkksRoundsKeepTheCoefficientEncoding()
    {
        Assert.False(LatticeRoundPlan.For(LatticeSchemeKind.Ckks, 1, Reals(10)).Packed);
        Assert.True(LatticeRoundPlan.For(LatticeSchemeKind.Ckks, 40, Reals(10)).Packed);
    }

    [Fact]
    public void PackedCkksRoundSumsWithinTheBoundWithSitesDroppingAtUpload()
    {
        SessionConfig config = Session(10, 6);
        const int length = 60_000;
        var spec = new RoundSpec("packed", length, SimulateDefaults(10));
        Assert.True(LatticeRoundPlan.For(LatticeSchemeKind.Ckks, length, spec.Requirements).Packed);
        var inputs = RandomInputs(config, length, 1, 1, seed: 4);
        // Extremes in the first values of every site: the lanes there carry the largest sums.
        foreach (SiteInput input in inputs.Values)
        {
            input.Values[0] = 1;
            input.Values[1] = -1;
        }

        var drops = new DropoutSchedule().Drop("site-03", "upload").Drop("site-09", "upload");
        using var sim = new AggregationSimulator(LatticeAggregationScheme.Ckks(), config);
        AggregationResult result = sim.Run(spec, inputs, drops).Result;
        ParticipantId[] survivors = config.Sites.Where(s => s != "site-03" && s != "site-09").ToArray();
        Assert.Equal(survivors, result.Contributors);
        AssertWithin(PlainSum(inputs, survivors, length), result);
        Assert.Equal(8, result.Sum[0], 9);
        Assert.Equal(-8, result.Sum[1], 9);
    }

    [Theory]
    [InlineData(1.5, 1)]
    [InlineData(double.NaN, 1)]
    [InlineData(0.5, 2)]
    public void PackedCkksRoundRefusesInputsOutsideTheDeclaredBounds(double value, double weight)
    {
        LatticeRoundPlan plan = LatticeRoundPlan.For(LatticeSchemeKind.Ckks, 30_000, SimulateDefaults(3));
        Assert.True(plan.Packed);
        var values = new double[30_000];
        values[12] = value;
        Assert.Throws<ArgumentOutOfRangeException>(() => plan.Prepare(values, weight));
        values[12] = 1;
        Assert.NotNull(plan.Prepare(values, 1).FixedPoint);
    }
}
