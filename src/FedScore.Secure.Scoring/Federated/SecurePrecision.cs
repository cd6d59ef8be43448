using FedScore.Secure.FixedPoint;

namespace FedScore.Secure.Scoring.Federated;

/// <summary>
/// Fixed-point requirements for FedScore's secure sums. Counts are exact integers. Real-valued statistics declare a
/// bound B on every element of a site's vector (derived from public quantities: pooled n, current β) and ask for an
/// absolute error of B·2^-R with the largest R (≤ <see cref="MaxRelativeBits"/>, what CKKS's doubles allow) whose plan still fits
/// <see cref="MaxSumBits"/> bits — the planner's sum width grows as R + 2·log2(sites), independent of B.
/// </summary>
public static class SecurePrecision
{
    /// <summary>Sums must fit a 64-bit container with two bits to spare.</summary>
    public const int MaxSumBits = 62;

    /// <summary>
    /// Finest relative resolution R every scheme can deliver. CKKS decodes through doubles, so its planner
    /// (AggregationPlanner.PlanCkks) refuses an error ε ≤ 2·sites·W·B·2^-49; with ε = W·B·2^-R that means
    /// R &lt; 48 − log2(sites). Without this cap a request at R = 52 (fine for the exact schemes) made every real-valued
    /// sum — hence `fedscore glm --scheme ckks` — fail. The cap costs nothing measurable (R = 46 for two sites, 43 for ten).
    /// </summary>
    public static int MaxRelativeBits(int sites) =>
        Math.Min(52, 47 - (int)Math.Ceiling(Math.Log2(Math.Max(sites, 1))));

    public static FixedPointRequirements Counts(double maxCount, int sites, double maxWeight = 1) =>
        FixedPointRequirements.ForIntegers(Math.Max(1, Math.Ceiling(maxCount)), sites, maxWeight);

    public static FixedPointRequirements Reals(double bound, int sites, double maxWeight = 1)
    {
        if (!(bound > 0) || !double.IsFinite(bound))
        {
            throw new ArgumentOutOfRangeException(nameof(bound), "the element bound must be positive and finite.");
        }

        for (var r = MaxRelativeBits(sites); r >= 8; r--)
        {
            var req = FixedPointRequirements.ForAbsoluteError(bound, sites, bound * maxWeight * Math.ScaleB(1.0, -r), maxWeight);
            try
            {
                if (FixedPointPlanner.Plan(req).SumBits <= MaxSumBits)
                {
                    return req;
                }
            }
            catch (FixedPointPlanException)
            {
                // try a coarser resolution
            }
        }

        throw new InvalidOperationException($"no fixed-point plan for bound {bound:G4} over {sites} sites.");
    }
}
