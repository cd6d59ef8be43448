using System.Security.Cryptography;
using System.Text;
using FedScore.Secure.Crypto.Lattice.Ring;

namespace FedScore.Secure.Crypto.Lattice.Rlwe;

/// <summary>The scheme a parameter set belongs to (part of its identity).</summary>
public enum HeScheme : byte
{
    Ckks = 1,
    Bfv = 2,

    /// <summary>BFV with t = 2^k and several integer lanes per coefficient (aggregation only).</summary>
    BfvPacked = 3,
}

/// <summary>
/// A validated, immutable RLWE parameter set: ring degree N, RNS primes (Q = Π q_i) with their precomputed NTT
/// tables, error σ = 3.2, uniform ternary secret. Built only through a scheme's <c>Create</c> (checked against the
/// 128-bit table) or its explicitly insecure test factory. Objects of the Rlwe layer (keys, encryptors, decryptors,
/// evaluators) take this type; <see cref="Ckks.CkksParameters"/> and <see cref="Bfv.BfvParameters"/> derive from it.
/// </summary>
public abstract class RlweParameters
{
    private protected RlweParameters(HeScheme scheme, int logN, IReadOnlyList<int>? logQ, IReadOnlyList<ulong>? moduli, bool insecureForTesting)
    {
        if (logN < 1 || logN > SecurityStandard.MaxLogN)
        {
            throw new ArgumentOutOfRangeException(nameof(logN), $"LogN must be in [1, {SecurityStandard.MaxLogN}], got {logN}");
        }

        int n = 1 << logN;
        ulong[] q;
        if (moduli is { Count: > 0 })
        {
            if (logQ is { Count: > 0 })
            {
                throw new ArgumentException("give either LogQ (bit sizes) or Moduli (explicit primes), not both");
            }

            q = moduli.ToArray();
            foreach (ulong p in q)
            {
                if (!Primes.IsPrime(p) || (p - 1) % (2UL * (ulong)n) != 0 || ModArith.BitLength(p) > ModArith.MaxModulusBits)
                {
                    throw new ArgumentException($"modulus {p} is not a prime ≡ 1 mod 2N below 2^{ModArith.MaxModulusBits}");
                }
            }
        }
        else if (logQ is { Count: > 0 })
        {
            foreach (int b in logQ)
            {
                if (b < 17 || b > ModArith.MaxModulusBits)
                {
                    throw new ArgumentOutOfRangeException(nameof(logQ), $"each LogQ entry must be in [17, {ModArith.MaxModulusBits}], got {b}");
                }
            }

            q = Primes.Generate(logQ, n);
        }
        else
        {
            throw new ArgumentException("a parameter set needs LogQ or Moduli");
        }

        if (q.Length > 16)
        {
            throw new ArgumentException($"at most 16 RNS primes are supported, got {q.Length}");
        }

        Scheme = scheme;
        LogN = logN;
        N = n;
        Log2Q = q.Sum(ModArith.BitLength);
        IsInsecureForTesting = insecureForTesting;
        if (!insecureForTesting)
        {
            if (logN < SecurityStandard.MinLogN)
            {
                throw new ArgumentException($"N = {n} is below the 128-bit security standard's smallest ring (1024); " +
                    "only the explicitly insecure test factory accepts it");
            }

            int max = SecurityStandard.MaxLog2Q128(n);
            if (Log2Q > max)
            {
                throw new ArgumentException($"log2 Q = {Log2Q} exceeds {max}, the 128-bit bound for N = {n} " +
                    "(HomomorphicEncryption.org standard, ternary secret); use a larger N or fewer/smaller primes");
            }
        }

        Basis = new RnsBasis(n, q);
    }

    public HeScheme Scheme { get; }

    public int LogN { get; }

    /// <summary>Ring degree N (polynomials mod X^N + 1).</summary>
    public int N { get; }

    public RnsBasis Basis { get; }

    public IReadOnlyList<ulong> Moduli => Basis.Moduli;

    /// <summary>Σ bit length of the primes (how the security table counts log2 Q).</summary>
    public int Log2Q { get; }

    /// <summary>Error standard deviation σ (HE standard default).</summary>
    public double Sigma => Sampler.Sigma;

    /// <summary>True only for sets made through a test-only factory: they give no security.</summary>
    public bool IsInsecureForTesting { get; }

    /// <summary>Fingerprint for wire headers; equal ids mean equal parameters.</summary>
    public ParameterSetId Id => _id ??= ComputeId();

    private ParameterSetId? _id;

    /// <summary>Scheme-specific fields (scale, plaintext modulus) for the fingerprint.</summary>
    private protected abstract void DescribeSchemeFields(StringBuilder sb);

    private ParameterSetId ComputeId()
    {
        var sb = new StringBuilder("FedScore.Secure.Lattice/v1;");
        sb.Append(Scheme).Append(";logN=").Append(LogN).Append(";q=").AppendJoin(',', Moduli)
          .Append(";sigma=3.2;secret=ternary;insecure=").Append(IsInsecureForTesting).Append(';');
        DescribeSchemeFields(sb);
        byte[] h = SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString()));
        return ParameterSetId.FromBytes(h);
    }

    public override string ToString() =>
        $"{Scheme} N={N} log2Q={Log2Q} primes={Moduli.Count}{(IsInsecureForTesting ? " INSECURE-TEST-ONLY" : "")}";
}
