using FedScore.Secure.Crypto.Lattice.Bfv;
using FedScore.Secure.Crypto.Lattice.Ckks;
using FedScore.Secure.Crypto.Lattice.Rlwe;
using FedScore.Secure.FixedPoint;

namespace FedScore.Secure.Crypto.Lattice.Multiparty;

/// <summary>A CKKS set-up for one additive aggregation: parameters, scale, smudging and the guaranteed error.</summary>
public sealed record CkksAggregationPlan(
    CkksParameters Parameters,
    double Scale,
    int SmudgingBits,
    int ValuesPerCiphertext,
    int Ciphertexts,
    double NoiseBound,
    double ErrorBound);

/// <summary>A BFV set-up for one additive aggregation of fixed-point integers q = round(w·x·2^f).</summary>
public sealed record BfvAggregationPlan(
    BfvParameters Parameters,
    FixedPointPlan FixedPoint,
    int SmudgingBits,
    int ValuesPerCiphertext,
    int Ciphertexts,
    double NoiseBound,
    double ErrorBound);

/// <summary>
/// A packed-BFV set-up: fixed-point integers q = round(w·x·2^f), |q| ≤ <see cref="Bias"/>, several per coefficient.
/// </summary>
public sealed record PackedBfvAggregationPlan(
    PackedBfvParameters Parameters,
    FixedPointPlan FixedPoint,
    long Bias,
    int SmudgingBits,
    int ValuesPerCiphertext,
    int Ciphertexts,
    int BytesPerCiphertext,
    double NoiseBound,
    double ErrorBound);

/// <summary>
/// Chooses the smallest ring (N = 1024 … 32768) whose 128-bit-secure modulus holds the aggregate plus the noise of
/// <c>sites</c> fresh encryptions under a key of <c>sites</c> parties and <c>sites</c> smudged decryption shares
/// (<see cref="NoiseBounds"/>). Values are coefficient-encoded (N per ciphertext). Deterministic: every party that
/// plans with the same inputs gets the same parameter set (and id).
/// </summary>
public static class AggregationPlanner
{
    /// <summary>Default statistical security λ of the decryption-share smudging.</summary>
    public const int DefaultStatisticalSecurity = 40;

    /// <summary>
    /// With <c>sharedSeedUploads</c> the noise is that of shared-seed symmetric uploads under additive key shares
    /// (<see cref="NoiseBounds.SharedSeedCiphertextNoise"/>) instead of public-key encryptions under the collective key.
    /// CKKS: Δ = 2^⌈log2((B_dec + n/2)/ε)⌉ so that noise and the n sites' rounding stay within ε (the requested
    /// <see cref="FixedPointRequirements.MaxAbsError"/>, or 2^-(f+1)·n for a fractional-bit requirement); Q must exceed
    /// 2·(Δ·n·W·B + B_dec) by a safety bit. ErrorBound adds the double-precision terms (n·W·B·2^-49).
    /// </summary>
    public static CkksAggregationPlan PlanCkks(int length, FixedPointRequirements requirements, int statisticalSecurity = DefaultStatisticalSecurity, bool sharedSeedUploads = false)
    {
        ArgumentNullException.ThrowIfNull(requirements);
        CheckLength(length);
        int sites = requirements.Sites;
        double maxSum = sites * requirements.MaxWeight * requirements.MaxAbsValue;
        double epsilon = requirements.MaxAbsError ?? sites * Math.ScaleB(1, -(requirements.FractionalBits ?? 20) - 1);
        double floatError = maxSum * Math.ScaleB(1, -49);
        if (!(epsilon > floatError * 2))
        {
            throw new ArgumentException($"requested error {epsilon} is below double precision for sums up to {maxSum}");
        }

        for (int logN = 10; logN <= 15; logN++)
        {
            int n = 1 << logN;
            double bCt = sharedSeedUploads ? NoiseBounds.SharedSeedCiphertextNoise(sites) : NoiseBounds.CiphertextNoise(n, sites, sites);
            int smudge = NoiseBounds.SmudgingBits(n, bCt, statisticalSecurity);
            double bDec = NoiseBounds.DecryptedNoise(bCt, sites, smudge);
            double logScale = Math.Ceiling(Math.Log2((bDec + sites * 0.5) / (epsilon - floatError)));
            double scale = Math.ScaleB(1, (int)logScale);
            double needBits = Math.Log2(scale * Math.Max(maxSum, 1) + bDec) + 3;
            int[]? logQ = SplitModulus(needBits, SecurityStandard.MaxLog2Q128(n));
            if (logQ is null)
            {
                continue;
            }

            var p = CkksParameters.Create(new CkksParametersLiteral { LogN = logN, LogQ = logQ, LogScale = logScale });
            double errorBound = (bDec + sites * 0.5) / scale + floatError;
            return new CkksAggregationPlan(p, scale, smudge, n, (length + n - 1) / n, bDec, errorBound);
        }

        throw new ArgumentException("no 128-bit-secure ring up to N = 32768 holds this aggregate; relax precision or bounds");
    }

    /// <summary>
    /// BFV: fixed-point plan from <see cref="FixedPointPlanner"/> (capped at 59 bits so t = 2^SumBits stays ≤ 60 bits), t = 2^SumBits so the signed sum
    /// never wraps; Q must satisfy B_dec + t·n &lt; Δ/2 with Δ = ⌊Q/t⌋ (the t·n term bounds the (Q mod t) wrap of sums).
    /// </summary>
    public static BfvAggregationPlan PlanBfv(int length, FixedPointRequirements requirements, int statisticalSecurity = DefaultStatisticalSecurity)
    {
        ArgumentNullException.ThrowIfNull(requirements);
        CheckLength(length);
        FixedPointPlan fp = FixedPointPlanner.Plan(requirements with { MaxModulusBits = Math.Min(requirements.MaxModulusBits, 59) });
        int sites = requirements.Sites;
        ulong t = 1UL << fp.SumBits;
        for (int logN = 10; logN <= 15; logN++)
        {
            int n = 1 << logN;
            double bCt = NoiseBounds.CiphertextNoise(n, sites, sites);
            int smudge = NoiseBounds.SmudgingBits(n, bCt, statisticalSecurity);
            double bDec = NoiseBounds.DecryptedNoise(bCt, sites, smudge);
            double needBits = fp.SumBits + 1 + Math.Log2(bDec + (double)t * sites) + 2;
            int[]? logQ = SplitModulus(needBits, SecurityStandard.MaxLog2Q128(n));
            if (logQ is null)
            {
                continue;
            }

            var p = BfvParameters.Create(new BfvParametersLiteral { LogN = logN, LogQ = logQ, PlainModulus = t });
            return new BfvAggregationPlan(p, fp, smudge, n, (length + n - 1) / n, bDec, fp.ErrorBound);
        }

        throw new ArgumentException("no 128-bit-secure ring up to N = 32768 holds this aggregate; relax the bounds");
    }

    /// <summary>
    /// Packed BFV: lanes of w = bits(2·n·bias) bits, bias = max |q| per site; t = 2^(lanes·w) as large as the noise
    /// allows (B_dec &lt; Δ/2 with a safety bit, Δ = ⌊Q/t⌋); among N = 1024 … 32768 with the full 128-bit modulus the
    /// one with the fewest total bytes for <paramref name="length"/> values wins (ties: smaller N).
    /// </summary>
    public static PackedBfvAggregationPlan PlanPackedBfv(int length, FixedPointRequirements requirements, int statisticalSecurity = DefaultStatisticalSecurity, bool sharedSeedUploads = false)
    {
        ArgumentNullException.ThrowIfNull(requirements);
        CheckLength(length);
        FixedPointPlan fp = FixedPointPlanner.Plan(requirements with { MaxModulusBits = Math.Min(requirements.MaxModulusBits, 62) });
        int sites = requirements.Sites;
        double perSite = requirements.MaxWeight * requirements.MaxAbsValue * fp.Scale;
        long bias = (long)Math.Floor(requirements.IntegerInputs ? perSite : perSite + 0.5);
        double laneMax = 2.0 * sites * Math.Max(bias, 1);
        int w = (int)Math.Floor(Math.Log2(laneMax)) + 1;
        if (w > 62)
        {
            throw new ArgumentException($"a lane would need {w} bits; relax precision or bounds");
        }

        PackedBfvAggregationPlan? best = null;
        long bestBytes = long.MaxValue;
        for (int logN = 10; logN <= 15; logN++)
        {
            int n = 1 << logN;
            int max = SecurityStandard.MaxLog2Q128(n);
            int l = (max + 59) / 60;
            int bits = max / l;
            if (bits < 20)
            {
                continue;
            }

            int[] logQ = Enumerable.Repeat(bits, l).ToArray();
            double log2Q = Ring.Primes.Generate(logQ, n).Sum(q => Math.Log2(q));
            double bCt = sharedSeedUploads ? NoiseBounds.SharedSeedCiphertextNoise(sites) : NoiseBounds.CiphertextNoise(n, sites, sites);
            int smudge = NoiseBounds.SmudgingBits(n, bCt, statisticalSecurity);
            double bDec = NoiseBounds.DecryptedNoise(bCt, sites, smudge);
            int k = (int)Math.Floor(log2Q - Math.Log2(bDec) - 3);
            int lanes = Math.Min(k / w, 1 << 20);
            if (lanes < 1 || lanes * w > log2Q - 20)
            {
                continue;
            }

            int perCt = n * lanes;
            int cts = (int)(((long)length + perCt - 1) / perCt);
            int ctBytes = 2 * (int)(((long)n * bits * l + 7) / 8);
            long total = (long)cts * ctBytes;
            if (total < bestBytes)
            {
                var p = PackedBfvParameters.Create(new PackedBfvParametersLiteral { LogN = logN, LogQ = logQ, PlainBits = lanes * w, LaneBits = w });
                best = new PackedBfvAggregationPlan(p, fp, bias, smudge, perCt, cts, ctBytes, bDec, fp.ErrorBound);
                bestBytes = total;
            }
        }

        return best ?? throw new ArgumentException("no 128-bit-secure ring up to N = 32768 holds this aggregate; relax the bounds");
    }

    /// <summary>
    /// Prime sizes whose product is at least 2^needBits (a b-bit prime exceeds 2^(b−1)), each ≤ 60 bits, with Σ b
    /// within the security bound; null when impossible.
    /// </summary>
    internal static int[]? SplitModulus(double needBits, int maxLog2Q)
    {
        int need = (int)Math.Ceiling(needBits);
        for (int l = 1; l <= 16; l++)
        {
            int bits = (int)Math.Ceiling((double)need / l) + 1;
            if (bits > 60)
            {
                continue;
            }

            bits = Math.Max(bits, 20);
            return bits * l <= maxLog2Q ? Enumerable.Repeat(bits, l).ToArray() : null;
        }

        return null;
    }

    private static void CheckLength(int length)
    {
        if (length < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(length), "length must be positive");
        }
    }
}
