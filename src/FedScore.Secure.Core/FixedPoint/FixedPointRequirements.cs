namespace FedScore.Secure.FixedPoint;

/// <summary>
/// What a round must carry without wrap-around: every element's magnitude bound (the clipping bound), how many
/// sites add their vectors, how large a site's private weight may be, and the wanted precision of the final sum.
/// Build one with <see cref="ForAbsoluteError"/>, <see cref="ForFractionalBits"/> or <see cref="ForIntegers"/>,
/// then turn it into a <see cref="FixedPointPlan"/> with <see cref="FixedPointPlanner.Plan"/>.
/// </summary>
public sealed record FixedPointRequirements
{
    private FixedPointRequirements(double maxAbsValue, int sites, double maxWeight, double? maxAbsError, int? fractionalBits, bool integerInputs = false)
    {
        IntegerInputs = integerInputs;
        MaxAbsValue = maxAbsValue;
        Sites = sites;
        MaxWeight = maxWeight;
        MaxAbsError = maxAbsError;
        FractionalBits = fractionalBits;
    }

    /// <summary>Bound on |x| for every element a site submits, before weighting (the clipping bound).</summary>
    public double MaxAbsValue { get; init; }

    /// <summary>How many sites may contribute to one sum.</summary>
    public int Sites { get; init; }

    /// <summary>Bound on each site's private weight w (inputs are w·x); 1 for unweighted sums.</summary>
    public double MaxWeight { get; init; }

    /// <summary>Wanted bound on |decoded sum − exact weighted sum|, or null when <see cref="FractionalBits"/> is set.</summary>
    public double? MaxAbsError { get; init; }

    /// <summary>Fixed resolution 2^-f, or null when <see cref="MaxAbsError"/> is set.</summary>
    public int? FractionalBits { get; init; }

    /// <summary>Values and weights are integers (counts): the sum is exact and the codec refuses fractions.</summary>
    public bool IntegerInputs { get; init; }

    /// <summary>Largest modulus, in bits, the scheme's container offers (64 for masking words, a slot width for Paillier).</summary>
    public int MaxModulusBits { get; init; } = 64;

    /// <summary>Sums of reals whose decoded total must be within <paramref name="maxAbsError"/> of the exact total.</summary>
    public static FixedPointRequirements ForAbsoluteError(double maxAbsValue, int sites, double maxAbsError, double maxWeight = 1) =>
        new(maxAbsValue, sites, maxWeight, maxAbsError, null);

    /// <summary>Sums at a fixed resolution of 2^-<paramref name="fractionalBits"/> per element.</summary>
    public static FixedPointRequirements ForFractionalBits(double maxAbsValue, int sites, int fractionalBits, double maxWeight = 1) =>
        new(maxAbsValue, sites, maxWeight, null, fractionalBits);

    /// <summary>Exact sums of integers (counts, histograms): resolution 1, no rounding error.</summary>
    public static FixedPointRequirements ForIntegers(double maxAbsValue, int sites, double maxWeight = 1) =>
        new(maxAbsValue, sites, maxWeight, null, 0, integerInputs: true);
}
