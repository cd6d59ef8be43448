using System.Numerics;
using System.Text;
using FedScore.Secure.Crypto.Lattice.Rlwe;

namespace FedScore.Secure.Crypto.Lattice.Bfv;

/// <summary>Unchecked description of a packed-BFV set: ring, primes, t = 2^PlainBits, lanes of LaneBits per coefficient.</summary>
public sealed record PackedBfvParametersLiteral
{
    public int LogN { get; init; }

    public int[]? LogQ { get; init; }

    /// <summary>k with t = 2^k (any size below Q; the message never wraps mod t, see <see cref="PackedBfvEncoder"/>).</summary>
    public int PlainBits { get; init; }

    /// <summary>Bits per lane: each lane holds a non-negative sum below 2^LaneBits.</summary>
    public int LaneBits { get; init; }
}

/// <summary>
/// BFV for additive aggregation with a wide plaintext modulus t = 2^k and ⌊k/w⌋ lanes of w bits per coefficient:
/// several fixed-point integers share one coefficient (like slot packing in Paillier), which divides the bytes per
/// value by the number of lanes. Encoded lane values are biased to be non-negative, so lane sums never borrow from
/// or carry into a neighbour, and the whole message stays below t, so it never wraps modulo t.
/// </summary>
public sealed class PackedBfvParameters : RlweParameters
{
    private PackedBfvParameters(PackedBfvParametersLiteral lit, bool insecure)
        : base(HeScheme.BfvPacked, lit.LogN, lit.LogQ, null, insecure)
    {
        if (lit.PlainBits < 1 || lit.PlainBits > Basis.Log2Modulus - 20)
        {
            throw new ArgumentOutOfRangeException(nameof(lit), $"PlainBits must be in [1, log2 Q − 20], got {lit.PlainBits}");
        }

        if (lit.LaneBits < 2 || lit.LaneBits > 62 || lit.LaneBits > lit.PlainBits)
        {
            throw new ArgumentOutOfRangeException(nameof(lit), $"LaneBits must be in [2, min(62, PlainBits)], got {lit.LaneBits}");
        }

        PlainBits = lit.PlainBits;
        LaneBits = lit.LaneBits;
        Lanes = lit.PlainBits / lit.LaneBits;
        PlainModulus = BigInteger.One << lit.PlainBits;
    }

    public static PackedBfvParameters Create(PackedBfvParametersLiteral literal) =>
        new(literal ?? throw new ArgumentNullException(nameof(literal)), insecure: false);

    /// <summary>TEST ONLY: accepts insecure sets for fast tests. Gives no security.</summary>
    public static PackedBfvParameters CreateInsecureForTesting(PackedBfvParametersLiteral literal) =>
        new(literal ?? throw new ArgumentNullException(nameof(literal)), insecure: true);

    public int PlainBits { get; }

    public int LaneBits { get; }

    /// <summary>⌊PlainBits / LaneBits⌋ values per coefficient.</summary>
    public int Lanes { get; }

    /// <summary>Values per plaintext: N · lanes.</summary>
    public int Capacity => N * Lanes;

    public BigInteger PlainModulus { get; }

    private protected override void DescribeSchemeFields(StringBuilder sb) =>
        sb.Append("plainBits=").Append(PlainBits).Append(";laneBits=").Append(LaneBits);
}
