using FedScore.Secure.Crypto.Lattice.Ring;
using FedScore.Secure.Crypto.Lattice.Rlwe;

namespace FedScore.Secure.Crypto.Lattice.Multiparty;

/// <summary>
/// t-of-n threshold keys from additive ones (Mouchet et al. PETS 2021 §6; Lattigo multiparty/threshold.go): every
/// party i Shamir-shares its additive secret s_i with a random polynomial f_i of degree t − 1 over each RNS prime
/// (Shamir 1979), f_i(0) = s_i, and sends f_i(j) to party j. Party j's threshold share is s'_j = Σ_i f_i(j), a Shamir
/// share of s = Σ_i s_i. Any active set S of ≥ t parties decrypts with the additive shares λ_j^S·s'_j, where
/// λ_j^S = Π_{m ∈ S, m ≠ j} m / (m − j) mod q are the Lagrange coefficients at 0, so Σ_{j∈S} λ_j^S s'_j = s.
/// </summary>
public sealed class ShamirKeySharing
{
    private readonly RlweParameters _parameters;

    public ShamirKeySharing(RlweParameters parameters, int threshold, int parties)
    {
        _parameters = parameters ?? throw new ArgumentNullException(nameof(parameters));
        if (parties < 1 || parties > 10_000 || threshold < 1 || threshold > parties)
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), $"need 1 ≤ threshold ≤ parties ≤ 10000, got {threshold}-of-{parties}");
        }

        Threshold = threshold;
        Parties = parties;
    }

    public int Threshold { get; }

    public int Parties { get; }

    /// <summary>Party <paramref name="dealer"/>'s shares of its secret, one per point 1..n (its own included).</summary>
    public IReadOnlyList<ShamirShare> Split(AdditiveKeyShare secret, int dealer)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ParamCheck.Same(_parameters, secret.Parameters, nameof(secret));
        CheckPoint(dealer, nameof(dealer));
        RnsBasis basis = _parameters.Basis;
        int n = _parameters.N;
        var coefficients = new RnsPolynomial[Threshold - 1];
        using (var prng = Prng.CreateSecure())
        {
            for (int k = 0; k < coefficients.Length; k++)
            {
                coefficients[k] = new RnsPolynomial(n, basis.Count, true);
                Sampler.Uniform(prng, basis, coefficients[k], isNtt: true);
            }
        }

        var shares = new ShamirShare[Parties];
        try
        {
            Span<ulong> xi = stackalloc ulong[basis.Count];
            for (int j = 1; j <= Parties; j++)
            {
                // Horner: f(j) = s + j·(r_1 + j·(r_2 + …)).
                var value = new RnsPolynomial(n, basis.Count, true);
                for (int k = coefficients.Length - 1; k >= 0; k--)
                {
                    PolyArith.Add(basis, value, coefficients[k], value);
                    PolyArith.MulScalar(basis, value, j, value);
                }

                PolyArith.Add(basis, value, secret.Secret.Value, value);
                shares[j - 1] = new ShamirShare(_parameters, dealer, j, value);
            }
        }
        finally
        {
            foreach (RnsPolynomial c in coefficients)
            {
                c?.Clear();
            }
        }

        return shares;
    }

    /// <summary>Party j's threshold share from the shares all n dealers sent it (its own included).</summary>
    public ThresholdKeyShare Combine(int point, IEnumerable<ShamirShare> received)
    {
        ArgumentNullException.ThrowIfNull(received);
        CheckPoint(point, nameof(point));
        RnsBasis basis = _parameters.Basis;
        var sum = new RnsPolynomial(_parameters.N, basis.Count, true);
        var dealers = new HashSet<int>();
        foreach (ShamirShare s in received)
        {
            ParamCheck.Same(_parameters, s.Parameters, nameof(received));
            if (s.Recipient != point)
            {
                throw new ArgumentException($"share from dealer {s.Dealer} is addressed to {s.Recipient}, not {point}", nameof(received));
            }

            if (!dealers.Add(s.Dealer))
            {
                throw new ArgumentException($"two shares from dealer {s.Dealer}", nameof(received));
            }

            PolyArith.Add(basis, sum, s.Value, sum);
        }

        if (dealers.Count != Parties)
        {
            sum.Clear();
            throw new ArgumentException($"need one share from each of the {Parties} dealers, got {dealers.Count}", nameof(received));
        }

        return new ThresholdKeyShare(_parameters, point, Threshold, Parties, sum);
    }

    /// <summary>λ_j^S mod each prime (Lagrange coefficient at 0 for point j in the active set S).</summary>
    internal static void LagrangeAtZero(RnsBasis basis, int j, IReadOnlyList<int> active, Span<ulong> residues)
    {
        for (int i = 0; i < basis.Count; i++)
        {
            ulong q = basis.Moduli[i];
            ulong num = 1, den = 1;
            foreach (int m in active)
            {
                if (m == j)
                {
                    continue;
                }

                num = ModArith.Mul(num, (ulong)m % q, q);
                den = ModArith.Mul(den, ModArith.FromSigned(m - j, q), q);
            }

            residues[i] = ModArith.Mul(num, ModArith.Inv(den, q), q);
        }
    }

    private void CheckPoint(int point, string name)
    {
        if (point < 1 || point > Parties)
        {
            throw new ArgumentOutOfRangeException(name, $"party point must be in [1, {Parties}], got {point}");
        }
    }
}
