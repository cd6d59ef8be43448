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
            EncryptSymmetric(plaintext, Prng.NewSeed(), destination);
            return;
        }

        destination.Scale = plaintext.Scale;
        destination.Summands = 1;
    }

    /// <summary>
    /// Symmetric encryption whose c1 = a is expanded from a seed the caller gives, typically one that every party
    /// derives from public round data: (c0, c1) = (−a·s_i + e + m, a). When each party i encrypts with its own
    /// additive key share s_i under the SAME a, the c0 parts add up to a ciphertext of Σ m_i under the collective
    /// key s = Σ s_i with c1 = a (the key-homomorphism of a·s + e, Boneh, Lewi, Montgomery &amp; Raghunathan,
    /// CRYPTO 2013, "key homomorphic PRFs"), so each party uploads only c0 — half a public-key ciphertext — and the
    /// noise is fresh Gaussian only (no u·e_pk or e1·s terms).
    /// </summary>
    /// <remarks>
    /// SECURITY: a seed must never be used twice with the same key share (two c0 under one a reveal m − m' up to
    /// small noise); derive it from a unique (session, round, ciphertext index) and refuse replayed rounds.
    /// </remarks>
    public Ciphertext EncryptWithSharedSeed(Plaintext plaintext, ReadOnlySpan<byte> seed)
    {
        var ct = new Ciphertext(_parameters);
        EncryptWithSharedSeed(plaintext, seed, ct);
        return ct;
    }

    public void EncryptWithSharedSeed(Plaintext plaintext, ReadOnlySpan<byte> seed, Ciphertext destination)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        ArgumentNullException.ThrowIfNull(destination);
        if (_secretKey is null)
        {
            throw new InvalidOperationException("shared-seed encryption needs a secret-key (share) encryptor");
        }

        if (seed.Length != Prng.SeedSize)
        {
            throw new ArgumentException($"seed must be {Prng.SeedSize} bytes", nameof(seed));
        }

        ParamCheck.Same(_parameters, plaintext.Parameters, nameof(plaintext));
        ParamCheck.Same(_parameters, destination.Parameters, nameof(destination));
        if (plaintext.Poly.IsNtt)
        {
            throw new ArgumentException("plaintext must be in coefficient form", nameof(plaintext));
        }

        EncryptSymmetric(plaintext, seed.ToArray(), destination);
    }

    private void EncryptSymmetric(Plaintext plaintext, byte[] seed, Ciphertext destination)
    {
        RnsBasis basis = _parameters.Basis;
        RnsPolynomial c0 = destination.C0, c1 = destination.C1;
        ExpandSeed(_parameters, seed, c1);
        using var prng = Prng.CreateSecure();

        // c0 = NTT(e + m) + (−a)·s, the product with s's precomputed Shoup companions fused with the addition.
        Sampler.Gaussian(prng, basis, c0);
        PolyArith.Add(basis, c0, plaintext.Poly, c0);
        PolyArith.NttForward(basis, c0);
        var t = new RnsPolynomial(_parameters.N, basis.Count, true);
        PolyArith.Neg(basis, c1, t);
        PolyArith.MulShoupAdd(basis, t, _secretKey!.Value, _secretKey.Shoup, c0, c0);
        t.Clear();
        destination.SetSeed(seed);
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
