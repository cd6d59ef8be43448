using System.Diagnostics;
using FedScore.Secure.Aggregation;
using FedScore.Secure.Aggregation.Plain;
using FedScore.Secure.Aggregation.Simulation;
using FedScore.Secure.FixedPoint;

namespace FedScore.Secure.Cli.Bench;

/// <summary>
/// Runs one cell: full simulated rounds of the scheme and of plain aggregation on the same inputs with the same
/// dropped sites, alternating plain and secure in each repeat so both see the same machine state.
/// </summary>
internal sealed class BenchCellRunner(BenchOptions options)
{
    /// <summary>Sites drop before their protected upload: the case that needs recovery in the masking schemes.</summary>
    public const string DropoutStage = "upload";

    public CellResult Run(BenchCell cell, int cellIndex)
    {
        ParticipantId[] sites = Enumerable.Range(1, cell.Sites).Select(i => new ParticipantId($"site-{i:D3}")).ToArray();
        int threshold = SessionConfig.MajorityThreshold(cell.Sites);
        var inputs = new SyntheticInputs(unchecked(options.Seed * 7919 + cellIndex), cell.Length, options.MaxAbsValue);
        var requirements = FixedPointRequirements.ForAbsoluteError(options.MaxAbsValue, cell.Sites, options.MaxAbsError);
        DropoutSchedule dropouts = DropoutSchedule.Random(sites, cell.DroppedSites, DropoutStage, new Random(unchecked(options.Seed + cellIndex)));

        var secure = new List<RunCost>();
        var plain = new List<RunCost>();
        try
        {
            for (int r = 0; r < options.Repeat; r++)
            {
                var config = new SessionConfig($"bench-{options.Seed}-{cellIndex}-{r}", sites, threshold);
                plain.Add(Measure(new PlainAggregationScheme(), config, cell.Length, requirements, inputs, dropouts));
                secure.Add(Measure(AggregationSchemes.Create(cell.Scheme), config, cell.Length, requirements, inputs, dropouts));
            }
        }
        catch (Exception e) when (e is AggregationFailedException or ProtocolViolationException or MalformedMessageException
                                       or InvalidOperationException or ArgumentException or FixedPointPlanException
                                       or OutOfMemoryException or NotSupportedException)
        {
            return new CellResult(cell, CellStatus.Failed, $"{e.GetType().Name}: {e.Message}", Median(secure), Median(plain), threshold);
        }

        RunCost s = Median(secure)!;
        RunCost p = Median(plain)!;
        string? problem = secure.Any(c => !(c.MaxAbsError <= c.ErrorBound))
            ? $"max error {s.MaxAbsError:G3} exceeds the bound {s.ErrorBound:G3}"
            : null;
        return new CellResult(cell, problem is null ? CellStatus.Measured : CellStatus.Failed, problem, s, p, threshold);
    }

    /// <summary>
    /// One simulated round of <paramref name="scheme"/>. Each site's input is generated just before the site's first
    /// message of the round, which is where every scheme's site consumes it (plain and Paillier sites encode it when they
    /// upload; masking and lattice sites encode it as the round begins), so no table of every site's vector is built.
    /// </summary>
    public static RunCost Measure(
        IAggregationScheme scheme,
        SessionConfig config,
        int length,
        FixedPointRequirements requirements,
        SyntheticInputs inputs,
        DropoutSchedule dropouts)
    {
        SimulatedRound round;
        long peak;
        long allocated;
        double wall;
        using (PeakMemorySampler sampler = PeakMemorySampler.Start())
        {
            var sw = Stopwatch.StartNew();
            using var sim = new AggregationSimulator(scheme, config, recordTranscript: false);
            round = sim.Run(
                new RoundSpec("bench", length, requirements),
                p => config.IndexOf(p) is int i and > 0 ? inputs.Input(i) : null,
                dropouts);
            wall = sw.Elapsed.TotalMilliseconds;
            (peak, allocated) = sampler.Stop();
        }

        AggregationResult result = round.Result;
        double error = inputs.MaxAbsError(result.Sum, result.Contributors.Select(config.IndexOf));
        IEnumerable<ParticipantId> survivors = config.Sites.Where(s => !result.Dropped.Contains(s));
        return new RunCost(
            round.Metrics.MedianClientMillis(config.Sites),
            round.Metrics.ServerMillis,
            wall,
            round.Metrics.MeanBytesUploaded(survivors),
            config.Sites.Select(s => round.Metrics.BytesDownloaded.TryGetValue(s, out long b) ? (double)b : 0).Average(),
            error,
            result.ErrorBound,
            peak,
            allocated,
            result.Dropped.Count,
            round.Metrics.StageCosts);
    }

    /// <summary>Per-field medians over repeats (stage costs stage by stage); null when nothing was measured.</summary>
    internal static RunCost? Median(IReadOnlyList<RunCost> runs)
    {
        if (runs.Count == 0)
        {
            return null;
        }

        if (runs.Count == 1)
        {
            return runs[0];
        }

        IReadOnlyList<StageMetrics> stages = runs[0].Stages.Select((st, k) => st with
        {
            ServerMillis = Median(runs.Select(r => k < r.Stages.Count ? r.Stages[k].ServerMillis : 0)),
            MedianClientMillis = Median(runs.Select(r => k < r.Stages.Count ? r.Stages[k].MedianClientMillis : 0)),
        }).ToArray();
        return new RunCost(
            Median(runs.Select(r => r.ClientMillis)),
            Median(runs.Select(r => r.ServerMillis)),
            Median(runs.Select(r => r.WallMillis)),
            Median(runs.Select(r => r.BytesUploadedPerSite)),
            Median(runs.Select(r => r.BytesDownloadedPerSite)),
            runs.Max(r => r.MaxAbsError),
            runs.Min(r => r.ErrorBound),
            (long)Median(runs.Select(r => (double)r.PeakMemoryBytes)),
            (long)Median(runs.Select(r => (double)r.AllocatedBytes)),
            runs[0].Dropped,
            stages);
    }

    private static double Median(IEnumerable<double> values)
    {
        double[] v = values.Order().ToArray();
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }
}
