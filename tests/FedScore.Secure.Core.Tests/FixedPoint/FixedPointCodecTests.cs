using CsCheck;
using FedScore.Secure.FixedPoint;

namespace FedScore.Secure.Core.Tests.FixedPoint;

public class FixedPointCodecTests
{
    [Fact]
    public void ModularSumOfEncodedVectorsDecodesWithinTheErrorBound()
    {
        // Property: for any sites' vectors within the bound and weights within [0, W], the decoded modular sum is within
        // ErrorBound of the exact weighted sum — in a 2^SumBits container, i.e. with no bit to spare.
        Gen.Int[1, 20].SelectMany(n => Gen.Double[-50, 50].Array[n].Array[3].Select(Gen.Double[0, 4].Array[3], (x, w) => (n, x, w)))
            .Sample(t =>
            {
                (int n, double[][] x, double[] w) = t;
                FixedPointPlan plan = FixedPointPlanner.Plan(FixedPointRequirements.ForAbsoluteError(50, 3, 1e-4, maxWeight: 4));
                var codec = new FixedPointCodec(plan);
                int bits = plan.SumBits;
                ulong mask = bits == 64 ? ulong.MaxValue : (1UL << bits) - 1;
                var acc = new ulong[n];
                var enc = new ulong[n];
                var exact = new double[n];
                for (int s = 0; s < 3; s++)
                {
                    codec.Encode(x[s], w[s], enc);
                    for (int i = 0; i < n; i++)
                    {
                        acc[i] = unchecked(acc[i] + enc[i]) & mask;
                        exact[i] += w[s] * x[s][i];
                    }
                }

                var decoded = new double[n];
                codec.Decode(acc, bits, decoded);
                for (int i = 0; i < n; i++)
                {
                    Assert.True(Math.Abs(decoded[i] - exact[i]) <= plan.ErrorBound, $"|{decoded[i]} − {exact[i]}| > {plan.ErrorBound}");
                }
            });
    }

    [Fact]
    public void ExtremeSumsAtTheBoundDoNotWrap()
    {
        FixedPointPlan plan = FixedPointPlanner.Plan(FixedPointRequirements.ForIntegers(maxAbsValue: 1000, sites: 10));
        var codec = new FixedPointCodec(plan);
        var one = new ulong[2];
        codec.Encode([-1000, 1000], 1, one);
        ulong mask = (1UL << plan.SumBits) - 1;
        var acc = new ulong[2];
        for (int s = 0; s < 10; s++)
        {
            acc[0] = unchecked(acc[0] + one[0]) & mask;
            acc[1] = unchecked(acc[1] + one[1]) & mask;
        }

        var decoded = new double[2];
        codec.Decode(acc, plan.SumBits, decoded);

        Assert.Equal([-10_000.0, 10_000.0], decoded);
    }

    [Fact]
    public void ValueOutsideTheBoundIsRejectedNamingTheIndexButNotTheValue()
    {
        var codec = new FixedPointCodec(FixedPointPlanner.Plan(FixedPointRequirements.ForFractionalBits(1, 3, 16)));

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => codec.Encode([0.5, 123.456], 1, new ulong[2]));

        Assert.Contains("element 1", e.Message);
        Assert.DoesNotContain("123.456", e.Message);
    }

    [Fact]
    public void ClipPolicyClipsAndCounts()
    {
        var codec = new FixedPointCodec(FixedPointPlanner.Plan(FixedPointRequirements.ForFractionalBits(1, 3, 16)), OutOfRangePolicy.Clip);
        var dst = new ulong[3];

        int clipped = codec.Encode([0.5, 7, -9], 1, dst);

        var decoded = new double[3];
        codec.Decode(dst, 64, decoded);
        Assert.Equal(2, clipped);
        Assert.Equal([0.5, 1, -1], decoded);
    }

    [Fact]
    public void NaNIsRejectedEvenWhenClipping()
    {
        var codec = new FixedPointCodec(FixedPointPlanner.Plan(FixedPointRequirements.ForFractionalBits(1, 3, 16)), OutOfRangePolicy.Clip);

        Assert.Throws<ArgumentOutOfRangeException>(() => codec.Encode([double.NaN], 1, new ulong[1]));
    }

    [Fact]
    public void WeightAboveTheDeclaredMaximumIsRejected()
    {
        var codec = new FixedPointCodec(FixedPointPlanner.Plan(FixedPointRequirements.ForFractionalBits(1, 3, 16, maxWeight: 2)));

        Assert.Throws<ArgumentOutOfRangeException>(() => codec.Encode([0.5], 2.5, new ulong[1]));
    }

    [Fact]
    public void IntegerPlanRefusesFractions()
    {
        var codec = new FixedPointCodec(FixedPointPlanner.Plan(FixedPointRequirements.ForIntegers(10, 3)));

        Assert.Throws<ArgumentOutOfRangeException>(() => codec.Encode([1.5], 1, new ulong[1]));
    }

    [Fact]
    public void ResiduesDecodeToTheirCentredRepresentative()
    {
        var codec = new FixedPointCodec(FixedPointPlanner.Plan(FixedPointRequirements.ForIntegers(100, 3)));

        Assert.Equal(-1, codec.DecodeResidue(65536, 65537));
        Assert.Equal(5, codec.DecodeResidue(5, 65537));
        Assert.Throws<ArgumentOutOfRangeException>(() => codec.DecodeResidue(5, 7));
    }

    [Fact]
    public void ThirtyTwoBitEncodingMatchesSixtyFourBitEncodingTruncated()
    {
        var codec = new FixedPointCodec(FixedPointPlanner.Plan(FixedPointRequirements.ForFractionalBits(100, 10, 8)));
        double[] x = [-3.25, 0, 99.99, -100];
        var wide = new ulong[4];
        var narrow = new uint[4];

        codec.Encode(x, 1, wide);
        codec.Encode(x, 1, narrow);

        Assert.Equal(wide.Select(v => unchecked((uint)v)), narrow);
    }
}
