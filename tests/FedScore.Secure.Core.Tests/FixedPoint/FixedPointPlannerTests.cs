using FedScore.Secure.FixedPoint;

namespace FedScore.Secure.Core.Tests.FixedPoint;

public class FixedPointPlannerTests
{
    [Fact]
    public void PlanMeetsTheRequestedErrorAndLeavesNoRoomForWrapAround()
    {
        FixedPointPlan plan = FixedPointPlanner.Plan(FixedPointRequirements.ForAbsoluteError(maxAbsValue: 10, sites: 100, maxAbsError: 1e-6));

        Assert.True(plan.ErrorBound <= 1e-6, $"error bound {plan.ErrorBound}");
        // The worst-case integer sum must fit the signed range of SumBits bits…
        Assert.True(plan.MaxAbsSumInteger < Math.ScaleB(1.0, plan.SumBits - 1));
        // …and SumBits is the smallest such width.
        Assert.True(plan.MaxAbsSumInteger >= Math.ScaleB(1.0, plan.SumBits - 2));
    }

    [Fact]
    public void IntegerPlansAreExact()
    {
        FixedPointPlan plan = FixedPointPlanner.Plan(FixedPointRequirements.ForIntegers(maxAbsValue: 1000, sites: 10));

        Assert.Equal(0, plan.FractionalBits);
        Assert.Equal(0, plan.ErrorBound);
        Assert.Equal(10_000, plan.MaxAbsSumInteger);
        Assert.Equal(15, plan.SumBits); // 2^14 = 16384 > 10000 ≥ 2^13
    }

    [Fact]
    public void ImpossiblePlanNamesTheInputToChange()
    {
        var requirements = FixedPointRequirements.ForAbsoluteError(maxAbsValue: 1e12, sites: 500, maxAbsError: 1e-9, maxWeight: 1e6);

        var e = Assert.Throws<FixedPointPlanException>(() => FixedPointPlanner.Plan(requirements));

        Assert.Equal("MaxAbsValue", e.Input);
        Assert.Contains("lower MaxAbsValue", e.Message);
        Assert.Contains("loosen MaxAbsError", e.Message);
        Assert.Contains("needs", e.Message);
    }

    [Fact]
    public void PlanRespectsASmallerContainer()
    {
        var fits = FixedPointRequirements.ForIntegers(maxAbsValue: 1000, sites: 10) with { MaxModulusBits = 16 };
        var wraps = FixedPointRequirements.ForIntegers(maxAbsValue: 1000, sites: 100) with { MaxModulusBits = 16 };

        Assert.Equal(15, FixedPointPlanner.Plan(fits).SumBits);
        Assert.Throws<FixedPointPlanException>(() => FixedPointPlanner.Plan(wraps));
    }

    [Theory]
    [InlineData(double.NaN, 3, 1.0)]
    [InlineData(-1.0, 3, 1.0)]
    [InlineData(1.0, 0, 1.0)]
    [InlineData(1.0, 3, 0.0)]
    public void InvalidRequirementsAreRefused(double bound, int sites, double weight)
    {
        var r = FixedPointRequirements.ForAbsoluteError(bound, sites, 1e-3, weight);

        Assert.Throws<FixedPointPlanException>(() => FixedPointPlanner.Plan(r));
    }

    [Fact]
    public void RequirementsWithoutAPrecisionAreRefused()
    {
        var r = FixedPointRequirements.ForIntegers(10, 3) with { FractionalBits = null };

        var e = Assert.Throws<FixedPointPlanException>(() => FixedPointPlanner.Plan(r));
        Assert.Equal("MaxAbsError", e.Input);
    }
}
