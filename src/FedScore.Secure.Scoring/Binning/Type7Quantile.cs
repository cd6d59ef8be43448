namespace FedScore.Secure.Scoring.Binning;

/// <summary>
/// R's default sample quantile (type 7; numpy "linear"): with n values sorted, index = 1 + (n-1)p,
/// lo = floor(index), hi = ceiling(index), q = (1-h)·x[lo] + h·x[hi] with h = index - lo — written in R's form
/// (not x[lo] + h·(x[hi]-x[lo])) so the floating-point result is R's, bit for bit where R's sort is exact.
/// </summary>
public static class Type7Quantile
{
    /// <summary>The 1-based order-statistic ranks (lo, hi) and weight h for probability <paramref name="p"/>.</summary>
    public static (long Lo, long Hi, double H) Ranks(long n, double p)
    {
        if (n <= 0)
        {
            throw new ArgumentException("Quantile of an empty sample.");
        }

        if (p is < 0 or > 1 || double.IsNaN(p))
        {
            throw new ArgumentOutOfRangeException(nameof(p), "probability must be in [0, 1].");
        }

        var index = 1 + Math.Max(n - 1, 0) * p;
        var lo = (long)Math.Floor(index);
        var hi = (long)Math.Ceiling(index);
        return (lo, hi, index - lo);
    }

    /// <summary>Combines the two order statistics as R does (only interpolates when index &gt; lo and they differ).</summary>
    public static double Combine(double xLo, double xHi, double h) =>
        h > 0 && xHi != xLo ? (1 - h) * xLo + h * xHi : xLo;

    /// <summary>Type-7 quantile of already sorted, NaN-free values.</summary>
    public static double FromSorted(ReadOnlySpan<double> sorted, double p)
    {
        var (lo, hi, h) = Ranks(sorted.Length, p);
        return Combine(sorted[(int)lo - 1], sorted[(int)hi - 1], h);
    }

    /// <summary>Type-7 quantiles of values, NaN removed (R <c>quantile(x, p, na.rm = TRUE)</c>).</summary>
    public static double[] Compute(ReadOnlySpan<double> values, ReadOnlySpan<double> probabilities)
    {
        var sorted = new List<double>(values.Length);
        foreach (var v in values)
        {
            if (!double.IsNaN(v))
            {
                sorted.Add(v);
            }
        }

        var arr = sorted.ToArray();
        Array.Sort(arr);
        var result = new double[probabilities.Length];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = FromSorted(arr, probabilities[i]);
        }

        return result;
    }
}
