using FedScore.Secure.Crypto.Lattice.Rlwe;

namespace FedScore.Secure.Crypto.Lattice.Ckks;

/// <summary>CKKS-specific linear operations on top of <see cref="Evaluator"/>.</summary>
public sealed class CkksEvaluator
{
    private readonly CkksParameters _parameters;
    private readonly Evaluator _evaluator;

    public CkksEvaluator(CkksParameters parameters)
    {
        _parameters = parameters ?? throw new ArgumentNullException(nameof(parameters));
        _evaluator = new Evaluator(parameters);
    }

    public void AddInPlace(Ciphertext a, Ciphertext b) => _evaluator.AddInPlace(a, b);

    /// <summary>
    /// ct ← w·ct for a real plaintext weight w: multiplies by the integer c = round(w·2^bits) and multiplies the
    /// scale by 2^bits (no rescaling: the result decodes at the larger scale). The weight's own rounding error is
    /// at most 2^-(bits+1) relative to the encrypted value; noise grows by |c|.
    /// </summary>
    public void MultiplyByReal(Ciphertext ct, double weight, int bits = 20)
    {
        ArgumentNullException.ThrowIfNull(ct);
        if (!double.IsFinite(weight) || bits < 0 || bits > 40)
        {
            throw new ArgumentOutOfRangeException(nameof(weight), "weight must be finite and bits in [0, 40]");
        }

        double c = Math.Round(weight * Math.ScaleB(1, bits));
        if (Math.Abs(c) > long.MaxValue / 2)
        {
            throw new ArgumentOutOfRangeException(nameof(weight), "weight·2^bits does not fit in 62 bits");
        }

        if (Math.Log2(ct.Scale) + bits + Math.Log2(Math.Max(1, Math.Abs(weight))) >= _parameters.Log2Q - 2)
        {
            throw new ArgumentException("the scaled result would not fit under Q; use fewer bits", nameof(bits));
        }

        _evaluator.MultiplyByIntegerInPlace(ct, (long)c);
        ct.Scale *= Math.ScaleB(1, bits);
    }
}
