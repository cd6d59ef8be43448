using FedScore.Secure.Aggregation.Simulation;

namespace FedScore.Secure.Cli.Bench;

public enum CellStatus
{
    /// <summary>Run and measured; the result was checked against the exact sum.</summary>
    Measured,

    /// <summary>Run, but the round failed or the result was outside its error bound (see the reason).</summary>
    Failed,

    /// <summary>Not run: predicted to exceed the time budget or the memory of this machine (the reason has the estimate).</summary>
    Skipped,

    /// <summary>Not run: the scheme is not offered by this build.</summary>
    Unavailable,
}

/// <summary>
/// What one scheme cost in one cell (medians over the repeats). Client time is the median over the sites of each
/// site's total time across stages; server time is the server's total; memory is the peak managed-heap growth of the
/// whole simulation (see <see cref="PeakMemorySampler"/>).
/// </summary>
public sealed record RunCost(
    double ClientMillis,
    double ServerMillis,
    double WallMillis,
    double BytesUploadedPerSite,
    double BytesDownloadedPerSite,
    double MaxAbsError,
    double ErrorBound,
    long PeakMemoryBytes,
    long AllocatedBytes,
    int Dropped,
    IReadOnlyList<StageMetrics> Stages);

/// <summary>One row of the results: a cell, what happened to it, and the secure and plain costs measured together.</summary>
public sealed record CellResult(BenchCell Cell, CellStatus Status, string? Reason, RunCost? Secure, RunCost? Plain, int Threshold)
{
    /// <summary>Predicted wall seconds for a skipped cell (from the measured cells of the same scheme).</summary>
    public double? EstimatedSeconds { get; init; }

    /// <summary>Predicted peak memory for a skipped cell, in bytes.</summary>
    public double? EstimatedMemoryBytes { get; init; }

    public bool Ok => Status == CellStatus.Measured;

    public double? ClientRatio => Ratio(Secure?.ClientMillis, Plain?.ClientMillis);

    public double? ServerRatio => Ratio(Secure?.ServerMillis, Plain?.ServerMillis);

    public double? WallRatio => Ratio(Secure?.WallMillis, Plain?.WallMillis);

    public double? BytesRatio => Ratio(Secure?.BytesUploadedPerSite, Plain?.BytesUploadedPerSite);

    public double? MemoryRatio => Ratio(Secure?.PeakMemoryBytes, Plain?.PeakMemoryBytes);

    /// <summary>Bytes a site uploads per value, over the 4 bytes of a float32: the wire expansion a reader compares.</summary>
    public double? ExpansionVsFloat32 => Secure is { } s ? s.BytesUploadedPerSite / (4.0 * Cell.Length) : null;

    private static double? Ratio(double? a, double? b) => a is { } x && b is { } y && y > 0 ? x / y : null;
}

/// <summary>Everything a run of `fedscore bench` produced, in the order the cells were requested.</summary>
public sealed record BenchReport(
    BenchOptions Options,
    MachineInfo Machine,
    IReadOnlyList<CellResult> Cells,
    IReadOnlyDictionary<string, string> UnavailableSchemes,
    TimeSpan Elapsed)
{
    /// <summary>What the runner predicted after calibration, before running any cell.</summary>
    public BenchPlan? Plan { get; init; }

    /// <summary>Peak resident memory of the whole process over the run (every cell), from the OS; 0 if unknown.</summary>
    public long ProcessPeakWorkingSetBytes { get; init; }
}

/// <summary>One cell as planned after calibration: its predicted time and memory, and why it will be skipped (if so).</summary>
public sealed record PlannedCell(BenchCell Cell, double? PredictedSeconds, double? PredictedMemoryBytes, CellStatus? Skip, string? Reason)
{
    public bool WillRun => Skip is null;
}

/// <summary>The runner's predictions after calibration: the total time of the cells it will run, and the cells it will not.</summary>
public sealed record BenchPlan(IReadOnlyList<PlannedCell> Cells, TimeSpan Calibration)
{
    /// <summary>Predicted seconds of the cells that will run (scheme and plain rounds, all repeats), calibration excluded.</summary>
    public double PredictedSeconds => Cells.Where(c => c.WillRun).Sum(c => c.PredictedSeconds ?? 0);
}
