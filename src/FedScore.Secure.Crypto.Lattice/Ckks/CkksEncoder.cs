using System.Numerics;
using FedScore.Secure.Crypto.Lattice.Ring;
using FedScore.Secure.Crypto.Lattice.Rlwe;

namespace FedScore.Secure.Crypto.Lattice.Ckks;

/// <summary>
/// The CKKS canonical-embedding encoder (Cheon, Kim, Kim &amp; Song 2017, §3.2–3.3): N/2 complex slots z_j are the
/// evaluations m(ζ^{5^j}) of the plaintext polynomial at the primitive 2N-th roots ζ = e^{iπ/N} indexed by the
/// rotation group ⟨5⟩ ⊂ Z*_{2N}. Encoding runs the "special" inverse FFT of the HEAAN reference implementation in
/// O(N log N) and rounds Δ·(real, imaginary) parts into coefficients j and j + N/2.
/// </summary>
/// <remarks>
/// Precision: each coefficient is rounded by at most 1/2, so a slot moves by at most N/(2Δ) in the worst case
/// (about √N/(2Δ) typically), plus floating-point FFT error of order log2(N)·2^-53·max|z|. Not thread-safe (scratch
/// buffers): one instance per thread.
/// </remarks>
public sealed class CkksEncoder
{
    private readonly CkksParameters _parameters;
    private readonly Complex[] _ksi;     // e^{2πik/M}, k = 0..M
    private readonly int[] _rotGroup;    // 5^j mod M
    private readonly int _m;
    private readonly Complex[] _work;
    private readonly Complex[] _fftTwiddles;   // per stage (len = 2, 4, …): ζ^{(5^j mod 4len)·M/(4len)}, j < len/2
    private readonly Complex[] _ifftTwiddles;  // conjugate order for the inverse
    private readonly double[] _coeffs;

    public CkksEncoder(CkksParameters parameters)
    {
        _parameters = parameters ?? throw new ArgumentNullException(nameof(parameters));
        int n = parameters.N;
        _m = 2 * n;
        _ksi = new Complex[_m + 1];
        for (int k = 0; k <= _m; k++)
        {
            double angle = 2 * Math.PI * k / _m;
            _ksi[k] = new Complex(Math.Cos(angle), Math.Sin(angle));
        }

        _rotGroup = new int[n / 2];
        int g = 1;
        for (int j = 0; j < n / 2; j++)
        {
            _rotGroup[j] = g;
            g = (int)((long)g * 5 % _m);
        }

        _work = new Complex[n / 2];
        int slots = n / 2;
        _fftTwiddles = new Complex[Math.Max(1, slots - 1)];
        _ifftTwiddles = new Complex[Math.Max(1, slots - 1)];
        int o = 0;
        for (int len = 2; len <= slots; len <<= 1)
        {
            int lenh = len >> 1, lenq = len << 2, gap = _m / lenq;
            for (int j = 0; j < lenh; j++)
            {
                _fftTwiddles[o + j] = _ksi[(_rotGroup[j] % lenq) * gap];
                _ifftTwiddles[o + j] = _ksi[(lenq - _rotGroup[j] % lenq) * gap];
            }

            o += lenh;
        }
        _coeffs = new double[n];
    }

    public int Slots => _parameters.N / 2;

    /// <summary>Worst-case bound on |decode(encode(z)) − z| per slot from rounding: N/(2Δ).</summary>
    public double EncodingErrorBound(double scale) => _parameters.N / (2 * scale);

    public Plaintext Encode(ReadOnlySpan<double> values, double? scale = null)
    {
        var z = new Complex[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            z[i] = values[i];
        }

        return Encode(z, scale);
    }

    public Plaintext Encode(ReadOnlySpan<Complex> values, double? scale = null)
    {
        var pt = new Plaintext(_parameters);
        Encode(values, scale ?? _parameters.Scale, pt);
        return pt;
    }

    public void Encode(ReadOnlySpan<Complex> values, double scale, Plaintext destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        int slots = Slots;
        if (values.Length > slots)
        {
            throw new ArgumentException($"at most N/2 = {slots} slots, got {values.Length}", nameof(values));
        }

        if (!(scale >= 1) || double.IsInfinity(scale))
        {
            throw new ArgumentOutOfRangeException(nameof(scale), "scale must be a finite value ≥ 1");
        }

        Span<Complex> w = _work;
        w.Clear();
        values.CopyTo(w);
        SpecialInverseFft(w);
        double limit = Math.ScaleB(1, (int)Math.Floor(_parameters.Basis.Log2Modulus) - 3);
        RnsBasis basis = _parameters.Basis;
        RnsPolynomial p = destination.Poly;
        int n = _parameters.N;
        p.IsNtt = false;
        for (int j = 0; j < slots; j++)
        {
            _coeffs[j] = Math.Round(w[j].Real * scale, MidpointRounding.ToEven);
            _coeffs[j + slots] = Math.Round(w[j].Imaginary * scale, MidpointRounding.ToEven);
        }

        for (int k = 0; k < n; k++)
        {
            double v = _coeffs[k];
            if (!double.IsFinite(v) || Math.Abs(v) >= limit)
            {
                throw new ArgumentException($"encoded coefficient {k} is not finite or too large for log2 Q = {_parameters.Log2Q}", nameof(values));
            }

            for (int i = 0; i < basis.Count; i++)
            {
                p.Data[i * n + k] = basis.ResidueOfIntegralDouble(v, i);
            }
        }

        destination.Scale = scale;
    }

    public Complex[] Decode(Plaintext plaintext)
    {
        var z = new Complex[Slots];
        Decode(plaintext, z);
        return z;
    }

    public void Decode(Plaintext plaintext, Span<Complex> destination)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        _parameters.Basis.ToCenteredDoubles(plaintext.Poly, _coeffs);
        int slots = Slots;
        double inv = 1.0 / plaintext.Scale;
        Span<Complex> w = _work;
        for (int j = 0; j < slots; j++)
        {
            w[j] = new Complex(_coeffs[j] * inv, _coeffs[j + slots] * inv);
        }

        SpecialFft(w);
        w[..Math.Min(slots, destination.Length)].CopyTo(destination);
    }

    /// <summary>Evaluates the slot values from coefficients (HEAAN's fftSpecial).</summary>
    private void SpecialFft(Span<Complex> v)
    {
        int n = v.Length;
        BitReverse(v);
        int o = 0;
        for (int len = 2; len <= n; len <<= 1)
        {
            int lenh = len >> 1;
            ReadOnlySpan<Complex> tw = _fftTwiddles.AsSpan(o, lenh);
            for (int i = 0; i < n; i += len)
            {
                Span<Complex> lo = v.Slice(i, lenh), hi = v.Slice(i + lenh, lenh);
                for (int j = 0; j < lenh; j++)
                {
                    Complex u = lo[j];
                    Complex t = hi[j] * tw[j];
                    lo[j] = u + t;
                    hi[j] = u - t;
                }
            }

            o += lenh;
        }
    }

    /// <summary>Inverse of <see cref="SpecialFft"/> (HEAAN's fftSpecialInv), including the 1/n factor.</summary>
    private void SpecialInverseFft(Span<Complex> v)
    {
        int n = v.Length;
        int o = n - 1; // the twiddle table ends with the largest stage
        for (int len = n; len >= 2; len >>= 1)
        {
            int lenh = len >> 1;
            o -= lenh;
            ReadOnlySpan<Complex> tw = _ifftTwiddles.AsSpan(o, lenh);
            for (int i = 0; i < n; i += len)
            {
                Span<Complex> lo = v.Slice(i, lenh), hi = v.Slice(i + lenh, lenh);
                for (int j = 0; j < lenh; j++)
                {
                    Complex a = lo[j], b = hi[j];
                    lo[j] = a + b;
                    hi[j] = (a - b) * tw[j];
                }
            }
        }

        BitReverse(v);
        double inv = 1.0 / n;
        for (int i = 0; i < n; i++)
        {
            v[i] *= inv;
        }
    }

    private static void BitReverse(Span<Complex> v)
    {
        int n = v.Length;
        for (int i = 1, j = 0; i < n; i++)
        {
            int bit = n >> 1;
            for (; (j & bit) != 0; bit >>= 1)
            {
                j ^= bit;
            }

            j ^= bit;
            if (i < j)
            {
                (v[i], v[j]) = (v[j], v[i]);
            }
        }
    }
}
