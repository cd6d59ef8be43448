using FedScore.Secure.Aggregation.Simulation;

namespace FedScore.Secure.Cli.Bench;

/// <summary>
/// Predicts a cell's wall time and peak memory from rounds of the same scheme already measured in this run, so a cell
/// that would blow the budget (Paillier at a million values, lattice key setup at 500 sites) is reported with its
/// estimate and the reason instead of being run.
/// <para>
/// Time = a + b·work + c·setup, fitted by non-negative least squares on relative errors, where work = length × (how
/// the per-value cost grows with the sites: n² for full-graph masking, each site expands a mask per other site;
/// n·2log₂n for SecAgg+; n otherwise) and setup is the length-independent cost that grows faster than the sites:
/// n³ for the lattice schemes' threshold key setup (each of n dealers evaluates a degree-(t−1) sharing polynomial of
/// ring elements at n points), absent otherwise.
/// </para>
/// <para>
/// Memory = the measured peak scaled along memory-work = length × (n for the masking schemes, whose simulated sites
/// each hold an encoded copy of their input from key advertisement to upload; 1 otherwise: the server folds each
/// upload as it arrives and only the sites at work hold a vector), plus what the server must hold to route messages
/// between sites: for every stage, the part of its upload bytes that grows as n(n−1) (fitted on rounds of equal
/// length at two site counts), counted twice (received, then forwarded in the next stage's messages).
/// </para>
/// </summary>
internal sealed class CostModel
{
    private readonly Dictionary<string, List<Point>> _points = new(StringComparer.OrdinalIgnoreCase);

    public static double Work(string scheme, int sites, int length) => length * SiteFactor(scheme, sites);

    /// <summary>The length-independent setup term of the time model (0 when the scheme has none).</summary>
    public static double Setup(string scheme, int sites) => HasSuperlinearSetup(scheme) ? Math.Pow(sites, 3) : 0;

    /// <summary>True for the schemes whose key setup is quadratic in messages and cubic in work (CKKS, BFV).</summary>
    public static bool HasSuperlinearSetup(string scheme) => scheme.ToLowerInvariant() is "ckks" or "bfv";

    public static double MemoryWork(string scheme, int sites, int length) => IsMasking(scheme) ? (double)length * sites : length;

    public void Record(string scheme, int sites, int length, double seconds, long peakMemoryBytes, IReadOnlyList<StageMetrics>? stages = null)
    {
        if (!_points.TryGetValue(scheme, out List<Point>? list))
        {
            _points[scheme] = list = [];
        }

        list.Add(new Point(sites, length, Work(scheme, sites, length), Setup(scheme, sites), seconds, MemoryWork(scheme, sites, length), peakMemoryBytes, stages ?? []));
    }

    public bool Knows(string scheme) => _points.ContainsKey(scheme);

    /// <summary>Predicted wall seconds of one round, the part of it in the setup term, and how it was fitted.</summary>
    public TimePrediction? PredictSeconds(string scheme, int sites, int length)
    {
        if (!_points.TryGetValue(scheme, out List<Point>? list) || list.Count == 0)
        {
            return null;
        }

        bool setup = HasSuperlinearSetup(scheme) && list.Select(p => p.Sites).Distinct().Count() > 1;
        double[] coef = FitNonNegative(list, setup);
        double w = Work(scheme, sites, length);
        double q = setup ? Setup(scheme, sites) : 0;
        double total = coef[0] + coef[1] * w + coef[2] * q;
        string from = $"fixed {coef[0]:G3} s + {coef[1] * 1e6:G3} µs per work unit" +
                      (setup ? $" + {coef[2] * 1e6:G3} µs × n³ key setup" : "") +
                      $", fitted on {list.Count} measured rounds of this scheme";
        return new TimePrediction(total, coef[2] * q, from);
    }

    /// <summary>Predicted peak managed-heap growth of one round, and the part of it spent routing messages between sites.</summary>
    public MemoryPrediction? PredictMemoryBytes(string scheme, int sites, int length)
    {
        if (!_points.TryGetValue(scheme, out List<Point>? list) || list.Count == 0)
        {
            return null;
        }

        Point lo = list.MinBy(p => p.MemoryWork)!;
        Point hi = list.MaxBy(p => p.MemoryWork)!;
        double y = MemoryWork(scheme, sites, length);
        double slope = hi.MemoryWork > lo.MemoryWork
            ? Math.Max(0, (hi.PeakMemoryBytes - lo.PeakMemoryBytes) / (hi.MemoryWork - lo.MemoryWork))
            : hi.PeakMemoryBytes / Math.Max(1, hi.MemoryWork);
        double scaled = Math.Max(hi.PeakMemoryBytes, hi.PeakMemoryBytes + slope * (y - hi.MemoryWork));
        (double routedPerPair, string? stage) = QuadraticRouting(list);
        double routed = 2 * routedPerPair * sites * (sites - 1.0);
        return new MemoryPrediction(scaled + routed, routed, stage, routedPerPair);
    }

    /// <summary>
    /// For each stage, bytes uploaded = α·n + β·n(n−1) fitted on the rounds of the smallest length measured at two or
    /// more site counts; returns the largest β (bytes per ordered pair of sites) and its stage.
    /// </summary>
    private static (double PerPair, string? Stage) QuadraticRouting(List<Point> list)
    {
        var best = (PerPair: 0.0, Stage: (string?)null);
        foreach (IGrouping<int, Point> sameLength in list.GroupBy(p => p.Length).OrderBy(g => g.Key))
        {
            Point[] bySites = sameLength.GroupBy(p => p.Sites).Select(g => g.First()).OrderBy(p => p.Sites).ToArray();
            if (bySites.Length < 2)
            {
                continue;
            }

            (Point a, Point b) = (bySites[0], bySites[^1]);
            foreach (StageMetrics sa in a.Stages)
            {
                StageMetrics? sb = b.Stages.FirstOrDefault(s => s.Stage == sa.Stage);
                if (sb is null)
                {
                    continue;
                }

                // Solve α·n + β·n(n−1) = bytes at the two site counts.
                double na = a.Sites, nb = b.Sites;
                double det = na * nb * (nb - 1) - nb * na * (na - 1);
                if (det == 0)
                {
                    continue;
                }

                double beta = (na * sb.BytesUploaded - nb * sa.BytesUploaded) / det;
                if (beta > best.PerPair)
                {
                    best = (beta, sa.Stage);
                }
            }

            break;
        }

        return best;
    }

    /// <summary>
    /// Minimises Σ((a + b·work + c·setup − t)/t)² over a, b, c ≥ 0 by trying every subset of free coefficients and
    /// keeping the best feasible one (three coefficients: eight subsets).
    /// </summary>
    private static double[] FitNonNegative(List<Point> points, bool withSetup)
    {
        double[] bestCoef = [0, points.Max(p => p.Seconds / Math.Max(1, p.Work)), 0];
        double bestError = double.PositiveInfinity;
        int masks = withSetup ? 8 : 4;
        for (int mask = 1; mask < masks; mask++)
        {
            int[] free = Enumerable.Range(0, 3).Where(k => (mask & (1 << k)) != 0).ToArray();
            double[]? c = SolveSubset(points, free);
            if (c is null || c.Any(v => v < 0 || !double.IsFinite(v)))
            {
                continue;
            }

            double[] coef = new double[3];
            for (int k = 0; k < free.Length; k++)
            {
                coef[free[k]] = c[k];
            }

            double error = points.Sum(p => Math.Pow((Evaluate(coef, p) - p.Seconds) / Math.Max(p.Seconds, 1e-6), 2));
            if (error < bestError)
            {
                (bestError, bestCoef) = (error, coef);
            }
        }

        return bestCoef;
    }

    private static double Evaluate(double[] c, Point p) => c[0] + c[1] * p.Work + c[2] * p.Setup;

    private static double Feature(Point p, int k) => k switch { 0 => 1, 1 => p.Work, _ => p.Setup };

    /// <summary>Weighted normal equations (weights 1/t²) for the free coefficients; null when singular.</summary>
    private static double[]? SolveSubset(List<Point> points, int[] free)
    {
        int m = free.Length;
        var a = new double[m, m + 1];
        foreach (Point p in points)
        {
            double w = 1 / Math.Pow(Math.Max(p.Seconds, 1e-6), 2);
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < m; j++)
                {
                    a[i, j] += w * Feature(p, free[i]) * Feature(p, free[j]);
                }

                a[i, m] += w * Feature(p, free[i]) * p.Seconds;
            }
        }

        // Gaussian elimination with partial pivoting on the m×m system (m ≤ 3).
        for (int col = 0; col < m; col++)
        {
            int pivot = Enumerable.Range(col, m - col).MaxBy(r => Math.Abs(a[r, col]));
            if (Math.Abs(a[pivot, col]) < 1e-300)
            {
                return null;
            }

            for (int j = 0; j <= m; j++)
            {
                (a[col, j], a[pivot, j]) = (a[pivot, j], a[col, j]);
            }

            for (int r = 0; r < m; r++)
            {
                if (r == col)
                {
                    continue;
                }

                double f = a[r, col] / a[col, col];
                for (int j = col; j <= m; j++)
                {
                    a[r, j] -= f * a[col, j];
                }
            }
        }

        return Enumerable.Range(0, m).Select(i => a[i, m] / a[i, i]).ToArray();
    }

    private static bool IsMasking(string scheme) => scheme.ToLowerInvariant() is "masking" or "secagg+";

    private static double SiteFactor(string scheme, int sites) => scheme.ToLowerInvariant() switch
    {
        "masking" => (double)sites * sites,
        "secagg+" => sites * Math.Max(1, 2 * Math.Log2(sites)),
        _ => sites,
    };

    private sealed record Point(int Sites, int Length, double Work, double Setup, double Seconds, double MemoryWork, long PeakMemoryBytes, IReadOnlyList<StageMetrics> Stages);
}

/// <summary>A predicted round time: total seconds, the part in the superlinear key setup, and the fit it came from.</summary>
internal sealed record TimePrediction(double Seconds, double SetupSeconds, string From);

/// <summary>A predicted peak memory: total bytes, the part spent routing O(n²) messages, that stage, and bytes per site pair.</summary>
internal sealed record MemoryPrediction(double Bytes, double RoutedBytes, string? RoutingStage, double BytesPerPair);
