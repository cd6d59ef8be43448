using System.Text;
using FedScore.Secure.Crypto.Lattice.Ring;
using FedScore.Secure.Crypto.Lattice.Rlwe;

namespace FedScore.Secure.Crypto.Lattice.Bfv;

/// <summary>Unchecked description of a BFV parameter set; see <see cref="BfvParameters.Create"/>.</summary>
public sealed record BfvParametersLiteral
{
    public int LogN { get; init; }

    public int[]? LogQ { get; init; }

    public ulong[]? Moduli { get; init; }

    /// <summary>Plaintext modulus t (≥ 2). Batching needs a prime t ≡ 1 mod 2N; coefficient encoding takes any t.</summary>
    public ulong PlainModulus { get; init; }
}

/// <summary>A validated, immutable BFV parameter set (Fan–Vercauteren 2012; Brakerski 2012).</summary>
public sealed class BfvParameters : RlweParameters
{
    private BfvParameters(BfvParametersLiteral lit, bool insecure)
        : base(HeScheme.Bfv, lit.LogN, lit.LogQ, lit.Moduli, insecure)
    {
        ulong t = lit.PlainModulus;
        if (t < 2 || ModArith.BitLength(t) > 60 || ModArith.BitLength(t) >= Log2Q - 10)
        {
            throw new ArgumentOutOfRangeException(nameof(lit), $"plain modulus t must be in [2, 2^60] and far below Q (log2 Q = {Log2Q}), got {t}");
        }

        foreach (ulong q in Moduli)
        {
            if (q == t)
            {
                throw new ArgumentException("the plain modulus must differ from every ciphertext prime");
            }
        }

        PlainModulus = t;
        SupportsBatching = Primes.IsPrime(t) && (t - 1) % (2UL * (ulong)N) == 0;
        if (SupportsBatching)
        {
            PlainNtt = new NttTable(t, N);
        }
    }

    public static BfvParameters Create(BfvParametersLiteral literal) =>
        new(literal ?? throw new ArgumentNullException(nameof(literal)), insecure: false);

    /// <summary>TEST ONLY: accepts insecure sets for fast tests. Gives no security.</summary>
    public static BfvParameters CreateInsecureForTesting(BfvParametersLiteral literal) =>
        new(literal ?? throw new ArgumentNullException(nameof(literal)), insecure: true);

    /// <summary>t: plaintexts are polynomials mod t.</summary>
    public ulong PlainModulus { get; }

    /// <summary>t is a prime ≡ 1 mod 2N, so N integer slots are available (CRT over t via an NTT).</summary>
    public bool SupportsBatching { get; }

    internal NttTable? PlainNtt { get; }

    /// <summary>
    /// N = 4096, Q = {55, 54} (109 bits, the 128-bit maximum), t = the largest 20-bit prime ≡ 1 mod 8192
    /// (batching; the shape of SEAL's BFVDefault(4096) with a 20-bit batching t).
    /// </summary>
    public static BfvParameters Example128BitLogN12 { get; } = Create(new BfvParametersLiteral
    {
        LogN = 12,
        LogQ = [55, 54],
        PlainModulus = Primes.NextNttPrimeBelow(20, 4096, []),
    });

    /// <summary>N = 8192, Q = {43, 43, 44, 44, 44} (218 bits, the 128-bit maximum; SEAL's BFVDefault(8192) sizes), 20-bit batching t.</summary>
    public static BfvParameters Example128BitLogN13 => s_logN13.Value;

    /// <summary>N = 16384, Q = {48, 48, 48, 49 ×6} (438 bits; SEAL's BFVDefault(16384) sizes), 20-bit batching t.</summary>
    public static BfvParameters Example128BitLogN14 => s_logN14.Value;

    private static readonly Lazy<BfvParameters> s_logN13 = new(() => Create(new BfvParametersLiteral
    {
        LogN = 13,
        LogQ = [43, 43, 44, 44, 44],
        PlainModulus = Primes.NextNttPrimeBelow(20, 8192, []),
    }));

    private static readonly Lazy<BfvParameters> s_logN14 = new(() => Create(new BfvParametersLiteral
    {
        LogN = 14,
        LogQ = [48, 48, 48, 49, 49, 49, 49, 49, 49],
        PlainModulus = Primes.NextNttPrimeBelow(20, 16384, []),
    }));

    private protected override void DescribeSchemeFields(StringBuilder sb) => sb.Append("t=").Append(PlainModulus);
}
