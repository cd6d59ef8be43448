using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using FedScore.Secure.Crypto.Lattice.Bfv;
using FedScore.Secure.Crypto.Lattice.Ckks;
using FedScore.Secure.Crypto.Lattice.Multiparty;
using FedScore.Secure.Crypto.Lattice.Rlwe;
using FedScore.Secure.FixedPoint;

namespace FedScore.Secure.Aggregation.Lattice;

/// <summary>
/// What one round needs from the lattice library, the same for server and sites: the parameter set (planned
/// deterministically from public inputs, so every party gets the same id), how many ciphertexts carry the vector,
/// how a site encrypts w·x and how the server decodes the decrypted sum. BFV uses
/// <see cref="AggregationPlanner.PlanPackedBfv"/> (fixed-point integers, several lanes per coefficient, exact sums);
/// CKKS uses the same packed plan whenever it uploads fewer bytes and otherwise <see cref="AggregationPlanner.PlanCkks"/>
/// (coefficient encoding, N reals per ciphertext); see <see cref="CreateCkks"/>.
/// </summary>
internal abstract class LatticeRoundPlan
{
    private static readonly ConcurrentDictionary<(LatticeSchemeKind, int, FixedPointRequirements), Lazy<LatticeRoundPlan>> s_cache = new();

    protected LatticeRoundPlan(int length, FixedPointRequirements requirements)
    {
        Length = length;
        Requirements = requirements;
    }

    public int Length { get; }

    public FixedPointRequirements Requirements { get; }

    public abstract RlweParameters Parameters { get; }

    public ParameterSetId Id => Parameters.Id;

    public abstract int SmudgingBits { get; }

    public abstract int Ciphertexts { get; }

    /// <summary>Guaranteed |decoded − exact weighted sum| (planner's bound; 0 for integer BFV plans).</summary>
    public abstract double ErrorBound { get; }

    /// <summary>The scale every fresh upload carries (CKKS Δ; 1 for BFV).</summary>
    public abstract double CiphertextScale { get; }

    /// <summary>True when several fixed-point values share a coefficient (always for "bfv"; for "ckks" when it pays).</summary>
    public abstract bool Packed { get; }

    /// <summary>Values per coefficient: the lanes of a packed plan, 1 for coefficient CKKS.</summary>
    public abstract int ValuesPerCoefficient { get; }

    /// <summary>Bytes one site uploads in the "upload" stage (c0 of every ciphertext, the last one trimmed; seeds and headers aside).</summary>
    public long UploadBytes => AggregationPlanner.UploadBytes(Parameters, Length, ValuesPerCoefficient);

    /// <summary>Coefficients ciphertext <paramref name="index"/> carries (N except for a short last one, which travels trimmed).</summary>
    public int UsedCoefficients(int index) => AggregationPlanner.UsedCoefficients(Parameters.N, Length, ValuesPerCoefficient, index);

    /// <summary>
    /// Plans (or returns the cached plan for) a round. The planners are pure functions of their inputs, so one
    /// process-wide cache serves every party; in a deployment each party computes the same plan on its own.
    /// </summary>
    /// <exception cref="ArgumentException">No 128-bit-secure parameter set holds the round.</exception>
    public static LatticeRoundPlan For(LatticeSchemeKind kind, int length, FixedPointRequirements requirements)
    {
        var key = (kind, length, requirements);
        Lazy<LatticeRoundPlan> lazy = s_cache.GetOrAdd(key, k => new Lazy<LatticeRoundPlan>(() => Create(k.Item1, k.Item2, k.Item3)));
        try
        {
            return lazy.Value;
        }
        catch (ArgumentException)
        {
            s_cache.TryRemove(new KeyValuePair<(LatticeSchemeKind, int, FixedPointRequirements), Lazy<LatticeRoundPlan>>(key, lazy));
            throw;
        }
    }

    /// <summary>
    /// Checks a site's input against the declared bounds before anything leaves the site and prepares it for
    /// encryption. Throws <see cref="ArgumentOutOfRangeException"/> naming the index, never the value.
    /// </summary>
    public abstract PreparedInput Prepare(ReadOnlyMemory<double> values, double weight);

    /// <summary>
    /// Encrypts a prepared input into <see cref="Ciphertexts"/> ciphertexts with a key-share encryptor, ciphertext c
    /// under the shared c1 expanded from <paramref name="seedFor"/>(c) (the planner sized the noise for that).
    /// </summary>
    public abstract Ciphertext[] Encrypt(Encryptor encryptor, PreparedInput input, Func<int, byte[]> seedFor);

    /// <summary>Decodes the collectively decrypted aggregate of <paramref name="contributors"/> sites.</summary>
    public abstract double[] Decode(IReadOnlyList<Plaintext> plaintexts, int contributors);

    private static LatticeRoundPlan Create(LatticeSchemeKind kind, int length, FixedPointRequirements requirements) => kind switch
    {
        LatticeSchemeKind.Ckks => CreateCkks(length, requirements),
        LatticeSchemeKind.Bfv => new PackedBfvRoundPlan(length, requirements),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>
    /// The "ckks" scheme runs in one of two modes, chosen by the planner from public inputs only (so every party picks
    /// the same): coefficient-encoded CKKS (one real per coefficient, Δ above the decryption noise), or — whenever it
    /// uploads fewer bytes, which is every vector longer than a few thousand values — the packed fixed-point encoding
    /// the "bfv" scheme uses (<see cref="AggregationPlanner.PlanPackedBfv"/>: several fixed-point values per coefficient
    /// above the noise; plaintext packing as in Paillier slot packing). Packing is an encoding of the plaintext
    /// integer; the RLWE encryption, shared-seed uploads, smudged single-use threshold decryption and the HE-standard
    /// parameter check are the same, and the packed mode meets the same requested error (its fixed-point rounding,
    /// n·2^-(f+1) ≤ ε) with an exact modular sum on top. The packed encoder is shared rather than duplicated under
    /// Ckks/, because the two are the same arithmetic: BFV with t = 2^(lanes·w) and Δ = ⌊Q/t⌋.
    /// </summary>
    private static LatticeRoundPlan CreateCkks(int length, FixedPointRequirements requirements)
    {
        var ckks = new CkksRoundPlan(length, requirements);
        PackedBfvAggregationPlan packed;
        try
        {
            packed = AggregationPlanner.PlanPackedBfv(length, requirements, sharedSeedUploads: true);
        }
        catch (ArgumentException)
        {
            return ckks; // e.g. a lane wider than 62 bits: coefficient CKKS may still hold it
        }

        return AggregationPlanner.PackingPays(length, ckks.Plan, packed) ? new PackedBfvRoundPlan(length, requirements, packed) : ckks;
    }

    /// <summary>A site's checked input, held until it is encrypted; cleared afterwards.</summary>
    internal sealed class PreparedInput
    {
        public PreparedInput(ReadOnlyMemory<double> values, double weight, long[]? fixedPoint)
        {
            Values = values;
            Weight = weight;
            FixedPoint = fixedPoint;
        }

        public ReadOnlyMemory<double> Values { get; private set; }

        public double Weight { get; }

        /// <summary>BFV: round(w·x·2^f) per element; null for CKKS.</summary>
        public long[]? FixedPoint { get; }

        public void Clear()
        {
            if (FixedPoint is not null)
            {
                Array.Clear(FixedPoint);
            }

            Values = ReadOnlyMemory<double>.Empty;
        }
    }

    private sealed class CkksRoundPlan : LatticeRoundPlan
    {
        private readonly CkksAggregationPlan _plan;

        public CkksRoundPlan(int length, FixedPointRequirements requirements)
            : base(length, requirements)
        {
            _plan = AggregationPlanner.PlanCkks(length, requirements, sharedSeedUploads: true);
        }

        public CkksAggregationPlan Plan => _plan;

        public override RlweParameters Parameters => _plan.Parameters;

        public override int SmudgingBits => _plan.SmudgingBits;

        public override int Ciphertexts => _plan.Ciphertexts;

        public override double ErrorBound => _plan.ErrorBound;

        public override double CiphertextScale => _plan.Scale;

        public override bool Packed => false;

        public override int ValuesPerCoefficient => 1;

        public override PreparedInput Prepare(ReadOnlyMemory<double> values, double weight)
        {
            // The planner sized Q for |Σ w·x| ≤ n·W·B: an input outside the bounds could wrap modulo Q and corrupt the
            // sum silently, so it is refused here, as the fixed-point codec refuses it for the other schemes.
            if (!(weight >= 0 && weight <= Requirements.MaxWeight))
            {
                throw new ArgumentOutOfRangeException(nameof(weight), $"weight is outside [0, {Requirements.MaxWeight}] declared in the plan");
            }

            ReadOnlySpan<double> x = values.Span;
            double bound = Requirements.MaxAbsValue;
            for (int i = 0; i < x.Length; i++)
            {
                if (!(Math.Abs(x[i]) <= bound))
                {
                    throw new ArgumentOutOfRangeException(nameof(values), $"element {i} is {(double.IsNaN(x[i]) ? "NaN" : "outside the declared bound ±" + bound)}");
                }
            }

            return new PreparedInput(values, weight, null);
        }

        public override Ciphertext[] Encrypt(Encryptor encryptor, PreparedInput input, Func<int, byte[]> seedFor) =>
            new CkksVectorCodec(_plan.Parameters, _plan.Scale).Encrypt(encryptor, input.Values.Span, input.Weight, seedFor);

        public override double[] Decode(IReadOnlyList<Plaintext> plaintexts, int contributors)
        {
            var result = new double[Length];
            new CkksVectorCodec(_plan.Parameters, _plan.Scale).Decode(plaintexts, result);
            return result;
        }
    }

    private sealed class PackedBfvRoundPlan : LatticeRoundPlan
    {
        private readonly PackedBfvAggregationPlan _plan;

        public PackedBfvRoundPlan(int length, FixedPointRequirements requirements)
            : this(length, requirements, AggregationPlanner.PlanPackedBfv(length, requirements, sharedSeedUploads: true))
        {
        }

        public PackedBfvRoundPlan(int length, FixedPointRequirements requirements, PackedBfvAggregationPlan plan)
            : base(length, requirements)
        {
            _plan = plan;
        }

        public PackedBfvAggregationPlan Plan => _plan;

        public override RlweParameters Parameters => _plan.Parameters;

        public override int SmudgingBits => _plan.SmudgingBits;

        public override int Ciphertexts => _plan.Ciphertexts;

        public override double ErrorBound => _plan.ErrorBound;

        public override double CiphertextScale => 1;

        public override bool Packed => true;

        public override int ValuesPerCoefficient => _plan.Parameters.Lanes;

        public override PreparedInput Prepare(ReadOnlyMemory<double> values, double weight)
        {
            var q = new long[values.Length];
            // Two's-complement words reinterpreted as signed: |q| ≤ bias by the plan (the codec refuses anything else).
            new FixedPointCodec(_plan.FixedPoint).Encode(values.Span, weight, MemoryMarshal.Cast<long, ulong>(q.AsSpan()));
            return new PreparedInput(values, weight, q);
        }

        public override Ciphertext[] Encrypt(Encryptor encryptor, PreparedInput input, Func<int, byte[]> seedFor) =>
            new PackedBfvEncoder(_plan.Parameters, _plan.Bias).EncryptVector(encryptor, input.FixedPoint!, seedFor);

        public override double[] Decode(IReadOnlyList<Plaintext> plaintexts, int contributors)
        {
            var sums = new long[Length];
            new PackedBfvEncoder(_plan.Parameters, _plan.Bias).DecodeVector(plaintexts, contributors, sums);
            var result = new double[Length];
            double inverse = 1.0 / _plan.FixedPoint.Scale;
            for (int i = 0; i < sums.Length; i++)
            {
                result[i] = sums[i] * inverse;
            }

            return result;
        }
    }
}
