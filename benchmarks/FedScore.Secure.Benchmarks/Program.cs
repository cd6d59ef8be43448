using BenchmarkDotNet.Running;

namespace FedScore.Secure.Benchmarks;

/// <summary>
/// Kernel benchmarks. Run all:  dotnet run -c Release --project benchmarks/FedScore.Secure.Benchmarks -- --filter '*'
/// One class:                   … -- --filter '*Perf_PlainSum*'      Quick smoke: add --job short
/// </summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
