using FedScore.Secure.Crypto.Lattice.Ring;

namespace FedScore.Secure.Crypto.Lattice.Rlwe;

/// <summary>Generates a single party's secret key and its public key (all randomness from the OS CSPRNG).</summary>
public sealed class KeyGenerator
{
    private readonly RlweParameters _parameters;

    public KeyGenerator(RlweParameters parameters)
    {
        _parameters = parameters ?? throw new ArgumentNullException(nameof(parameters));
    }

    /// <summary>A fresh uniform ternary secret s ∈ {−1, 0, 1}^N.</summary>
    public SecretKey CreateSecretKey()
    {
        var s = new RnsPolynomial(_parameters.N, _parameters.Moduli.Count);
        using (var prng = Prng.CreateSecure())
        {
            Sampler.Ternary(prng, _parameters.Basis, s);
        }

        PolyArith.NttForward(_parameters.Basis, s);
        return new SecretKey(_parameters, s);
    }

    /// <summary>pk = (−a·s + e, a) with a uniform from a fresh public seed (Lyubashevsky–Peikert–Regev 2010).</summary>
    public PublicKey CreatePublicKey(SecretKey secretKey)
    {
        ArgumentNullException.ThrowIfNull(secretKey);
        ParamCheck.Same(_parameters, secretKey.Parameters, nameof(secretKey));
        RnsBasis basis = _parameters.Basis;
        byte[] seed = Prng.NewSeed();
        RnsPolynomial a = ExpandPublicA(_parameters, seed);

        var p0 = new RnsPolynomial(_parameters.N, basis.Count);
        using (var prng = Prng.CreateSecure())
        {
            Sampler.Gaussian(prng, basis, p0);
        }

        PolyArith.NttForward(basis, p0);
        var t = new RnsPolynomial(_parameters.N, basis.Count, true);
        PolyArith.MulCoeffs(basis, a, secretKey.Value, t);
        PolyArith.Sub(basis, p0, t, p0);
        t.Clear();
        return new PublicKey(_parameters, p0, a, seed);
    }

    /// <summary>The uniform polynomial a (NTT form) of a public key, expanded from its public seed.</summary>
    internal static RnsPolynomial ExpandPublicA(RlweParameters parameters, ReadOnlySpan<byte> seed)
    {
        var a = new RnsPolynomial(parameters.N, parameters.Moduli.Count);
        using var pub = new Prng(seed, SeedDomains.PublicKeyA);
        Sampler.Uniform(pub, parameters.Basis, a, isNtt: true);
        return a;
    }
}

/// <summary>Domain tags separating the PRNG streams expanded from one seed.</summary>
internal static class SeedDomains
{
    public const ulong PublicKeyA = 0x706b5f61; // "pk_a"
    public const ulong CiphertextC1 = 0x63745f63; // "ct_c"
    public const ulong CommonReference = 0x6372735f; // "crs_"
}
