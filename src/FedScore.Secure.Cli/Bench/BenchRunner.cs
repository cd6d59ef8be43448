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
    /// <summary>Calibration rounds: 3 sites, short vectors (their results are used for predictions, not reported).</summary>
    private static readonly int[] s_probeLengths = [256, 2048];
    private const int ProbeSites = 3;

    /// <summary>A cell is skipped when its predicted peak memory exceeds this share of the memory the GC may use.</summary>
    private const double MemoryShare = 0.8;

    public BenchReport Run(Action<BenchProgress>? onProgress = null)
    {
        options.Validate();
        var elapsed = Stopwatch.StartNew();
        var unavailable = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string[] schemes = Canonical(options.Schemes, unavailable);
        BenchOptions o = options with { Schemes = options.Schemes.Select(s => schemes.FirstOrDefault(c => string.Equals(c, s, StringComparison.OrdinalIgnoreCase)) ?? s).Distinct(StringComparer.OrdinalIgnoreCase).ToArray() };

        IReadOnlyList<BenchCell> cells = o.Cells();
        var results = new CellResult?[cells.Count];
        var model = new CostModel();
        var runner = new BenchCellRunner(o);
        string[] calibrated = [PlainAggregationScheme.SchemeName, .. schemes.Where(s => !string.Equals(s, PlainAggregationScheme.SchemeName, StringComparison.OrdinalIgnoreCase))];
        int total = calibrated.Length + cells.Count;
        int done = 0;

        foreach (string scheme in calibrated)
        {
            onProgress?.Invoke(new BenchProgress(done, total, $"calibrating {scheme}", null));
            string? problem = Calibrate(scheme, model);
            if (problem is not null)
            {
                unavailable[scheme] = problem;
            }

            done++;
        }

        int[] order = Enumerable.Range(0, cells.Count)
            .OrderBy(i => Array.FindIndex(calibrated, s => string.Equals(s, cells[i].Scheme, StringComparison.OrdinalIgnoreCase)) is int k and >= 0 ? k : int.MaxValue)
            .ThenBy(i => CostModel.Work(cells[i].Scheme, cells[i].Sites, cells[i].Length))
            .ThenBy(i => cells[i].DropoutRate)
            .ToArray();
        long memoryLimit = (long)(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes * MemoryShare);
        foreach (int i in order)
        {
            BenchCell cell = cells[i];
            onProgress?.Invoke(new BenchProgress(done, total, cell.ToString(), null));
            CellResult result;
            if (unavailable.TryGetValue(cell.Scheme, out string? why))
            {
                result = new CellResult(cell, CellStatus.Unavailable, why, null, null, SessionConfig.MajorityThreshold(cell.Sites));
            }
            else if (Predict(model, cell, o.Repeat) is { } predicted && predicted.Seconds > o.CellBudgetSeconds)
            {
                result = new CellResult(cell, CellStatus.Skipped,
                    $"impractical here: predicted {Seconds(predicted.Seconds)} for {o.Repeat} repeat(s) > budget {Seconds(o.CellBudgetSeconds)} ({predicted.From})",
                    null, null, SessionConfig.MajorityThreshold(cell.Sites)) { EstimatedSeconds = predicted.Seconds };
            }
            else if (model.PredictMemoryBytes(cell.Scheme, cell.Length) is { } memory && memory > memoryLimit)
            {
                result = new CellResult(cell, CellStatus.Skipped,
                    $"impractical here: predicted peak heap {memory / 1048576.0:N0} MiB > {MemoryShare:P0} of the {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1048576.0:N0} MiB available",
                    null, null, SessionConfig.MajorityThreshold(cell.Sites));
            }
            else
            {
                result = runner.Run(cell, i);
                if (result.Secure is { } s && result.Plain is { } p)
                {
                    model.Record(cell.Scheme, cell.Sites, cell.Length, s.WallMillis / 1000, s.PeakMemoryBytes);
                    model.Record(PlainAggregationScheme.SchemeName, cell.Sites, cell.Length, p.WallMillis / 1000, p.PeakMemoryBytes);
                }
            }

            results[i] = result;
            done++;
            onProgress?.Invoke(new BenchProgress(done, total, cell.ToString(), result));
        }

        return new BenchReport(o, MachineInfo.Describe(), results.Select(r => r!).ToArray(), unavailable, elapsed.Elapsed);
    }

    /// <summary>Cell wall time: repeats × (scheme round + plain round), from the cost model.</summary>
    private static (double Seconds, string From)? Predict(CostModel model, BenchCell cell, int repeat)
    {
        if (model.PredictSeconds(cell.Scheme, cell.Sites, cell.Length) is not { } secure)
        {
            return null;
        }

        double plain = model.PredictSeconds(PlainAggregationScheme.SchemeName, cell.Sites, cell.Length)?.Seconds ?? 0;
        return (repeat * (secure.Seconds + plain), secure.From);
    }

    /// <summary>Runs the calibration rounds of one scheme; returns why the scheme cannot run, or null.</summary>
    private string? Calibrate(string scheme, CostModel model)
    {
        ParticipantId[] sites = Enumerable.Range(1, ProbeSites).Select(i => new ParticipantId($"site-{i:D3}")).ToArray();
        var requirements = FixedPointRequirements.ForAbsoluteError(options.MaxAbsValue, ProbeSites, options.MaxAbsError);
        try
        {
            foreach (int length in s_probeLengths)
            {
                var config = new SessionConfig($"bench-calibration-{length}", sites, ProbeSites);
                RunCost cost = BenchCellRunner.Measure(
                    AggregationSchemes.Create(scheme), config, length, requirements,
                    new SyntheticInputs(options.Seed, length, options.MaxAbsValue), Aggregation.Simulation.DropoutSchedule.None);
                model.Record(scheme, ProbeSites, length, cost.WallMillis / 1000, cost.PeakMemoryBytes);
            }

            return null;
        }
        catch (Exception e) when (e is AggregationFailedException or ProtocolViolationException or MalformedMessageException
                                       or InvalidOperationException or ArgumentException or NotSupportedException)
        {
            return $"cannot run in this build: {e.GetType().Name}: {e.Message}";
        }
    }

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
