using BenchmarkDotNet.Attributes;
using FedScore.Secure.FixedPoint;

namespace FedScore.Secure.Benchmarks;

/// <summary>Fixed-point encoding a site does before protecting its vector, and the decoding of the released sum.</summary>
[MemoryDiagnoser]
[BenchmarkCategory("FixedPoint")]
public class Perf_FixedPoint
{
    private double[] _values = [];
    private ulong[] _encoded64 = [];
    private uint[] _encoded32 = [];
    private double[] _decoded = [];
    private FixedPointCodec _codec = null!;
    private FixedPointCodec _codec32 = null!;

    [Params(100_000, 1_000_000)]
    public int Length { get; set; }

    [Params(100)]
    public int Sites { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _values = Enumerable.Range(0, Length).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        // ε = 1e-6 over 100 sites needs 35 bits (64-bit words); ε = 1e-4 fits the 32-bit words masking prefers.
        _codec = new FixedPointCodec(FixedPointPlanner.Plan(FixedPointRequirements.ForAbsoluteError(1, Sites, 1e-6)));
        _codec32 = new FixedPointCodec(FixedPointPlanner.Plan(FixedPointRequirements.ForAbsoluteError(1, Sites, 1e-4)));
        _encoded64 = new ulong[Length];
        _encoded32 = new uint[Length];
        _decoded = new double[Length];
        _codec32.Encode(_values, 1, _encoded32);
    }

    [Benchmark(Baseline = true)]
    public ulong[] Encode64()
    {
        _codec.Encode(_values, 1, _encoded64);
        return _encoded64;
    }

    [Benchmark]
    public uint[] Encode32()
    {
        _codec32.Encode(_values, 1, _encoded32);
        return _encoded32;
    }

    [Benchmark]
    public double[] Decode32()
    {
        _codec32.Decode(_encoded32, _decoded);
        return _decoded;
    }
}
