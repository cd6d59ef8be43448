using FedScore.Secure.Crypto.Lattice.Ring;

namespace FedScore.Secure.Crypto.Lattice.Rlwe;

/// <summary>
/// Encrypts plaintexts under a public key (c0, c1) = (u·p0 + e0 + m, u·p1 + e1) with u ternary, e0, e1 Gaussian
/// (LPR 2010; SEAL's encrypt_zero_asymmetric), or under a secret key with a seeded c1 = a:
/// (c0, c1) = (−a·s + e + m, a), a expanded from a fresh 32-byte seed so that the ciphertext travels as c0 + seed.
/// </summary>
public sealed class Encryptor
{
    private readonly RlweParameters _parameters;
    private readonly PublicKey? _publicKey;
    private readonly SecretKey? _secretKey;

    public Encryptor(RlweParameters parameters, PublicKey publicKey)
    {
        _parameters = parameters ?? throw new ArgumentNullException(nameof(parameters));
        ArgumentNullException.ThrowIfNull(publicKey);
        ParamCheck.Same(parameters, publicKey.Parameters, nameof(publicKey));
        _publicKey = publicKey;
    }

    /// <summary>Symmetric encryptor (single key holder only; the caller keeps ownership of the key).</summary>
    public Encryptor(RlweParameters parameters, SecretKey secretKey)
    {
        _parameters = parameters ?? throw new ArgumentNullException(nameof(parameters));
        ArgumentNullException.ThrowIfNull(secretKey);
        ParamCheck.Same(parameters, secretKey.Parameters, nameof(secretKey));
        _secretKey = secretKey;
    }

    public Ciphertext Encrypt(Plaintext plaintext)
    {
        var ct = new Ciphertext(_parameters);
        Encrypt(plaintext, ct);
        return ct;
    }

    public void Encrypt(Plaintext plaintext, Ciphertext destination)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        ArgumentNullException.ThrowIfNull(destination);
        ParamCheck.Same(_parameters, plaintext.Parameters, nameof(plaintext));
        ParamCheck.Same(_parameters, destination.Parameters, nameof(destination));
        if (plaintext.Poly.IsNtt)
        {
            throw new ArgumentException("plaintext must be in coefficient form", nameof(plaintext));
        }

        RnsBasis basis = _parameters.Basis;
        int n = _parameters.N, l = basis.Count;
        RnsPolynomial c0 = destination.C0, c1 = destination.C1;
        using var prng = Prng.CreateSecure();
        if (_publicKey is not null)
        {
            var u = new RnsPolynomial(n, l);
            Sampler.Ternary(prng, basis, u);
            PolyArith.NttForward(basis, u);

            // c0 = NTT(e0 + m) + u·p0
            Sampler.Gaussian(prng, basis, c0);
            PolyArith.Add(basis, c0, plaintext.Poly, c0);
            PolyArith.NttForward(basis, c0);
            PolyArith.MulShoupThenAdd(basis, u, _publicKey.P0, _publicKey.Shoup.P0, c0);

            // c1 = NTT(e1) + u·p1
            Sampler.Gaussian(prng, basis, c1);
            PolyArith.NttForward(basis, c1);
            PolyArith.MulShoupThenAdd(basis, u, _publicKey.P1, _publicKey.Shoup.P1, c1);
            u.Clear();
            destination.SetSeed(null);
        }
        else
        {
            byte[] seed = Prng.NewSeed();
            using (var pub = new Prng(seed, SeedDomains.CiphertextC1))
            {
                Sampler.Uniform(pub, basis, c1, isNtt: true);
            }

            // c0 = NTT(e + m) − a·s
            Sampler.Gaussian(prng, basis, c0);
            PolyArith.Add(basis, c0, plaintext.Poly, c0);
            PolyArith.NttForward(basis, c0);
            var t = new RnsPolynomial(n, l, true);
            PolyArith.MulCoeffs(basis, c1, _secretKey!.Value, t);
            PolyArith.Sub(basis, c0, t, c0);
            t.Clear();
            destination.SetSeed(seed);
        }

        destination.Scale = plaintext.Scale;
        destination.Summands = 1;
    }

    /// <summary>Re-expands a seeded c1 (used by the wire reader).</summary>
    internal static void ExpandSeed(RlweParameters parameters, ReadOnlySpan<byte> seed, RnsPolynomial c1)
    {
        using var pub = new Prng(seed, SeedDomains.CiphertextC1);
        Sampler.Uniform(pub, parameters.Basis, c1, isNtt: true);
    }
}
