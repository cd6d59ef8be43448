using System.Numerics;
using FedScore.Secure.Crypto.Lattice.Ring;
using FedScore.Secure.Crypto.Lattice.Rlwe;

namespace FedScore.Secure.Crypto.Lattice.Bfv;

/// <summary>
/// BFV encoding (Fan &amp; Vercauteren 2012, §3): a message m ∈ Z_t[X]/(X^N + 1) is carried as Δ·m with
/// Δ = floor(Q/t), so decryption recovers m = round(t·x/Q) mod t from x = Δ·m + v whenever the noise |v| stays below
/// Δ/2 − t (the extra t covers the (Q mod t)·floor(Σm/t) wrap term of sums). Two layouts: coefficients (N integers;
/// any t) and batching (N slots; t prime ≡ 1 mod 2N, slots are the NTT of the message over Z_t; Smart–Vercauteren
/// 2014). Not thread-safe (scratch buffers): one instance per thread.
/// </summary>
public sealed class BfvEncoder
{
    private readonly BfvParameters _parameters;
    private readonly ulong[] _deltaModQ;
    private readonly ulong[] _scratch;
    private readonly BigInteger _q;
    private readonly BigInteger _halfQ;
    private readonly bool _fastScale;
    private readonly double[] _invTail; // 1 / (q_i·…·q_{L−1}) for i < L − 1

    public BfvEncoder(BfvParameters parameters)
        : this(parameters, allowFastScaling: true)
    {
    }

    /// <summary>Tests compare the fast scaling path with the BigInteger one through this constructor.</summary>
    internal BfvEncoder(BfvParameters parameters, bool allowFastScaling)
    {
        _parameters = parameters ?? throw new ArgumentNullException(nameof(parameters));
        RnsBasis basis = parameters.Basis;
        _q = basis.Modulus;
        _halfQ = _q >> 1;
        BigInteger delta = _q / parameters.PlainModulus;
        _deltaModQ = new ulong[basis.Count];
        basis.FromBigInteger(delta, _deltaModQ);
        _scratch = new ulong[parameters.N];

        // Fast exact scaling (see ScaleDown) needs every lower mixed-radix term t·v_i/(q_i…q_{L−1}) < t/q_{L−1} to be a
        // small fraction (≤ 2^-12) so that doubles carry it with error far below the rounding margin.
        int l = basis.Count;
        _fastScale = allowFastScaling && l >= 2 && ModArith.BitLength(parameters.PlainModulus) + 12 < ModArith.BitLength(basis.QArray[l - 1]);
        _invTail = new double[l];
        for (int i = 0; i < l - 1; i++)
        {
            double prod = 1;
            for (int j = i; j < l; j++)
            {
                prod *= basis.QArray[j];
            }

            _invTail[i] = 1 / prod;
        }
    }

    public int Capacity => _parameters.N;

    /// <summary>Encodes up to N signed integers as coefficients (each taken mod t; decode them back centred).</summary>
    public Plaintext EncodeCoefficients(ReadOnlySpan<long> values)
    {
        if (values.Length > _parameters.N)
        {
            throw new ArgumentException($"at most N = {_parameters.N} values, got {values.Length}", nameof(values));
        }

        ulong t = _parameters.PlainModulus;
        Span<ulong> m = _scratch;
        m.Clear();
        for (int k = 0; k < values.Length; k++)
        {
            m[k] = ModArith.FromSigned(values[k], t);
        }

        return Lift(m);
    }

    /// <summary>Encodes up to N slot values (mod t) with batching.</summary>
    /// <exception cref="InvalidOperationException">t does not support batching.</exception>
    public Plaintext EncodeBatched(ReadOnlySpan<long> values)
    {
        NttTable table = _parameters.PlainNtt ?? throw new InvalidOperationException(
            $"t = {_parameters.PlainModulus} is not a prime ≡ 1 mod 2N; use coefficient encoding");
        if (values.Length > _parameters.N)
        {
            throw new ArgumentException($"at most N = {_parameters.N} slots, got {values.Length}", nameof(values));
        }

        ulong t = _parameters.PlainModulus;
        Span<ulong> m = _scratch;
        m.Clear();
        for (int k = 0; k < values.Length; k++)
        {
            m[k] = ModArith.FromSigned(values[k], t);
        }

        Ntt.Inverse(m, table); // slots are the evaluations; the message polynomial is their inverse transform
        return Lift(m);
    }

    /// <summary>Decodes coefficients as centred integers in (−t/2, t/2].</summary>
    public void DecodeCoefficients(Plaintext plaintext, Span<long> destination)
    {
        Span<ulong> m = _scratch;
        ScaleDown(plaintext, m);
        Centre(m, destination);
    }

    public long[] DecodeCoefficients(Plaintext plaintext)
    {
        var d = new long[_parameters.N];
        DecodeCoefficients(plaintext, d);
        return d;
    }

    /// <summary>Decodes batched slots as centred integers in (−t/2, t/2].</summary>
    public void DecodeBatched(Plaintext plaintext, Span<long> destination)
    {
        NttTable table = _parameters.PlainNtt ?? throw new InvalidOperationException("t does not support batching");
        Span<ulong> m = _scratch;
        ScaleDown(plaintext, m);
        Ntt.Forward(m, table);
        Centre(m, destination);
    }

    public long[] DecodeBatched(Plaintext plaintext)
    {
        var d = new long[_parameters.N];
        DecodeBatched(plaintext, d);
        return d;
    }

    private void Centre(ReadOnlySpan<ulong> m, Span<long> destination)
    {
        ulong t = _parameters.PlainModulus;
        ulong half = t >> 1;
        int count = Math.Min(destination.Length, m.Length);
        for (int k = 0; k < count; k++)
        {
            destination[k] = m[k] > half ? -(long)(t - m[k]) : (long)m[k];
        }
    }

    private Plaintext Lift(ReadOnlySpan<ulong> m)
    {
        var pt = new Plaintext(_parameters);
        RnsBasis basis = _parameters.Basis;
        int n = _parameters.N;
        for (int i = 0; i < basis.Count; i++)
        {
            ulong q = basis.QArray[i];
            Span<ulong> limb = pt.Poly.Limb(i);
            ulong d = _deltaModQ[i], ds = ModArith.ShoupPrecompute(d, q);
            for (int k = 0; k < n; k++)
            {
                limb[k] = ModArith.MulShoup(m[k] % q, d, ds, q);
            }
        }

        return pt;
    }

    /// <summary>m_k = round(t·x_k / Q) mod t with x_k ∈ [0, Q): exact, in 128-bit words for one prime, else BigInteger.</summary>
    private void ScaleDown(Plaintext plaintext, Span<ulong> m)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        if (plaintext.Poly.IsNtt)
        {
            throw new ArgumentException("plaintext must be in coefficient form", nameof(plaintext));
        }

        RnsBasis basis = _parameters.Basis;
        ulong t = _parameters.PlainModulus;
        int n = _parameters.N;
        if (basis.Count == 1)
        {
            ulong q = basis.QArray[0];
            ReadOnlySpan<ulong> x = plaintext.Poly.Limb(0);
            for (int k = 0; k < n; k++)
            {
                UInt128 num = (UInt128)x[k] * t + (q >> 1);
                m[k] = (ulong)(num / q % t);
            }

            return;
        }

        Span<ulong> residues = stackalloc ulong[basis.Count];
        Span<ulong> digits = stackalloc ulong[basis.Count];
        int top = basis.Count - 1;
        ulong qTop = basis.QArray[top];
        for (int k = 0; k < n; k++)
        {
            for (int i = 0; i < basis.Count; i++)
            {
                residues[i] = plaintext.Poly.Data[i * n + k];
            }

            basis.MixedRadix(residues, digits);
            if (_fastScale)
            {
                // x = Σ v_i·q_0…q_{i−1}, so t·x/Q = t·v_top/q_top + Σ_{i<top} t·v_i/(q_i…q_top). The top term is split
                // exactly into quotient and remainder in 128-bit words; the lower terms are each < 2^-12 and summed in
                // double precision (absolute error ≈ 2^-60, far inside the planner's noise margin).
                UInt128 prod = (UInt128)t * digits[top];
                ulong quotient = (ulong)(prod / qTop);
                double frac = (double)(ulong)(prod % qTop) / qTop;
                for (int i = 0; i < top; i++)
                {
                    frac += (double)t * digits[i] * _invTail[i];
                }

                ulong rounded = quotient + (ulong)Math.Floor(frac + 0.5);
                m[k] = rounded % t;
                continue;
            }

            BigInteger x = BigInteger.Zero;
            for (int i = basis.Count - 1; i >= 0; i--)
            {
                x = x * basis.QArray[i] + digits[i];
            }

            BigInteger r = (x * t + _halfQ) / _q;
            m[k] = (ulong)(r % t);
        }
    }
}
