using System.Globalization;

namespace FedScore.Secure.Scoring.Binning;

/// <summary>Small numeric helpers that reproduce R's behaviour where AutoScore depends on it.</summary>
public static class RNumerics
{
    /// <summary>
    /// R <c>round(x)</c> to an integer: IEEE round-half-to-even (R uses nearbyint; numpy the same). .NET's default
    /// <see cref="Math.Round(double)"/> is ToEven as well; written out so that nobody "fixes" it to AwayFromZero.
    /// </summary>
    public static double RoundHalfEven(double x) => Math.Round(x, MidpointRounding.ToEven);

    /// <summary>
    /// R <c>signif(x, digits)</c> (nmath/fprec.c): scale by 10^k so that <paramref name="digits"/> digits are left of
    /// the point, round half-even (rint), scale back. R scales in 80-bit long double, which keeps values such as
    /// 11.35 (binary 11.3499999…) below the tie; we scale EXACTLY (BigInteger arithmetic on the double's binary
    /// value), which agrees with R wherever long double is exact enough — i.e. on every value a 3-digit cut can see.
    /// </summary>
    public static double Signif(double x, int digits)
    {
        digits = Math.Clamp(digits, 1, 22);
        if (x == 0 || !double.IsFinite(x))
        {
            return x;
        }

        var sign = Math.Sign(x);
        var ax = Math.Abs(x);
        var k = digits - 1 - (int)Math.Floor(Math.Log10(ax));
        // ax = mantissa · 2^exponent exactly.
        var bits = BitConverter.DoubleToInt64Bits(ax);
        var rawExponent = (int)((bits >> 52) & 0x7FF);
        var mantissa = bits & 0xFFFFFFFFFFFFFL;
        int exponent;
        if (rawExponent == 0)
        {
            exponent = -1074;
        }
        else
        {
            mantissa |= 1L << 52;
            exponent = rawExponent - 1075;
        }

        var num = new System.Numerics.BigInteger(mantissa);
        var den = System.Numerics.BigInteger.One;
        if (exponent >= 0)
        {
            num <<= exponent;
        }
        else
        {
            den <<= -exponent;
        }

        if (k >= 0)
        {
            num *= System.Numerics.BigInteger.Pow(10, k);
        }
        else
        {
            den *= System.Numerics.BigInteger.Pow(10, -k);
        }

        var q = System.Numerics.BigInteger.DivRem(num, den, out var r);
        var twice = 2 * r;
        if (twice > den || (twice == den && !q.IsEven))
        {
            q += 1;
        }

        var rounded = k >= 0 ? (double)q / Math.Pow(10, k) : (double)q * Math.Pow(10, -k);
        return sign * rounded;
    }

    /// <summary>
    /// C's <c>%.{digits}g</c> (R <c>formatC(x, digits, format = "g")</c>): <paramref name="digits"/> significant
    /// digits, trailing zeros removed, exponent form when the exponent is &lt; -4 or ≥ digits (e.g. 1050 → "1.05e+03").
    /// </summary>
    public static string FormatG(double x, int digits)
    {
        if (x == 0)
        {
            return "0";
        }

        if (!double.IsFinite(x))
        {
            return x > 0 ? "Inf" : x < 0 ? "-Inf" : "NaN";
        }

        // The exponent after rounding to 'digits' significant digits decides the style (as C does).
        var sci = x.ToString("E" + (digits - 1).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        var ePos = sci.IndexOf('E');
        var exponent = int.Parse(sci.AsSpan(ePos + 1), CultureInfo.InvariantCulture);
        if (exponent < -4 || exponent >= digits)
        {
            var mantissa = TrimZeros(sci[..ePos]);
            return $"{mantissa}e{(exponent < 0 ? "-" : "+")}{Math.Abs(exponent):00}";
        }

        var decimals = Math.Max(0, digits - 1 - exponent);
        return TrimZeros(x.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));
    }

    /// <summary>R <c>as.character(x)</c> for a double (15 significant digits, no trailing zeros).</summary>
    public static string AsCharacter(double x) =>
        x == Math.Floor(x) && Math.Abs(x) < 1e15
            ? x.ToString("0", CultureInfo.InvariantCulture)
            : double.Parse(x.ToString("G15", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture);

    private static string TrimZeros(string s)
    {
        if (!s.Contains('.'))
        {
            return s;
        }

        s = s.TrimEnd('0');
        return s.EndsWith('.') ? s[..^1] : s;
    }
}
