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
    /// Packed BFV ("plaintext packing": several messages per coefficient, as slot packing in Paillier aggregation,
    /// e.g. Jost et al., "Encryption performance improvements of the Paillier cryptosystem", IACR ePrint 2015/864,
    /// and the packing of several small integers into one BFV coefficient discussed for SEAL): a coefficient carries
    /// M = Σ_j (q_j + bias)·2^(j·w) times Δ = ⌊Q/t⌋, t = 2^(L·w), L lanes of w = bits(2·n·bias) bits, bias = max |q|
    /// per site. The ciphertext noise (fresh errors plus n smudged decryption shares, <see cref="NoiseBounds"/>) is
    /// paid once per coefficient instead of once per value, which is what brings the wire below one coefficient per
    /// value.
    /// </summary>
    /// <remarks>
    /// <para>No carries (why every lane decodes exactly): each site adds q + bias ∈ [0, 2·bias] to a lane, so the
    /// lane of a sum of S ≤ n sites holds at most 2·n·bias &lt; 2^w (definition of w), and lanes never spill into
    /// their neighbour; hence M = Σ_j lane_j·2^(j·w) &lt; 2^(L·w) = t, so M never wraps modulo t. Decryption gives
    /// x = Δ·M + v with |v| ≤ B_dec, and the planner ensures 8·B_dec ≤ Δ (L·w ≤ log2 Q − log2 B_dec − 3), so
    /// round(x/Δ) = M exactly (see <see cref="PackedBfvEncoder"/>), and Δ·M + B_dec &lt; Δ·t ≤ Q, so nothing wraps
    /// modulo Q. Tested at the bound (every value at ±bias for n sites).</para>
    /// <para>Choice of ring: for every N = 1024 … 32768 the full 128-bit HE-standard modulus and as many lanes as it
    /// holds (so the parameter set depends on the requirements and N only, not on the vector length, and one key
    /// setup serves rounds of every length). Uploads are trimmed (<see cref="Serialization.LatticeSerializer.WriteTrimmedTo"/>):
    /// a round costs ⌈length/L⌉ coefficients of log2 Q bits, i.e. w + (noise bits)/L bits per value, which falls with
    /// N. The one-off key setup grows with N (each site sends n + 1 polynomials of N·log2 Q bits), so the smallest ring
    /// whose upload is within <see cref="SmallerRingTolerance"/> of the fewest bytes is taken.</para>
    /// </remarks>
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

        var perRing = new List<(long Bytes, PackedBfvAggregationPlan Plan)>();
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
            var p = PackedBfvParameters.Create(new PackedBfvParametersLiteral { LogN = logN, LogQ = logQ, PlainBits = lanes * w, LaneBits = w });
            int ctBytes = 2 * Serialization.LatticeSerializer.PolynomialSize(p);
            perRing.Add((UploadBytes(p, length, lanes), new PackedBfvAggregationPlan(p, fp, bias, smudge, perCt, cts, ctBytes, bDec, fp.ErrorBound)));
        }

        if (perRing.Count == 0)
        {
            throw new ArgumentException("no 128-bit-secure ring up to N = 32768 holds this aggregate; relax the bounds");
        }

        long fewest = perRing.Min(c => c.Bytes);
        return perRing.First(c => c.Bytes <= fewest * (1 + SmallerRingTolerance)).Plan;
    }

    /// <summary>
    /// A smaller ring is preferred while its per-round upload is at most this fraction above the fewest bytes
    /// (<see cref="PlanPackedBfv"/>): doubling N at least doubles the one-off key setup (n + 1 polynomials per site),
    /// which a saving of less than a third per round repays only after many rounds.
    /// </summary>
    public const double SmallerRingTolerance = 0.5;

    /// <summary>
    /// Bytes of c0 one site uploads for <paramref name="length"/> values at <paramref name="valuesPerCoefficient"/>
    /// per coefficient in the shared-seed protocol: full ciphertexts, then the last one trimmed to the coefficients it
    /// uses (<see cref="Serialization.LatticeSerializer.WriteTrimmedTo"/>); headers and seeds aside.
    /// </summary>
    public static long UploadBytes(RlweParameters parameters, int length, int valuesPerCoefficient)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (length < 1 || valuesPerCoefficient < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(length), "length and values per coefficient must be positive");
        }

        long coefficients = ((long)length + valuesPerCoefficient - 1) / valuesPerCoefficient;
        long full = coefficients / parameters.N;
        int rest = (int)(coefficients % parameters.N);
        return full * Serialization.LatticeSerializer.PolynomialSize(parameters)
            + (rest > 0 ? Serialization.LatticeSerializer.TrimmedPolynomialSize(parameters, rest) : 0);
    }

    /// <summary>
    /// Coefficients ciphertext <paramref name="index"/> of a vector of <paramref name="length"/> values actually
    /// uses at <paramref name="valuesPerCoefficient"/> values per coefficient (N for all but a short last one).
    /// </summary>
    public static int UsedCoefficients(int n, int length, int valuesPerCoefficient, int index)
    {
        long before = (long)index * n * valuesPerCoefficient;
        long values = Math.Min((long)n * valuesPerCoefficient, length - before);
        if (values < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(index), "no values in that ciphertext");
        }

        return (int)((values + valuesPerCoefficient - 1) / valuesPerCoefficient);
    }

    /// <summary>
    /// Whether the "ckks" aggregation should run in packed mode: the packed fixed-point plan
    /// (<see cref="PlanPackedBfv"/>, exact integer sums, several values per coefficient) uploads fewer bytes than the
    /// coefficient-encoded CKKS plan (<see cref="PlanCkks"/>, one value per coefficient with Δ above the noise). Both
    /// meet the requested error: CKKS by its planned bound, the packed plan by the fixed-point plan's n·2^-(f+1) ≤ ε.
    /// Packing loses only for a handful of values, where a few CKKS coefficients cost less than one packed one.
    /// </summary>
    public static bool PackingPays(int length, CkksAggregationPlan ckks, PackedBfvAggregationPlan packed)
    {
        ArgumentNullException.ThrowIfNull(ckks);
        ArgumentNullException.ThrowIfNull(packed);
        return UploadBytes(packed.Parameters, length, packed.Parameters.Lanes) < UploadBytes(ckks.Parameters, length, 1);
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
