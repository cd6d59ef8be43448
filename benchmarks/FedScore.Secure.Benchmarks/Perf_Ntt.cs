using BenchmarkDotNet.Attributes;
using FedScore.Secure.Crypto.Lattice.Ring;

namespace FedScore.Secure.Benchmarks;

/// <summary>Negacyclic NTT over one 60-bit NTT-friendly prime: the kernel every lattice operation is built on.</summary>
[MemoryDiagnoser]
[BenchmarkCategory("Lattice")]
public class Perf_Ntt
{
    private NttTable _table = null!;
    private ulong[] _poly = [];

    [Params(4096, 8192, 16384)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        ulong q = Primes.NextNttPrimeBelow(60, N, []);
        _table = new NttTable(q, N);
        var random = new Random(42);
        _poly = Enumerable.Range(0, N).Select(_ => (ulong)random.NextInt64((long)Math.Min(q, long.MaxValue))).ToArray();
    }

    [Benchmark]
    public ulong[] Forward()
    {
        Ntt.Forward(_poly, _table);
        return _poly;
    }

    [Benchmark]
    public ulong[] Inverse()
    {
        Ntt.Inverse(_poly, _table);
        return _poly;
    }
}
