using BenchmarkDotNet.Attributes;
using FedScore.Secure.FixedPoint;

namespace FedScore.Secure.Benchmarks;

/// <summary>
/// The baseline every secure kernel is compared with: the server adding one site's vector into the running sum,
/// as float32 (what a plain FedAvg does), as doubles, and as 32-bit modular words (what a masked sum costs).
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Baseline")]
public class Perf_PlainSum
{
    private float[] _f32 = [];
    private float[] _accF32 = [];
    private uint[] _u32 = [];
    private uint[] _accU32 = [];
    private double[] _values = [];
    private FixedPointCodec _codec = null!;
    private ulong[] _encoded = [];

    [Params(100_000, 1_000_000)]
    public int Length { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _f32 = Enumerable.Range(0, Length).Select(_ => (float)random.NextDouble()).ToArray();
        _accF32 = new float[Length];
        _u32 = Enumerable.Range(0, Length).Select(_ => (uint)random.Next()).ToArray();
        _accU32 = new uint[Length];
        _values = Enumerable.Range(0, Length).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        _codec = new FixedPointCodec(FixedPointPlanner.Plan(FixedPointRequirements.ForAbsoluteError(1, 100, 1e-6)));
        _encoded = new ulong[Length];
    }

    [Benchmark(Baseline = true)]
    public float[] AddFloat32()
    {
        VectorAdd.Add<float>(_accF32, _f32);
        return _accF32;
    }

    [Benchmark]
    public uint[] AddUInt32Modular()
    {
        VectorAdd.Add<uint>(_accU32, _u32);
        return _accU32;
    }

    [Benchmark]
    public ulong[] EncodeFixedPoint()
    {
        _codec.Encode(_values, 1, _encoded);
        return _encoded;
    }
}

/// <summary>acc += x with System.Numerics.Vector (wrap-around for unsigned integers, as modular addition needs).</summary>
internal static class VectorAdd
{
    public static void Add<T>(Span<T> acc, ReadOnlySpan<T> x)
        where T : struct, System.Numerics.INumber<T>
    {
        var a = System.Runtime.InteropServices.MemoryMarshal.Cast<T, System.Numerics.Vector<T>>(acc);
        var b = System.Runtime.InteropServices.MemoryMarshal.Cast<T, System.Numerics.Vector<T>>(x);
        for (int i = 0; i < b.Length; i++)
        {
            a[i] += b[i];
        }

        for (int i = b.Length * System.Numerics.Vector<T>.Count; i < x.Length; i++)
        {
            acc[i] = unchecked(acc[i] + x[i]);
        }
    }
}
