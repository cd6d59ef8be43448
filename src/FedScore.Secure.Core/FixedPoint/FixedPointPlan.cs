namespace FedScore.Secure.FixedPoint;

/// <summary>
/// A checked fixed-point encoding: each site sends q = round(w·x·2^f) as a signed integer modulo 2^<see cref="SumBits"/>
/// (or any larger modulus), and the modular sum of up to <see cref="Sites"/> such integers can never wrap.
/// </summary>
/// <remarks>
/// Bounds (per element): |q_i| ≤ W·B·2^f + 1/2, so |Σ q_i| ≤ n·(W·B·2^f + 1/2) = <see cref="MaxAbsSumInteger"/> and
/// <see cref="SumBits"/> is the smallest k with 2^(k−1) &gt; that bound, i.e. the signed sum fits in k bits.
/// Each site's rounding error is at most 2^-(f+1) (round half to even), so the decoded sum of m ≤ n sites is within
/// m·2^-(f+1) of the exact weighted sum, plus the double-precision error of forming w·x (≤ n·W·B·2^-52) and of
/// converting a sum wider than 53 bits back to double. <see cref="ErrorBound"/> is the sum of these three terms.
/// </remarks>
public sealed record FixedPointPlan
{
    internal FixedPointPlan(FixedPointRequirements requirements, int fractionalBits, int sumBits, double maxAbsSumInteger)
    {
        MaxAbsValue = requirements.MaxAbsValue;
        Sites = requirements.Sites;
        MaxWeight = requirements.MaxWeight;
        IntegerInputs = requirements.IntegerInputs;
        FractionalBits = fractionalBits;
        SumBits = sumBits;
        MaxAbsSumInteger = maxAbsSumInteger;
        Scale = Math.ScaleB(1.0, fractionalBits);

        double rounding = Sites * Math.ScaleB(1.0, -fractionalBits - 1);
        double product = Sites * MaxWeight * MaxAbsValue * Math.ScaleB(1.0, -52);
        double conversion = sumBits > 53 ? Math.ScaleB(1.0, sumBits - 53 - fractionalBits) : 0;
        ErrorBound = IntegerInputs && sumBits <= 53 ? 0 : rounding + product + conversion;
    }

    public double MaxAbsValue { get; }

    public int Sites { get; }

    public double MaxWeight { get; }

    /// <summary>Values and weights must be integers; sums are then exact.</summary>
    public bool IntegerInputs { get; }

    /// <summary>f: values are carried in units of 2^-f.</summary>
    public int FractionalBits { get; }

    /// <summary>2^f.</summary>
    public double Scale { get; }

    /// <summary>Bits a modulus must have (2^SumBits) for the signed sum of all sites never to wrap.</summary>
    public int SumBits { get; }

    /// <summary>Bound on |Σ q_i| over all sites, in integer units.</summary>
    public double MaxAbsSumInteger { get; }

    /// <summary>Guaranteed bound on |decoded sum − exact weighted sum| when inputs respect the declared bounds.</summary>
    /// <remarks>Zero for integer inputs with integer weights (f = 0): such sums are exact.</remarks>
    public double ErrorBound { get; }

    /// <summary>True when a container modulus of 2^<paramref name="bits"/> holds every possible sum.</summary>
    public bool FitsIn(int bits) => bits >= SumBits;
}
