using FedScore.Secure.Crypto.Lattice.Ring;
using FedScore.Secure.Crypto.Lattice.Rlwe;

namespace FedScore.Secure.Crypto.Lattice.Ckks;

/// <summary>
/// Coefficient encoding for aggregation-only CKKS: N reals per plaintext, value k carried as coefficient
/// round(Δ·x_k). Additions and integer/real scalings commute with this map, so no FFT is needed and twice as many
/// values fit as with the slot encoder. (Rotations and multiplications would need <see cref="CkksEncoder"/>.)
/// </summary>
/// <remarks>
/// Precision: encoding then decoding a value x loses at most 1/(2Δ) + |x|·2^-50 (rounding to an integer; forming
/// Δ·x in double precision and converting the exact CRT value back to double each cost a few units of 2^-53 relative
/// error); decryption adds the ciphertext noise divided by Δ. Not thread-safe (scratch buffers): one instance per thread.
/// </remarks>
public sealed class CkksCoefficientEncoder
{
    private readonly CkksParameters _parameters;
    private readonly double[] _scratch;

    public CkksCoefficientEncoder(CkksParameters parameters)
    {
        _parameters = parameters ?? throw new ArgumentNullException(nameof(parameters));
        _scratch = new double[parameters.N];
    }

    /// <summary>Values per plaintext: N.</summary>
    public int Capacity => _parameters.N;

    /// <summary>Bound on |decode(encode(x)) − x| (no encryption): 1/(2Δ) + |x|·2^-50.</summary>
    public static double EncodingErrorBound(double scale, double maxAbsValue) => 0.5 / scale + maxAbsValue * Math.ScaleB(1, -50);

    public Plaintext Encode(ReadOnlySpan<double> values, double? scale = null)
    {
        var pt = new Plaintext(_parameters);
        Encode(values, scale ?? _parameters.Scale, pt);
        return pt;
    }

    /// <exception cref="ArgumentException">More than N values, a non-finite value, or Δ·|x| too close to Q/2.</exception>
    public void Encode(ReadOnlySpan<double> values, double scale, Plaintext destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (values.Length > _parameters.N)
        {
            throw new ArgumentException($"at most N = {_parameters.N} values per plaintext, got {values.Length}", nameof(values));
        }

        if (!(scale >= 1) || double.IsInfinity(scale))
        {
            throw new ArgumentOutOfRangeException(nameof(scale), "scale must be a finite value ≥ 1");
        }

        // Every |Δ·x| must stay below Q/4 so that sums and noise still decode without wrapping.
        double limit = Math.ScaleB(1, (int)Math.Floor(_parameters.Basis.Log2Modulus) - 3);
        RnsBasis basis = _parameters.Basis;
        RnsPolynomial p = destination.Poly;
        int n = _parameters.N;
        p.IsNtt = false;
        p.AsSpan().Clear();
        for (int k = 0; k < values.Length; k++)
        {
            double v = Math.Round(values[k] * scale, MidpointRounding.ToEven);
            if (!double.IsFinite(v) || Math.Abs(v) >= limit)
            {
                throw new ArgumentException($"value {k} ({values[k]}) is not finite or too large for scale 2^{Math.Log2(scale):0.#} and log2 Q = {_parameters.Log2Q}", nameof(values));
            }

            if (Math.Abs(v) < 9.2e18)
            {
                long iv = (long)v;
                for (int i = 0; i < basis.Count; i++)
                {
                    p.Data[i * n + k] = ModArith.FromSigned(iv, basis.QArray[i]);
                }
            }
            else
            {
                for (int i = 0; i < basis.Count; i++)
                {
                    p.Data[i * n + k] = basis.ResidueOfIntegralDouble(v, i);
                }
            }
        }

        destination.Scale = scale;
    }

    public double[] Decode(Plaintext plaintext)
    {
        var d = new double[_parameters.N];
        Decode(plaintext, d);
        return d;
    }

    /// <summary>Writes min(N, destination.Length) decoded values.</summary>
    public void Decode(Plaintext plaintext, Span<double> destination)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        ParamCheck.Same(_parameters, plaintext.Parameters, nameof(plaintext));
        double inv = 1.0 / plaintext.Scale;
        if (destination.Length >= _parameters.N)
        {
            // One pass: CRT lift, sign and 1/Δ fused (no scratch copy).
            _parameters.Basis.ToCenteredDoubles(plaintext.Poly, destination, inv);
            return;
        }

        _parameters.Basis.ToCenteredDoubles(plaintext.Poly, _scratch, inv);
        _scratch.AsSpan(0, destination.Length).CopyTo(destination);
    }

    /// <summary>
    /// Decodes for release: rounds every value to a multiple of 2^⌊log2(errorBound)⌋, so the low-order bits, which carry
    /// key- and noise-dependent information, are not published (Lattigo's DecodePublic; Li &amp; Micciancio,
    /// EUROCRYPT 2021, on IND-CPA-D attacks against CKKS). The result stays within 2·errorBound of the exact value.
    /// </summary>
    public void DecodePublic(Plaintext plaintext, Span<double> destination, double errorBound)
    {
        if (!(errorBound > 0) || double.IsInfinity(errorBound))
        {
            throw new ArgumentOutOfRangeException(nameof(errorBound), "error bound must be positive and finite");
        }

        Decode(plaintext, destination);
        double step = Math.ScaleB(1, (int)Math.Floor(Math.Log2(errorBound)));
        int count = Math.Min(destination.Length, _parameters.N);
        for (int k = 0; k < count; k++)
        {
            destination[k] = Math.Round(destination[k] / step, MidpointRounding.ToEven) * step;
        }
    }
}
