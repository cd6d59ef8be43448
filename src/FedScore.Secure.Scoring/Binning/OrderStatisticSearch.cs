namespace FedScore.Secure.Scoring.Binning;

/// <summary>
/// Finds exact order statistics of (possibly distributed) data using only counts "how many values are ≤ t" —
/// the part of a quantile that a federation can compute from secure sums of per-site counts.
///
/// Method: bisection over the totally ordered set of finite doubles. Doubles are mapped to a signed 64-bit key that
/// is monotone in the value (IEEE-754 bit pattern, negative numbers reflected), so at most 64 count queries pin
/// down the smallest double t with count(x ≤ t) ≥ k, which is exactly the k-th smallest value — no grid or data
/// precision assumption. All requested ranks are searched together: each step issues one batch of thresholds.
/// </summary>
public static class OrderStatisticSearch
{
    /// <summary>
    /// For each 1-based rank k (1 ≤ k ≤ n), the k-th smallest value. <paramref name="countAtOrBelow"/> receives a
    /// batch of (query index, threshold) and must return count(x ≤ threshold) for each, over the data that query
    /// refers to (e.g. the pooled training values of one variable, NaN excluded).
    /// </summary>
    public static double[] Find(ReadOnlySpan<long> ranks, Func<double[], long[]> countAtOrBelow)
    {
        var m = ranks.Length;
        var lo = new long[m];   // invariant: count(≤ FromKey(lo)) < k   (lo = key(-inf) - 1 is a virtual "below everything")
        var hi = new long[m];   // invariant: count(≤ FromKey(hi)) ≥ k   (hi = key(+inf))
        var kk = ranks.ToArray();
        for (var i = 0; i < m; i++)
        {
            if (kk[i] < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(ranks), "ranks are 1-based.");
            }

            lo[i] = Key(double.NegativeInfinity) - 1;
            hi[i] = Key(double.PositiveInfinity);
        }

        var thresholds = new double[m];
        var active = true;
        while (active)
        {
            active = false;
            for (var i = 0; i < m; i++)
            {
                if (Gap(lo[i], hi[i]))
                {
                    active = true;
                }

                thresholds[i] = FromKey(Mid(lo[i], hi[i]));
            }

            if (!active)
            {
                break;
            }

            var counts = countAtOrBelow(thresholds);
            if (counts.Length != m)
            {
                throw new InvalidOperationException($"count oracle returned {counts.Length} counts for {m} thresholds.");
            }

            for (var i = 0; i < m; i++)
            {
                if (!Gap(lo[i], hi[i]))
                {
                    continue;
                }

                var mid = Mid(lo[i], hi[i]);
                if (counts[i] >= kk[i])
                {
                    hi[i] = mid;
                }
                else
                {
                    lo[i] = mid;
                }
            }
        }

        var result = new double[m];
        for (var i = 0; i < m; i++)
        {
            result[i] = FromKey(hi[i]);
        }

        return result;
    }

    /// <summary>True when some key lies strictly between lo and hi (unsigned difference: the span exceeds 2^63).</summary>
    private static bool Gap(long lo, long hi) => unchecked((ulong)(hi - lo)) > 1;

    private static long Mid(long lo, long hi) => (lo >> 1) + (hi >> 1) + (lo & hi & 1);

    /// <summary>Monotone map of a double to a signed 64-bit key (−0 and +0 both map to 0).</summary>
    internal static long Key(double x)
    {
        var bits = BitConverter.DoubleToInt64Bits(x);
        return bits >= 0 ? bits : long.MinValue - bits;
    }

    internal static double FromKey(long key) =>
        BitConverter.Int64BitsToDouble(key >= 0 ? key : long.MinValue - key);
}
