namespace FedScore.Secure.Cli.Bench;

/// <summary>
/// Predicts a cell's wall time and memory from cells of the same scheme already measured in this run, so a cell that
/// would blow the budget (Paillier at a million values, say) is reported with its estimate instead of being run.
/// Time is modelled as fixed + per-unit × work, fitted through the smallest and the largest measured work, where work
/// is length × (how the scheme's total cost grows with the number of sites): n² for full-graph masking (each site
/// expands a mask per other site), n·log₂n for SecAgg+ (O(log n) neighbours), n for everything else (each site
/// encrypts its own vector; the server folds n contributions). Memory is modelled as O(length): the server folds
/// contributions as they arrive and only the sites at work hold a vector.
/// </summary>
internal sealed class CostModel
{
    private readonly Dictionary<string, List<Point>> _points = new(StringComparer.OrdinalIgnoreCase);

    public static double Work(string scheme, int sites, int length) => length * SiteFactor(scheme, sites);

    public void Record(string scheme, int sites, int length, double seconds, long peakMemoryBytes)
    {
        if (!_points.TryGetValue(scheme, out List<Point>? list))
        {
            _points[scheme] = list = [];
        }

        list.Add(new Point(Work(scheme, sites, length), seconds, length, peakMemoryBytes));
    }

    public bool Knows(string scheme) => _points.ContainsKey(scheme);

    /// <summary>Predicted wall seconds of one round, and the measured point it is extrapolated from.</summary>
    public (double Seconds, string From)? PredictSeconds(string scheme, int sites, int length)
    {
        if (!_points.TryGetValue(scheme, out List<Point>? list) || list.Count == 0)
        {
            return null;
        }

        double w = Work(scheme, sites, length);
        Point lo = list.MinBy(p => p.Work)!;
        Point hi = list.MaxBy(p => p.Work)!;
        double slope = hi.Work > lo.Work ? Math.Max(0, (hi.Seconds - lo.Seconds) / (hi.Work - lo.Work)) : hi.Seconds / hi.Work;
        double intercept = Math.Max(0, hi.Seconds - slope * hi.Work);
        return (intercept + slope * w, $"fixed {intercept:G3} s + {slope * 1e6:G3} µs per work unit, fitted on {list.Count} measured rounds");
    }

    /// <summary>Predicted peak managed-heap growth: the largest measured peak scaled by length.</summary>
    public double? PredictMemoryBytes(string scheme, int length)
    {
        if (!_points.TryGetValue(scheme, out List<Point>? list) || list.Count == 0)
        {
            return null;
        }

        Point largest = list.MaxBy(p => p.Length)!;
        return largest.PeakMemoryBytes * Math.Max(1.0, (double)length / largest.Length);
    }

    private static double SiteFactor(string scheme, int sites) => scheme.ToLowerInvariant() switch
    {
        "masking" => (double)sites * sites,
        "secagg+" => sites * Math.Max(1, 2 * Math.Log2(sites)),
        _ => sites,
    };

    private sealed record Point(double Work, double Seconds, int Length, long PeakMemoryBytes);
}
