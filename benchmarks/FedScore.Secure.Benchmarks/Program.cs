using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;

namespace FedScore.Secure.Benchmarks;

/// <summary>
/// Kernel benchmarks. Run all:  dotnet run -c Release --project benchmarks/FedScore.Secure.Benchmarks -- --filter '*'
/// One class:                   … -- --filter '*Perf_PlainSum*'
/// Lattice kernels:             … -- --filter '*Lattice*' '*Ntt*'
/// Quick check (minutes, not hours; for smoke runs, not for recorded results): add --quick — in process, one warm-up
/// and three 100 ms iterations per benchmark (see <see cref="QuickJob"/>). BenchmarkDotNet's own --job short also works.
/// Recorded results (papers/benchmarks/kernels): add --record — in process, three warm-ups and ten 250 ms iterations
/// per case (see <see cref="RecordJob"/>), with results exported as GitHub markdown and CSV.
/// </summary>
public static class Program
{
    public const string QuickSwitch = "--quick";

    /// <summary>
    /// In process (no per-case child process or build), one warm-up, three iterations of ~100 ms each: ≈ 1 s per
    /// benchmark case. Good enough to see that everything runs and roughly how fast; not for recorded results.
    /// </summary>
    public static Job QuickJob { get; } = Job.Default
        .WithToolchain(InProcessEmitToolchain.Instance)
        .WithLaunchCount(1)
        .WithWarmupCount(1)
        .WithIterationCount(3)
        .WithIterationTime(TimeInterval.FromMilliseconds(100))
        .WithId("Quick");

    public const string RecordSwitch = "--record";

    /// <summary>
    /// In process, three warm-ups and ten iterations of ~250 ms: each kernel here takes microseconds to milliseconds,
    /// so an iteration holds hundreds to millions of operations and ten of them give a confidence interval of a few
    /// per cent (BenchmarkDotNet prints it) — what the recorded kernel tables use, at ≈ 4 s per case.
    /// </summary>
    public static Job RecordJob { get; } = Job.Default
        .WithToolchain(InProcessEmitToolchain.Instance)
        .WithLaunchCount(1)
        .WithWarmupCount(3)
        .WithIterationCount(10)
        .WithIterationTime(TimeInterval.FromMilliseconds(250))
        .WithId("Record");

    public static void Main(string[] args)
    {
        bool quick = args.Contains(QuickSwitch, StringComparer.OrdinalIgnoreCase);
        bool record = args.Contains(RecordSwitch, StringComparer.OrdinalIgnoreCase);
        string[] rest = args.Where(a => !string.Equals(a, QuickSwitch, StringComparison.OrdinalIgnoreCase)
                                        && !string.Equals(a, RecordSwitch, StringComparison.OrdinalIgnoreCase)).ToArray();
        IConfig? config = record ? DefaultConfig.Instance.AddJob(RecordJob)
            : quick ? DefaultConfig.Instance.AddJob(QuickJob)
            : null;
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(rest, config);
    }
}
