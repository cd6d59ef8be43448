using BenchmarkDotNet.Attributes;
using FedScore.Secure.Crypto.Lattice.Ring;

namespace FedScore.Secure.Benchmarks;

/// <summary>
/// Negacyclic NTT over ONE NTT-friendly prime (per-prime cost; a ciphertext limb costs one of these): the kernel every
/// lattice operation is built on. Row names carry N and the prime's bit size. SEAL 4.4 (no HEXL) on this kind of
/// machine: N = 8192, 60 bits: 99 µs forward (70 lazy), 81 µs inverse.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Lattice")]
public class Perf_Ntt
{
    private NttTable _table = null!;
    private ulong[] _poly = [];

    [Params(4096, 8192, 16384)]
    public int N { get; set; }

    [Params(60)]
    public int PrimeBits { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        ulong q = Primes.NextNttPrimeBelow(PrimeBits, N, []);
        _table = new NttTable(q, N);
        var random = new Random(42);
        _poly = Enumerable.Range(0, N).Select(_ => (ulong)random.NextInt64((long)Math.Min(q, long.MaxValue))).ToArray();
    }

    // Outputs stay in [0, q), so transforming the same buffer again and again is a valid input every time.
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
