using FedScore.Secure.Crypto.Lattice.Ring;

namespace FedScore.Secure.Crypto.Lattice.Rlwe;

/// <summary>Homomorphic linear operations on ciphertexts (what additive aggregation needs).</summary>
public sealed class Evaluator
{
    private readonly RlweParameters _parameters;

    public Evaluator(RlweParameters parameters)
    {
        _parameters = parameters ?? throw new ArgumentNullException(nameof(parameters));
    }

    /// <summary>a += b. Scales must match (CKKS); the result decrypts to the sum.</summary>
    public void AddInPlace(Ciphertext a, Ciphertext b) => Add(a, b, a);

    public void Add(Ciphertext a, Ciphertext b, Ciphertext destination)
    {
        Check(a, nameof(a));
        Check(b, nameof(b));
        Check(destination, nameof(destination));
        CheckScales(a, b);
        RnsBasis basis = _parameters.Basis;
        PolyArith.Add(basis, a.C0, b.C0, destination.C0);
        PolyArith.Add(basis, a.C1, b.C1, destination.C1);
        destination.Scale = a.Scale;
        destination.Summands = a.Summands + b.Summands;
        destination.SetSeed(null);
    }

    /// <summary>
    /// acc.c0 += b.c0 for two ciphertexts that share c1 = a (same seed): the parties' c0 = −a·s_i + e_i + m_i add up
    /// to a ciphertext of Σ m_i under s = Σ s_i whose c1 stays a (see <see cref="Encryptor.EncryptWithSharedSeed(Plaintext, ReadOnlySpan{byte})"/>).
    /// </summary>
    /// <exception cref="ArgumentException">Either is not seeded, or the seeds differ.</exception>
    public void AddSharedC1InPlace(Ciphertext acc, Ciphertext b)
    {
        Check(acc, nameof(acc));
        Check(b, nameof(b));
        CheckScales(acc, b);
        if (!acc.IsSeeded || !b.IsSeeded || !acc.C1Seed.SequenceEqual(b.C1Seed))
        {
            throw new ArgumentException("ciphertexts do not share the same seeded c1");
        }

        PolyArith.Add(_parameters.Basis, acc.C0, b.C0, acc.C0);
        acc.Summands += b.Summands;
    }

    public void Sub(Ciphertext a, Ciphertext b, Ciphertext destination)
    {
        Check(a, nameof(a));
        Check(b, nameof(b));
        Check(destination, nameof(destination));
        CheckScales(a, b);
        RnsBasis basis = _parameters.Basis;
        PolyArith.Sub(basis, a.C0, b.C0, destination.C0);
        PolyArith.Sub(basis, a.C1, b.C1, destination.C1);
        destination.Scale = a.Scale;
        destination.Summands = a.Summands + b.Summands;
        destination.SetSeed(null);
    }

    /// <summary>
    /// ct ← c·ct for an integer c (a weight in BFV, or an integer weight in CKKS). Noise grows by |c|; the scale is
    /// unchanged. For real weights in CKKS use <see cref="Ckks.CkksEvaluator.MultiplyByReal"/>.
    /// </summary>
    public void MultiplyByIntegerInPlace(Ciphertext ct, long c)
    {
        Check(ct, nameof(ct));
        RnsBasis basis = _parameters.Basis;
        PolyArith.MulScalar(basis, ct.C0, c, ct.C0);
        PolyArith.MulScalar(basis, ct.C1, c, ct.C1);
        ct.SetSeed(null);
    }

    private void Check(Ciphertext ct, string name)
    {
        ArgumentNullException.ThrowIfNull(ct, name);
        ParamCheck.Same(_parameters, ct.Parameters, name);
    }

    private static void CheckScales(Ciphertext a, Ciphertext b)
    {
        if (Math.Abs(a.Scale - b.Scale) > 1e-9 * Math.Max(a.Scale, b.Scale))
        {
            throw new ArgumentException($"scales differ: 2^{Math.Log2(a.Scale):0.###} vs 2^{Math.Log2(b.Scale):0.###}");
        }
    }
}
