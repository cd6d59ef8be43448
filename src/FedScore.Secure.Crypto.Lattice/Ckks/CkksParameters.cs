using System.Globalization;
using System.Text;
using FedScore.Secure.Crypto.Lattice.Rlwe;

namespace FedScore.Secure.Crypto.Lattice.Ckks;

/// <summary>
/// Unchecked description of a CKKS parameter set (Lattigo's ParametersLiteral idea): give either bit sizes
/// (<see cref="LogQ"/>, primes are then generated deterministically as the largest q ≡ 1 mod 2N below 2^bits) or
/// explicit <see cref="Moduli"/>. Turn it into <see cref="CkksParameters"/> with <see cref="CkksParameters.Create"/>.
/// </summary>
public sealed record CkksParametersLiteral
{
    public int LogN { get; init; }

    public int[]? LogQ { get; init; }

    public ulong[]? Moduli { get; init; }

    /// <summary>log2 of the default scale Δ; values are carried as round(Δ·x).</summary>
    public double LogScale { get; init; } = 40;
}

/// <summary>A validated, immutable CKKS parameter set.</summary>
public sealed class CkksParameters : RlweParameters
{
    private CkksParameters(CkksParametersLiteral lit, bool insecure)
        : base(HeScheme.Ckks, lit.LogN, lit.LogQ, lit.Moduli, insecure)
    {
        if (!(lit.LogScale >= 1 && lit.LogScale < Log2Q - 1))
        {
            throw new ArgumentOutOfRangeException(nameof(lit), $"LogScale must be in [1, log2 Q − 1) = [1, {Log2Q - 1}), got {lit.LogScale}");
        }

        LogScale = lit.LogScale;
        Scale = Math.Pow(2, lit.LogScale);
    }

    /// <summary>Validates a literal and refuses anything below 128-bit security.</summary>
    /// <exception cref="ArgumentException">The literal is inconsistent or insecure (the message says which).</exception>
    public static CkksParameters Create(CkksParametersLiteral literal) =>
        new(literal ?? throw new ArgumentNullException(nameof(literal)), insecure: false);

    /// <summary>TEST ONLY: accepts insecure sets (tiny N, oversized Q) for fast tests. Gives no security.</summary>
    public static CkksParameters CreateInsecureForTesting(CkksParametersLiteral literal) =>
        new(literal ?? throw new ArgumentNullException(nameof(literal)), insecure: true);

    public double LogScale { get; }

    /// <summary>Default scale Δ = 2^LogScale.</summary>
    public double Scale { get; }

    /// <summary>Complex slots of the canonical-embedding encoder: N/2.</summary>
    public int Slots => N / 2;

    /// <summary>N = 4096, Q = {60, 49} bits (109, the 128-bit maximum), Δ = 2^40: SEAL's CKKS example shape.</summary>
    public static CkksParameters Example128BitLogN12LogQ109 { get; } =
        Create(new CkksParametersLiteral { LogN = 12, LogQ = [60, 49], LogScale = 40 });

    /// <summary>N = 8192, Q = {60, 40, 40} (140 bits, NVFlare's default shape), Δ = 2^40.</summary>
    public static CkksParameters Example128BitLogN13LogQ140 => s_logN13.Value;

    /// <summary>N = 16384, Q = {60, 40, 40} (140 bits), Δ = 2^40.</summary>
    public static CkksParameters Example128BitLogN14LogQ140 => s_logN14.Value;

    private static readonly Lazy<CkksParameters> s_logN13 = new(() => Create(new CkksParametersLiteral { LogN = 13, LogQ = [60, 40, 40], LogScale = 40 }));
    private static readonly Lazy<CkksParameters> s_logN14 = new(() => Create(new CkksParametersLiteral { LogN = 14, LogQ = [60, 40, 40], LogScale = 40 }));

    private protected override void DescribeSchemeFields(StringBuilder sb) =>
        sb.Append("logScale=").Append(LogScale.ToString("R", CultureInfo.InvariantCulture));
}
