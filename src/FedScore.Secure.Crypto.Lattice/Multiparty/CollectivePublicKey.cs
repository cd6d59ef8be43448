using FedScore.Secure.Crypto.Lattice.Ring;
using FedScore.Secure.Crypto.Lattice.Rlwe;

namespace FedScore.Secure.Crypto.Lattice.Multiparty;

/// <summary>The common random polynomial a of a collective public key (public; expanded from a CRS seed).</summary>
public sealed class PublicKeyCrp
{
    internal PublicKeyCrp(RlweParameters parameters, RnsPolynomial a, byte[] seed)
    {
        Parameters = parameters;
        A = a;
        Seed = seed;
    }

    public RlweParameters Parameters { get; }

    internal RnsPolynomial A { get; }

    internal byte[] Seed { get; }
}

/// <summary>A party's public-key share p_i = −a·s_i + e_i (NTT form), or a sum of such shares.</summary>
public sealed class PublicKeyShare
{
    internal PublicKeyShare(RlweParameters parameters, RnsPolynomial value, int contributors)
    {
        Parameters = parameters;
        Value = value;
        Contributors = contributors;
    }

    public RlweParameters Parameters { get; }

    internal RnsPolynomial Value { get; }

    /// <summary>How many parties' shares were summed into this one.</summary>
    public int Contributors { get; internal set; }
}

/// <summary>
/// Collective public-key generation (Mouchet, Troncoso-Pastoriza, Bossuat &amp; Hubaux, "Multiparty homomorphic
/// encryption from ring-learning-with-errors", PETS 2021, Protocol 1 "EncKeyGen"): from a CRP a, each party i with
/// ternary secret s_i publishes p_i = −a·s_i + e_i; the sum p = Σ p_i = −a·s + e with s = Σ s_i gives the public
/// key (p, a) of the collective secret s, which no party ever holds.
/// </summary>
public sealed class CollectivePublicKeyProtocol
{
    private readonly RlweParameters _parameters;

    public CollectivePublicKeyProtocol(RlweParameters parameters)
    {
        _parameters = parameters ?? throw new ArgumentNullException(nameof(parameters));
    }

    public PublicKeyCrp SampleCrp(CommonReferenceString crs)
    {
        ArgumentNullException.ThrowIfNull(crs);
        byte[] seed = crs.Seed.ToArray();
        return new PublicKeyCrp(_parameters, KeyGenerator.ExpandPublicA(_parameters, seed), seed);
    }

    /// <summary>p_i = −a·s_i + e_i, e_i Gaussian from the OS CSPRNG.</summary>
    public PublicKeyShare GenerateShare(SecretKey secretShare, PublicKeyCrp crp)
    {
        ArgumentNullException.ThrowIfNull(secretShare);
        ArgumentNullException.ThrowIfNull(crp);
        ParamCheck.Same(_parameters, secretShare.Parameters, nameof(secretShare));
        ParamCheck.Same(_parameters, crp.Parameters, nameof(crp));
        RnsBasis basis = _parameters.Basis;
        var p = new RnsPolynomial(_parameters.N, basis.Count);
        using (var prng = Prng.CreateSecure())
        {
            Sampler.Gaussian(prng, basis, p);
        }

        PolyArith.NttForward(basis, p);
        var t = new RnsPolynomial(_parameters.N, basis.Count, true);
        PolyArith.MulCoeffs(basis, crp.A, secretShare.Value, t);
        PolyArith.Sub(basis, p, t, p);
        t.Clear();
        return new PublicKeyShare(_parameters, p, 1);
    }

    /// <summary>destination = a + b (destination may be a or b).</summary>
    public void AggregateShares(PublicKeyShare a, PublicKeyShare b, PublicKeyShare destination)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(destination);
        ParamCheck.Same(_parameters, a.Parameters, nameof(a));
        ParamCheck.Same(_parameters, b.Parameters, nameof(b));
        ParamCheck.Same(_parameters, destination.Parameters, nameof(destination));
        int contributors = a.Contributors + b.Contributors;
        PolyArith.Add(_parameters.Basis, a.Value, b.Value, destination.Value);
        destination.Contributors = contributors;
    }

    public PublicKeyShare AggregateShares(IEnumerable<PublicKeyShare> shares)
    {
        ArgumentNullException.ThrowIfNull(shares);
        PublicKeyShare? acc = null;
        foreach (PublicKeyShare s in shares)
        {
            if (acc is null)
            {
                ParamCheck.Same(_parameters, s.Parameters, nameof(shares));
                acc = new PublicKeyShare(_parameters, s.Value.Clone(), s.Contributors);
            }
            else
            {
                AggregateShares(acc, s, acc);
            }
        }

        return acc ?? throw new ArgumentException("no shares to aggregate", nameof(shares));
    }

    /// <summary>The collective public key (Σ p_i, a).</summary>
    public PublicKey Finalize(PublicKeyShare aggregated, PublicKeyCrp crp)
    {
        ArgumentNullException.ThrowIfNull(aggregated);
        ArgumentNullException.ThrowIfNull(crp);
        ParamCheck.Same(_parameters, aggregated.Parameters, nameof(aggregated));
        ParamCheck.Same(_parameters, crp.Parameters, nameof(crp));
        return new PublicKey(_parameters, aggregated.Value.Clone(), crp.A.Clone(), (byte[])crp.Seed.Clone());
    }
}
