using System.Security.Cryptography;
using FedScore.Secure.Crypto.Lattice.Ring;
using FedScore.Secure.Crypto.Lattice.Rlwe;

namespace FedScore.Secure.Crypto.Lattice.Multiparty;

/// <summary>A party's decryption share h_i = s_i·c1 + e_smudge (NTT form), or a sum of shares, for one ciphertext.</summary>
public sealed class DecryptionShare
{
    internal DecryptionShare(RlweParameters parameters, RnsPolynomial value, byte[] ciphertextId, int contributors)
    {
        Parameters = parameters;
        Value = value;
        CiphertextIdBytes = ciphertextId;
        Contributors = contributors;
    }

    public RlweParameters Parameters { get; }

    internal RnsPolynomial Value { get; }

    internal byte[] CiphertextIdBytes { get; }

    /// <summary>SHA-256 identifying the ciphertext (its parameter set and c1) this share decrypts.</summary>
    public ReadOnlySpan<byte> CiphertextId => CiphertextIdBytes;

    public int Contributors { get; internal set; }
}

/// <summary>
/// Collective decryption (Mouchet et al. PETS 2021, Protocol 3 "DecShare"/KeySwitch to s' = 0): each party returns
/// h_i = s_i·c1 + e_i with uniform smudging noise e_i ∈ [−2^b, 2^b), and anyone computes
/// m + v + Σ e_i = c0 + Σ h_i. The smudging bound b comes from <see cref="NoiseBounds.SmudgingBits"/> (stated there:
/// statistical distance ≤ N·B_ct / 2^(b+1) ≤ 2^-(λ+1) for ciphertext noise ≤ B_ct). Each party's key share produces
/// at most one share per ciphertext.
/// </summary>
public sealed class CollectiveDecryptionProtocol
{
    private readonly RlweParameters _parameters;

    public CollectiveDecryptionProtocol(RlweParameters parameters, int smudgingBits)
    {
        _parameters = parameters ?? throw new ArgumentNullException(nameof(parameters));
        if (smudgingBits < 1 || smudgingBits > parameters.Basis.Log2Modulus - 4)
        {
            throw new ArgumentOutOfRangeException(nameof(smudgingBits), $"smudging bits must be in [1, log2 Q − 4], got {smudgingBits}");
        }

        SmudgingBits = smudgingBits;
    }

    public int SmudgingBits { get; }

    /// <summary>N-of-N share: s_i·c1 + e_smudge. Throws <see cref="ProtocolViolationException"/> on a repeated request.</summary>
    public DecryptionShare GenerateShare(AdditiveKeyShare key, Ciphertext ciphertext)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(ciphertext);
        ParamCheck.Same(_parameters, key.Parameters, nameof(key));
        ParamCheck.Same(_parameters, ciphertext.Parameters, nameof(ciphertext));
        byte[] id = ShareLedger.CiphertextId(ciphertext);
        key.Ledger.Claim(id, "this party");
        return Share(key.Secret.Value, null, ciphertext, id);
    }

    /// <summary>
    /// t-of-n share for the active set S (points, each in [1, n], |S| ≥ t, containing this party's point):
    /// λ_j^S·s'_j·c1 + e_smudge. The active set is fixed before shares are requested (chosen after the earlier stages'
    /// dropouts). Throws <see cref="ProtocolViolationException"/> on a repeated request for the same ciphertext.
    /// </summary>
    public DecryptionShare GenerateShare(ThresholdKeyShare key, IReadOnlyList<int> activePoints, Ciphertext ciphertext)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(activePoints);
        ArgumentNullException.ThrowIfNull(ciphertext);
        ParamCheck.Same(_parameters, key.Parameters, nameof(key));
        ParamCheck.Same(_parameters, ciphertext.Parameters, nameof(ciphertext));
        if (activePoints.Distinct().Count() != activePoints.Count || activePoints.Any(p => p < 1 || p > key.Parties))
        {
            throw new ArgumentException($"active points must be distinct and in [1, {key.Parties}]", nameof(activePoints));
        }

        if (activePoints.Count < key.Threshold)
        {
            throw new ArgumentException($"{activePoints.Count} active parties is below the threshold {key.Threshold}", nameof(activePoints));
        }

        if (!activePoints.Contains(key.Point))
        {
            throw new ArgumentException($"this party's point {key.Point} is not in the active set", nameof(activePoints));
        }

        byte[] id = ShareLedger.CiphertextId(ciphertext);
        key.Ledger.Claim(id, $"party {key.Point}");
        Span<ulong> lambda = stackalloc ulong[_parameters.Moduli.Count];
        ShamirKeySharing.LagrangeAtZero(_parameters.Basis, key.Point, activePoints, lambda);
        return Share(key.Value, lambda.ToArray(), ciphertext, id);
    }

    private DecryptionShare Share(RnsPolynomial secret, ulong[]? lambda, Ciphertext ct, byte[] id)
    {
        RnsBasis basis = _parameters.Basis;
        int n = _parameters.N;
        var h = new RnsPolynomial(n, basis.Count);
        using (var prng = Prng.CreateSecure())
        {
            Sampler.UniformPowerOfTwo(prng, basis, SmudgingBits, h);
        }

        PolyArith.NttForward(basis, h);
        var t = new RnsPolynomial(n, basis.Count, true);
        PolyArith.MulCoeffs(basis, ct.C1, secret, t);
        if (lambda is not null)
        {
            PolyArith.MulScalarRns(basis, t, lambda, t);
        }

        PolyArith.Add(basis, h, t, h);
        t.Clear();
        return new DecryptionShare(_parameters, h, id, 1);
    }

    /// <summary>Sums shares for the same ciphertext.</summary>
    public DecryptionShare AggregateShares(IEnumerable<DecryptionShare> shares)
    {
        ArgumentNullException.ThrowIfNull(shares);
        DecryptionShare? acc = null;
        foreach (DecryptionShare s in shares)
        {
            ParamCheck.Same(_parameters, s.Parameters, nameof(shares));
            if (acc is null)
            {
                acc = new DecryptionShare(_parameters, s.Value.Clone(), s.CiphertextIdBytes, s.Contributors);
                continue;
            }

            if (!CryptographicOperations.FixedTimeEquals(acc.CiphertextIdBytes, s.CiphertextIdBytes))
            {
                throw new ArgumentException("shares are for different ciphertexts", nameof(shares));
            }

            PolyArith.Add(_parameters.Basis, acc.Value, s.Value, acc.Value);
            acc.Contributors += s.Contributors;
        }

        return acc ?? throw new ArgumentException("no shares to aggregate", nameof(shares));
    }

    /// <summary>m + noise = INTT(c0 + Σ h_i), in coefficient form, ready for the scheme's decoder.</summary>
    public Plaintext Finalize(Ciphertext ciphertext, DecryptionShare aggregated)
    {
        ArgumentNullException.ThrowIfNull(ciphertext);
        ArgumentNullException.ThrowIfNull(aggregated);
        ParamCheck.Same(_parameters, ciphertext.Parameters, nameof(ciphertext));
        ParamCheck.Same(_parameters, aggregated.Parameters, nameof(aggregated));
        if (!CryptographicOperations.FixedTimeEquals(ShareLedger.CiphertextId(ciphertext), aggregated.CiphertextIdBytes))
        {
            throw new ArgumentException("the decryption shares are for another ciphertext", nameof(aggregated));
        }

        var pt = new Plaintext(_parameters);
        PolyArith.Add(_parameters.Basis, ciphertext.C0, aggregated.Value, pt.Poly);
        PolyArith.NttInverse(_parameters.Basis, pt.Poly);
        pt.Scale = ciphertext.Scale;
        return pt;
    }
}
