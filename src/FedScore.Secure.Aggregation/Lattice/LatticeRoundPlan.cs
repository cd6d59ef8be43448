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
/// how a site encrypts w·x and how the server decodes the decrypted sum. CKKS uses
/// <see cref="AggregationPlanner.PlanCkks"/> (coefficient encoding, N reals per ciphertext); BFV uses
/// <see cref="AggregationPlanner.PlanPackedBfv"/> (fixed-point integers, several lanes per coefficient, exact sums).
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
        LatticeSchemeKind.Ckks => new CkksRoundPlan(length, requirements),
        LatticeSchemeKind.Bfv => new PackedBfvRoundPlan(length, requirements),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

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

        public override RlweParameters Parameters => _plan.Parameters;

        public override int SmudgingBits => _plan.SmudgingBits;

        public override int Ciphertexts => _plan.Ciphertexts;

        public override double ErrorBound => _plan.ErrorBound;

        public override double CiphertextScale => _plan.Scale;

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
            : base(length, requirements)
        {
            _plan = AggregationPlanner.PlanPackedBfv(length, requirements, sharedSeedUploads: true);
        }

        public override RlweParameters Parameters => _plan.Parameters;

        public override int SmudgingBits => _plan.SmudgingBits;

        public override int Ciphertexts => _plan.Ciphertexts;

        public override double ErrorBound => _plan.ErrorBound;

        public override double CiphertextScale => 1;

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
