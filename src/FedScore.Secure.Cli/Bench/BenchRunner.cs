using System.Diagnostics;
using System.Globalization;
using FedScore.Secure.Aggregation;
using FedScore.Secure.Aggregation.Plain;
using FedScore.Secure.FixedPoint;

namespace FedScore.Secure.Cli.Bench;

/// <summary>Where the benchmark is: steps done out of all steps, what runs now, and the last finished cell.</summary>
public sealed record BenchProgress(int Completed, int Total, string Current, CellResult? Finished);

/// <summary>
/// Runs the benchmark matrix. Each scheme is first calibrated on two tiny rounds (which also warm its code paths up
/// so no measured cell pays for JIT compilation); cells then run from cheapest to dearest within each scheme, so every
/// prediction that may skip a cell is extrapolated from measurements of the same scheme in the same run.
/// </summary>
public sealed class BenchRunner(BenchOptions options)
{
    /// <summary>
    /// Calibration rounds (measured, used for predictions, not reported): 3 sites at 256, 2,048 and 16,384 values (the
    /// last only when predicted under <see cref="ProbeBudgetSeconds"/>), and 8 sites at 256 values so that costs that grow
    /// faster than the sites (the lattice key setup) are seen before any large cell is tried.
    /// </summary>
    private static readonly (int Sites, int Length)[] s_probes = [(3, 256), (3, 2048), (8, 256), (3, 16384)];
    private const double ProbeBudgetSeconds = 5;

    /// <summary>A cell is skipped when its predicted peak memory exceeds this share of the memory the GC may use.</summary>
    private const double MemoryShare = 0.8;

    private static long MemoryAvailable => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

    /// <summary>Calibrates and predicts every cell without running any: what a run would do and how long it would take.</summary>
    public BenchPlan Plan(Action<BenchProgress>? onProgress = null)
    {
        options.Validate();
        var elapsed = Stopwatch.StartNew();
        var unavailable = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string[] schemes = Canonical(options.Schemes, unavailable);
        BenchOptions o = Normalised(schemes);
        var model = new CostModel();
        CalibrateAll(o, schemes, model, unavailable, onProgress, 0, 0);
        return MakePlan(o, model, unavailable, elapsed.Elapsed);
    }

    public BenchReport Run(Action<BenchProgress>? onProgress = null, Action<BenchPlan>? onPlan = null)
    {
        options.Validate();
        var elapsed = Stopwatch.StartNew();
        var unavailable = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string[] schemes = Canonical(options.Schemes, unavailable);
        BenchOptions o = Normalised(schemes);

        IReadOnlyList<BenchCell> cells = o.Cells();
        var results = new CellResult?[cells.Count];
        var model = new CostModel();
        var runner = new BenchCellRunner(o);
        string[] calibrated = CalibrationOrder(schemes);
        int total = calibrated.Length + cells.Count;
        int done = CalibrateAll(o, schemes, model, unavailable, onProgress, 0, total);
        BenchPlan plan = MakePlan(o, model, unavailable, elapsed.Elapsed);
        onPlan?.Invoke(plan);

        int[] order = Enumerable.Range(0, cells.Count)
            .OrderBy(i => Array.FindIndex(calibrated, s => string.Equals(s, cells[i].Scheme, StringComparison.OrdinalIgnoreCase)) is int k and >= 0 ? k : int.MaxValue)
            .ThenBy(i => CostModel.Work(cells[i].Scheme, cells[i].Sites, cells[i].Length) + CostModel.Setup(cells[i].Scheme, cells[i].Sites))
            .ThenBy(i => cells[i].DropoutRate)
            .ToArray();
        foreach (int i in order)
        {
            BenchCell cell = cells[i];
            onProgress?.Invoke(new BenchProgress(done, total, cell.ToString(), null));
            CellResult result = Decide(o, model, cell, unavailable) ?? runner.Run(cell, i);
            if (result.Status is CellStatus.Measured or CellStatus.Failed && result.Secure is { } s && result.Plain is { } p)
            {
                model.Record(cell.Scheme, cell.Sites, cell.Length, s.WallMillis / 1000, s.PeakMemoryBytes, s.Stages);
                model.Record(PlainAggregationScheme.SchemeName, cell.Sites, cell.Length, p.WallMillis / 1000, p.PeakMemoryBytes, p.Stages);
            }

            results[i] = result;
            done++;
            onProgress?.Invoke(new BenchProgress(done, total, cell.ToString(), result));
        }

        return new BenchReport(o, MachineInfo.Describe(), results.Select(r => r!).ToArray(), unavailable, elapsed.Elapsed)
        {
            Plan = plan,
            ProcessPeakWorkingSetBytes = ProcessPeakWorkingSet(),
        };
    }

    /// <summary>Peak resident memory of this process so far (whole run, all cells), or 0 when the OS does not say.</summary>
    internal static long ProcessPeakWorkingSet()
    {
        using var self = Process.GetCurrentProcess();
        return self.PeakWorkingSet64;
    }

    private BenchOptions Normalised(string[] schemes) =>
        options with { Schemes = options.Schemes.Select(s => schemes.FirstOrDefault(c => string.Equals(c, s, StringComparison.OrdinalIgnoreCase)) ?? s).Distinct(StringComparer.OrdinalIgnoreCase).ToArray() };

    private static string[] CalibrationOrder(string[] schemes) =>
        [PlainAggregationScheme.SchemeName, .. schemes.Where(s => !string.Equals(s, PlainAggregationScheme.SchemeName, StringComparison.OrdinalIgnoreCase))];

    private int CalibrateAll(BenchOptions o, string[] schemes, CostModel model, Dictionary<string, string> unavailable, Action<BenchProgress>? onProgress, int done, int total)
    {
        foreach (string scheme in CalibrationOrder(schemes))
        {
            onProgress?.Invoke(new BenchProgress(done, total, $"calibrating {scheme}", null));
            string? problem = Calibrate(scheme, model);
            if (problem is not null)
            {
                unavailable[scheme] = problem;
            }

            done++;
        }

        return done;
    }

    /// <summary>A result for a cell that is not run (unavailable scheme, predicted too slow or too large), or null to run it.</summary>
    internal static CellResult? Decide(BenchOptions o, CostModel model, BenchCell cell, IReadOnlyDictionary<string, string> unavailable)
    {
        int threshold = SessionConfig.MajorityThreshold(cell.Sites);
        if (unavailable.TryGetValue(cell.Scheme, out string? why))
        {
            return new CellResult(cell, CellStatus.Unavailable, why, null, null, threshold);
        }

        (double Seconds, TimePrediction Secure)? predicted = Predict(model, cell, o.Repeat);
        MemoryPrediction? memory = model.PredictMemoryBytes(cell.Scheme, cell.Sites, cell.Length);
        long limit = (long)(MemoryAvailable * MemoryShare);
        if (memory is { } m && m.Bytes > limit)
        {
            string routing = m.RoutedBytes > m.Bytes / 2 && m.RoutingStage is { } stage
                ? $"; {Gib(m.RoutedBytes)} of it because stage '{stage}' routes n(n−1) = {cell.Sites * (cell.Sites - 1L):N0} site-to-site messages " +
                  $"of ≈ {m.BytesPerPair / 1024:N0} KiB through the server (held when received and again in the next stage's messages){ProtocolNote(cell.Scheme)}"
                : "";
            return new CellResult(cell, CellStatus.Skipped,
                $"impractical here: predicted peak memory {Gib(m.Bytes)} > {MemoryShare:P0} of the {Gib(MemoryAvailable)} this process may use{routing}" +
                (predicted is { } pt ? $"; predicted time {Seconds(pt.Seconds)}" : ""),
                null, null, threshold) { EstimatedSeconds = predicted?.Seconds, EstimatedMemoryBytes = m.Bytes };
        }

        if (predicted is { } p && p.Seconds > o.CellBudgetSeconds)
        {
            string setup = p.Secure.SetupSeconds > p.Secure.Seconds / 2
                ? $"; {Seconds(o.Repeat * p.Secure.SetupSeconds)} of it in the key setup, which grows as n³{ProtocolNote(cell.Scheme)}"
                : "";
            return new CellResult(cell, CellStatus.Skipped,
                $"impractical here: predicted {Seconds(p.Seconds)} for {o.Repeat} repeat(s) > budget {Seconds(o.CellBudgetSeconds)}{setup} ({p.Secure.From})" +
                (memory is { } mm ? $"; predicted peak memory {Gib(mm.Bytes)}" : ""),
                null, null, threshold) { EstimatedSeconds = p.Seconds, EstimatedMemoryBytes = memory?.Bytes };
        }

        return null;
    }

    /// <summary>Why the scheme's setup grows faster than the sites, for the skip reasons.</summary>
    private static string ProtocolNote(string scheme) => CostModel.HasSuperlinearSetup(scheme)
        ? " — the threshold key setup: every site deals a Shamir share of its secret-key share to every other site through the server (n² messages), " +
          "each dealer evaluating a degree-(t−1) polynomial of ring elements at n points (n³ work)"
        : "";

    private static BenchPlan MakePlan(BenchOptions o, CostModel model, IReadOnlyDictionary<string, string> unavailable, TimeSpan calibration)
    {
        var planned = new List<PlannedCell>();
        foreach (BenchCell cell in o.Cells())
        {
            CellResult? skip = Decide(o, model, cell, unavailable);
            double? seconds = Predict(model, cell, o.Repeat)?.Seconds;
            double? memory = model.PredictMemoryBytes(cell.Scheme, cell.Sites, cell.Length)?.Bytes;
            planned.Add(new PlannedCell(cell, seconds, memory, skip?.Status, skip?.Reason));
        }

        return new BenchPlan(planned, calibration);
    }

    /// <summary>Cell wall time: repeats × (scheme round + plain round), from the cost model.</summary>
    private static (double Seconds, TimePrediction Secure)? Predict(CostModel model, BenchCell cell, int repeat)
    {
        if (model.PredictSeconds(cell.Scheme, cell.Sites, cell.Length) is not { } secure)
        {
            return null;
        }

        double plain = model.PredictSeconds(PlainAggregationScheme.SchemeName, cell.Sites, cell.Length)?.Seconds ?? 0;
        return (repeat * (secure.Seconds + plain), secure);
    }

    /// <summary>Runs the calibration rounds of one scheme; returns why the scheme cannot run, or null.</summary>
    private string? Calibrate(string scheme, CostModel model)
    {
        try
        {
            foreach ((int n, int length) in s_probes)
            {
                if (model.PredictSeconds(scheme, n, length) is { } p && p.Seconds > ProbeBudgetSeconds)
                {
                    continue;
                }

                ParticipantId[] sites = Enumerable.Range(1, n).Select(i => new ParticipantId($"site-{i:D3}")).ToArray();
                var requirements = FixedPointRequirements.ForAbsoluteError(options.MaxAbsValue, n, options.MaxAbsError);
                var config = new SessionConfig($"bench-calibration-{n}-{length}", sites, SessionConfig.MajorityThreshold(n));
                RunCost cost = BenchCellRunner.Measure(
                    AggregationSchemes.Create(scheme), config, length, requirements,
                    new SyntheticInputs(options.Seed, length, options.MaxAbsValue), Aggregation.Simulation.DropoutSchedule.None);
                model.Record(scheme, n, length, cost.WallMillis / 1000, cost.PeakMemoryBytes, cost.Stages);
            }

            return null;
        }
        catch (Exception e) when (e is AggregationFailedException or ProtocolViolationException or MalformedMessageException
                                       or InvalidOperationException or ArgumentException or NotSupportedException)
        {
            return $"cannot run in this build: {e.GetType().Name}: {e.Message}";
        }
    }

    internal static string Gib(double bytes) => bytes >= 1024.0 * 1024 * 1024
        ? $"{bytes / (1024.0 * 1024 * 1024):N1} GiB"
        : $"{bytes / (1024.0 * 1024):N0} MiB";

    /// <summary>The requested schemes this build offers, spelled as the build spells them; the others go to <paramref name="unavailable"/>.</summary>
    private static string[] Canonical(IReadOnlyList<string> requested, Dictionary<string, string> unavailable)
    {
        var offered = new List<string>();
        foreach (string name in requested.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            string? known = AggregationSchemes.Names.FirstOrDefault(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase));
            if (known is null)
            {
                unavailable[name] = $"not offered by this build (it offers {string.Join(", ", AggregationSchemes.Names)})";
            }
            else
            {
                offered.Add(known);
            }
        }

        return offered.ToArray();
    }

    internal static string Seconds(double s) => s switch
    {
        < 1 => $"{s * 1000:F0} ms",
        < 120 => $"{s:F1} s",
        < 7200 => $"{s / 60:F1} min",
        _ => $"{s / 3600:F1} h",
    };
}
