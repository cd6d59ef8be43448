using System.Numerics;

namespace FedScore.Secure.Crypto.Lattice.Ring;

/// <summary>
/// A residue-number-system basis Q = q_0·q_1·…·q_{L−1} of distinct NTT-friendly primes for one ring degree N, with
/// the per-prime NTT tables and the constants for exact reconstruction (Garner's mixed-radix CRT, Knuth TAOCP vol. 2
/// §4.3.2), which is exact and needs no big integers; a BigInteger path is kept for exact rational scaling (BFV).
/// </summary>
public sealed class RnsBasis
{
    private readonly NttTable[] _tables;
    private readonly ulong[][] _garnerInv;     // [i][j] = q_j^{-1} mod q_i, j < i
    private readonly ulong[][] _garnerInvShoup;
    private readonly ulong[] _garnerOffset;    // a multiple of q_i above 2^61, so t + offset − v never underflows
    private readonly ulong[] _halfDigits;      // mixed-radix digits of floor(Q/2)
    private readonly ulong[][] _pow2;          // [i][e] = 2^e mod q_i, e < 1100 (covers every double exponent)
    private readonly BigInteger[] _prefix;     // q_0·…·q_{i−1}

    internal const int Pow2Table = 1100;

    public RnsBasis(int n, IReadOnlyList<ulong> moduli)
    {
        if (moduli.Count == 0)
        {
            throw new ArgumentException("an RNS basis needs at least one prime", nameof(moduli));
        }

        if (moduli.Distinct().Count() != moduli.Count)
        {
            throw new ArgumentException("RNS primes must be distinct", nameof(moduli));
        }

        N = n;
        _tables = moduli.Select(q => new NttTable(q, n)).ToArray();
        QArray = moduli.ToArray();
        Moduli = Array.AsReadOnly(QArray);
        int l = moduli.Count;
        _garnerInv = new ulong[l][];
        _garnerInvShoup = new ulong[l][];
        _garnerOffset = new ulong[l];
        _pow2 = new ulong[l][];
        _prefix = new BigInteger[l + 1];
        _prefix[0] = BigInteger.One;
        for (int i = 0; i < l; i++)
        {
            ulong qi = Moduli[i];
            _garnerOffset[i] = ((1UL << 61) / qi + 1) * qi;
            _garnerInv[i] = new ulong[i];
            _garnerInvShoup[i] = new ulong[i];
            for (int j = 0; j < i; j++)
            {
                _garnerInv[i][j] = ModArith.Inv(Moduli[j] % qi, qi);
                _garnerInvShoup[i][j] = ModArith.ShoupPrecompute(_garnerInv[i][j], qi);
            }

            _pow2[i] = new ulong[Pow2Table];
            ulong p = 1;
            for (int e = 0; e < Pow2Table; e++)
            {
                _pow2[i][e] = p;
                p = ModArith.Add(p, p, qi);
            }

            _prefix[i + 1] = _prefix[i] * qi;
        }

        Modulus = _prefix[l];
        BigInteger half = Modulus >> 1;
        _halfDigits = new ulong[l];
        for (int i = 0; i < l; i++)
        {
            _halfDigits[i] = (ulong)(half % Moduli[i]);
            half /= Moduli[i];
        }

        Log2Modulus = Moduli.Sum(q => Math.Log2(q));
    }

    public int N { get; }

    public int Count => _tables.Length;

    public IReadOnlyList<ulong> Moduli { get; }

    /// <summary>The primes as an array, for hot loops (no interface dispatch per access). Never modified.</summary>
    internal ulong[] QArray { get; }

    /// <summary>Q, the product of the primes.</summary>
    public BigInteger Modulus { get; }

    /// <summary>log2(Q) (not rounded).</summary>
    public double Log2Modulus { get; }

    public NttTable Table(int i) => _tables[i];

    /// <summary>2^e mod q_i for 0 ≤ e &lt; 1100.</summary>
    internal ulong Pow2(int i, int e) => _pow2[i][e];

    /// <summary>
    /// Writes the mixed-radix digits v of the residues r (one per prime) so that x = v_0 + v_1·q_0 + v_2·q_0·q_1 + …
    /// is the unique representative in [0, Q) (Garner's algorithm).
    /// </summary>
    internal void MixedRadix(ReadOnlySpan<ulong> residues, Span<ulong> digits)
    {
        for (int i = 0; i < Count; i++)
        {
            ulong qi = QArray[i];
            ulong t = residues[i];
            ulong[] inv = _garnerInv[i];
            ulong[] invS = _garnerInvShoup[i];
            ulong offset = _garnerOffset[i];
            for (int j = 0; j < i; j++)
            {
                // (t − v_j)·q_j^{-1} mod q_i without reducing v_j (< 2^61) first: t + offset − v_j ≡ t − v_j and lies in
                // (0, 2^63), and a Shoup product accepts any 64-bit multiplicand.
                t = ModArith.MulShoup(unchecked(t + offset - digits[j]), inv[j], invS[j], qi);
            }

            digits[i] = t;
        }
    }

    /// <summary>True when the mixed-radix value exceeds floor(Q/2), i.e. represents a negative centred value.</summary>
    internal bool IsNegative(ReadOnlySpan<ulong> digits)
    {
        for (int i = Count - 1; i >= 0; i--)
        {
            if (digits[i] != _halfDigits[i])
            {
                return digits[i] > _halfDigits[i];
            }
        }

        return false;
    }

    /// <summary>
    /// Centred lift of each coefficient of a polynomial in coefficient form to a double (exact up to the final
    /// double rounding: the integer is reconstructed exactly by Garner's algorithm before any rounding).
    /// </summary>
    public void ToCenteredDoubles(RnsPolynomial poly, Span<double> destination) => ToCenteredDoubles(poly, destination, 1.0);

    /// <summary>
    /// As <see cref="ToCenteredDoubles(RnsPolynomial, Span{double})"/>, each value multiplied by
    /// <paramref name="multiplier"/> (CKKS passes 1/Δ, so decoding is one pass). Vectorised; see <see cref="CrtToDouble"/>.
    /// </summary>
    public void ToCenteredDoubles(RnsPolynomial poly, Span<double> destination, double multiplier)
    {
        CheckCoefficientForm(poly);
        if (destination.Length < N)
        {
            throw new ArgumentException("destination too short", nameof(destination));
        }

        CrtToDouble.Lift(this, poly.Data, destination, multiplier, _halfDigits, _garnerInv, _garnerInvShoup, _garnerOffset);
    }

    /// <summary>Exact centred lift of one coefficient, in (−Q/2, Q/2].</summary>
    public BigInteger ToCenteredBigInteger(RnsPolynomial poly, int index)
    {
        CheckCoefficientForm(poly);
        Span<ulong> residues = stackalloc ulong[Count];
        Span<ulong> digits = stackalloc ulong[Count];
        for (int i = 0; i < Count; i++)
        {
            residues[i] = poly.Data[i * N + index];
        }

        MixedRadix(residues, digits);
        BigInteger x = BigInteger.Zero;
        for (int i = Count - 1; i >= 0; i--)
        {
            x = x * Moduli[i] + digits[i];
        }

        return IsNegative(digits) ? x - Modulus : x;
    }

    /// <summary>Residues of a signed big integer, one per prime.</summary>
    public void FromBigInteger(BigInteger value, Span<ulong> residues)
    {
        for (int i = 0; i < Count; i++)
        {
            BigInteger r = BigInteger.Remainder(value, Moduli[i]);
            residues[i] = r.Sign < 0 ? (ulong)(r + Moduli[i]) : (ulong)r;
        }
    }

    /// <summary>
    /// Residue mod q_i of an integer-valued double of any magnitude (|v| may exceed 2^63): v = m·2^e with a 53-bit
    /// mantissa m, so v mod q = (m mod q)·(2^e mod q).
    /// </summary>
    internal ulong ResidueOfIntegralDouble(double v, int i)
    {
        ulong q = QArray[i];
        if (Math.Abs(v) < 9.2e18)
        {
            return ModArith.FromSigned((long)v, q);
        }

        long bits = BitConverter.DoubleToInt64Bits(v);
        int exp = (int)((bits >> 52) & 0x7FF) - 1075;
        ulong mant = ((ulong)bits & 0xFFFFFFFFFFFFFUL) | (1UL << 52);
        NttTable t = _tables[i];
        ulong r = ModArith.MulBarrett(mant % q, _pow2[i][exp], q, t.BarrettHi, t.BarrettLo);
        return v < 0 ? ModArith.Neg(r, q) : r;
    }

    private void CheckCoefficientForm(RnsPolynomial poly)
    {
        if (poly.N != N || poly.Count != Count)
        {
            throw new ArgumentException("polynomial does not belong to this basis", nameof(poly));
        }

        if (poly.IsNtt)
        {
            throw new ArgumentException("polynomial must be in coefficient form", nameof(poly));
        }
    }
}
