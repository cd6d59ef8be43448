using System.Runtime.CompilerServices;

namespace FedScore.Secure.FixedPoint;

/// <summary>What to do with an input outside the declared bound.</summary>
public enum OutOfRangePolicy
{
    /// <summary>Refuse the vector (default): a silently clipped statistic is a wrong statistic.</summary>
    Reject,

    /// <summary>Clip to ±MaxAbsValue and count the clipped elements (for model updates, as in DP-style clipping).</summary>
    Clip,
}

/// <summary>
/// Encodes a site's weighted vector w·x as signed fixed-point integers in two's complement modulo 2^64 (callers
/// reduce further to their container, any modulus ≥ 2^SumBits), and decodes a modular sum back to reals.
/// </summary>
public sealed class FixedPointCodec
{
    public FixedPointCodec(FixedPointPlan plan, OutOfRangePolicy policy = OutOfRangePolicy.Reject)
    {
        Plan = plan ?? throw new ArgumentNullException(nameof(plan));
        Policy = policy;
    }

    public FixedPointPlan Plan { get; }

    public OutOfRangePolicy Policy { get; }

    /// <summary>
    /// Writes round(weight·values[i]·2^f) into <paramref name="destination"/> as two's-complement 64-bit words.
    /// Returns the number of elements clipped (always 0 under <see cref="OutOfRangePolicy.Reject"/>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A value or the weight is outside the plan (the message names the index, never the value).</exception>
    public int Encode(ReadOnlySpan<double> values, double weight, Span<ulong> destination)
    {
        if (destination.Length != values.Length)
        {
            throw new ArgumentException($"destination has {destination.Length} elements, values {values.Length}", nameof(destination));
        }

        CheckWeight(weight);
        double bound = Plan.MaxAbsValue;
        double scale = Plan.Scale * weight;
        bool integers = Plan.IntegerInputs;
        int clipped = 0;
        for (int i = 0; i < values.Length; i++)
        {
            double x = values[i];
            if (!(Math.Abs(x) <= bound))
            {
                if (Policy == OutOfRangePolicy.Reject || double.IsNaN(x))
                {
                    throw new ArgumentOutOfRangeException(
                        nameof(values),
                        $"element {i} is {(double.IsNaN(x) ? "NaN" : "outside the declared bound ±" + bound)}; declare a larger MaxAbsValue or clip");
                }

                x = Math.CopySign(bound, x);
                clipped++;
            }

            if (integers && x != Math.Floor(x))
            {
                throw new ArgumentOutOfRangeException(nameof(values), $"element {i} is not an integer but the plan is for exact integer sums");
            }

            destination[i] = unchecked((ulong)(long)Math.Round(x * scale, MidpointRounding.ToEven));
        }

        return clipped;
    }

    /// <summary>Encodes into 32-bit words (modulo 2^32); valid only when the plan fits 32 bits.</summary>
    public int Encode(ReadOnlySpan<double> values, double weight, Span<uint> destination)
    {
        if (!Plan.FitsIn(32))
        {
            throw new InvalidOperationException($"the plan needs {Plan.SumBits} bits; a 32-bit container would wrap");
        }

        if (destination.Length != values.Length)
        {
            throw new ArgumentException($"destination has {destination.Length} elements, values {values.Length}", nameof(destination));
        }

        const int Chunk = 1024;
        Span<ulong> tmp = stackalloc ulong[Chunk];
        int clipped = 0;
        for (int start = 0; start < values.Length; start += Chunk)
        {
            int len = Math.Min(Chunk, values.Length - start);
            clipped += Encode(values.Slice(start, len), weight, tmp[..len]);
            for (int i = 0; i < len; i++)
            {
                destination[start + i] = unchecked((uint)tmp[i]);
            }
        }

        return clipped;
    }

    /// <summary>Decodes sums held modulo 2^<paramref name="modulusBits"/> (two's complement) back to reals.</summary>
    public void Decode(ReadOnlySpan<ulong> sums, int modulusBits, Span<double> destination)
    {
        CheckModulusBits(modulusBits);
        if (destination.Length != sums.Length)
        {
            throw new ArgumentException($"destination has {destination.Length} elements, sums {sums.Length}", nameof(destination));
        }

        double inv = 1.0 / Plan.Scale;
        for (int i = 0; i < sums.Length; i++)
        {
            destination[i] = SignExtend(sums[i], modulusBits) * inv;
        }
    }

    /// <summary>Decodes 32-bit modular sums.</summary>
    public void Decode(ReadOnlySpan<uint> sums, Span<double> destination)
    {
        CheckModulusBits(32);
        if (destination.Length != sums.Length)
        {
            throw new ArgumentException($"destination has {destination.Length} elements, sums {sums.Length}", nameof(destination));
        }

        double inv = 1.0 / Plan.Scale;
        for (int i = 0; i < sums.Length; i++)
        {
            destination[i] = unchecked((int)sums[i]) * inv;
        }
    }

    /// <summary>Decodes one residue r modulo an arbitrary <paramref name="modulus"/> ≥ 2^SumBits (e.g. a BFV plaintext modulus).</summary>
    public double DecodeResidue(ulong residue, ulong modulus)
    {
        if (modulus < 2 || (Plan.SumBits < 64 && modulus < 1UL << Plan.SumBits))
        {
            throw new ArgumentOutOfRangeException(nameof(modulus), $"modulus {modulus} is smaller than 2^{Plan.SumBits}; sums would wrap");
        }

        if (residue >= modulus)
        {
            throw new ArgumentOutOfRangeException(nameof(residue), "residue is not reduced modulo the modulus");
        }

        // Centred representative in (−t/2, t/2].
        double signed = residue > modulus / 2 ? -(double)(modulus - residue) : residue;
        return signed / Plan.Scale;
    }

    /// <summary>Interprets the low <paramref name="bits"/> bits of <paramref name="value"/> as a signed integer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long SignExtend(ulong value, int bits)
    {
        int shift = 64 - bits;
        return unchecked((long)(value << shift) >> shift);
    }

    private void CheckWeight(double weight)
    {
        if (!(weight >= 0 && weight <= Plan.MaxWeight))
        {
            throw new ArgumentOutOfRangeException(nameof(weight), $"weight is outside [0, {Plan.MaxWeight}] declared in the plan");
        }

        if (Plan.IntegerInputs && weight != Math.Floor(weight))
        {
            throw new ArgumentOutOfRangeException(nameof(weight), "weight must be an integer for an exact integer sum");
        }
    }

    private void CheckModulusBits(int modulusBits)
    {
        if (modulusBits < Plan.SumBits || modulusBits > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(modulusBits), $"modulus 2^{modulusBits} cannot hold sums that need {Plan.SumBits} bits (and at most 64 are supported)");
        }
    }
}
