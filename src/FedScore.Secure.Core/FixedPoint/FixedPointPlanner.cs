using System.Globalization;

namespace FedScore.Secure.FixedPoint;

/// <summary>Chooses scale and modulus so that a secure sum can never wrap, or says which input makes that impossible.</summary>
public static class FixedPointPlanner
{
    /// <summary>Per-site encoded integers stay below 2^62 so that they fit a signed 64-bit word with room for rounding.</summary>
    private const int MaxSiteIntegerBits = 62;

    public static FixedPointPlan Plan(FixedPointRequirements requirements)
    {
        ArgumentNullException.ThrowIfNull(requirements);
        Validate(requirements);

        double n = requirements.Sites;
        double w = requirements.MaxWeight;
        double b = requirements.MaxAbsValue;

        int f = requirements.FractionalBits ?? FractionalBitsFor(requirements.MaxAbsError!.Value, requirements.Sites);

        // |Σ q_i| ≤ n·(W·B·2^f + 1/2): the worst case where every site sits at the bound with the largest weight.
        double perSite = w * b * Math.ScaleB(1.0, f);
        double maxSum = n * Math.Floor(requirements.IntegerInputs ? perSite : perSite + 0.5);
        int sumBits = BitsForSigned(maxSum);

        if (perSite >= Math.ScaleB(1.0, MaxSiteIntegerBits) || sumBits > requirements.MaxModulusBits)
        {
            throw Impossible(requirements, f, sumBits);
        }

        return new FixedPointPlan(requirements, f, sumBits, maxSum);
    }

    /// <summary>Smallest f with n·2^-(f+1) ≤ ε, i.e. rounding at every site still meets the wanted error.</summary>
    private static int FractionalBitsFor(double maxAbsError, int sites)
    {
        double f = Math.Ceiling(Math.Log2(sites / (2 * maxAbsError)));
        // Leave one further bit for the double-precision product and conversion terms in the error bound.
        return (int)Math.Clamp(f + 1, -60, 60);
    }

    /// <summary>Smallest k with 2^(k−1) &gt; bound, so the signed range [−2^(k−1), 2^(k−1)) holds ±bound.</summary>
    private static int BitsForSigned(double bound)
    {
        if (bound < 1)
        {
            return 2;
        }

        int k = (int)Math.Floor(Math.Log2(bound)) + 2;
        while (Math.ScaleB(1.0, k - 1) <= bound)
        {
            k++;
        }

        while (k > 2 && Math.ScaleB(1.0, k - 2) > bound)
        {
            k--;
        }

        return k;
    }

    private static void Validate(FixedPointRequirements r)
    {
        if (!double.IsFinite(r.MaxAbsValue) || r.MaxAbsValue <= 0)
        {
            throw new FixedPointPlanException(nameof(r.MaxAbsValue), $"MaxAbsValue must be a positive finite bound on |x|, got {Fmt(r.MaxAbsValue)}");
        }

        if (r.Sites < 1)
        {
            throw new FixedPointPlanException(nameof(r.Sites), $"Sites must be at least 1, got {r.Sites}");
        }

        if (!double.IsFinite(r.MaxWeight) || r.MaxWeight <= 0)
        {
            throw new FixedPointPlanException(nameof(r.MaxWeight), $"MaxWeight must be a positive finite bound on a site's weight, got {Fmt(r.MaxWeight)}");
        }

        if (r.MaxAbsError is null == r.FractionalBits is null)
        {
            throw new FixedPointPlanException(nameof(r.MaxAbsError), "declare exactly one precision: MaxAbsError or FractionalBits");
        }

        if (r.MaxAbsError is { } e && (!double.IsFinite(e) || e <= 0))
        {
            throw new FixedPointPlanException(nameof(r.MaxAbsError), $"MaxAbsError must be positive and finite, got {Fmt(e)}");
        }

        if (r.FractionalBits is { } fb && (fb < -60 || fb > 60))
        {
            throw new FixedPointPlanException(nameof(r.FractionalBits), $"FractionalBits must be in [-60, 60], got {fb}");
        }

        if (r.MaxModulusBits < 2 || r.MaxModulusBits > 4096)
        {
            throw new FixedPointPlanException(nameof(r.MaxModulusBits), $"MaxModulusBits must be in [2, 4096], got {r.MaxModulusBits}");
        }
    }

    private static FixedPointPlanException Impossible(FixedPointRequirements r, int f, int sumBits)
    {
        int limit = Math.Min(r.MaxModulusBits, MaxSiteIntegerBits);
        int excess = Math.Max(1, sumBits - limit);
        double shrink = Math.ScaleB(1.0, excess);
        string precision = r.MaxAbsError is { } e
            ? $"max abs error {Fmt(e)} (resolution 2^{-f})"
            : $"resolution 2^{-f}";
        string changeError = r.MaxAbsError is { } e2
            ? $"loosen MaxAbsError to about {Fmt(e2 * shrink)}"
            : $"lower FractionalBits to {f - excess}";
        string input = r.MaxAbsValue * r.MaxWeight >= r.Sites ? nameof(r.MaxAbsValue) : nameof(r.Sites);
        return new FixedPointPlanException(
            input,
            $"cannot plan a fixed-point sum: {r.Sites} sites × weight ≤ {Fmt(r.MaxWeight)} × |value| ≤ {Fmt(r.MaxAbsValue)} at {precision} " +
            $"needs {sumBits} bits but the container holds {limit}. Change one input: lower MaxAbsValue (clip) to about {Fmt(r.MaxAbsValue / shrink)}, " +
            $"{changeError}, lower MaxWeight to about {Fmt(r.MaxWeight / shrink)}, or use a scheme with a larger modulus.");
    }

    private static string Fmt(double v) => v.ToString("G4", CultureInfo.InvariantCulture);
}
