using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using FedScore.Secure.Crypto.Primitives;

namespace FedScore.Secure.Benchmarks;

/// <summary>
/// The cost floor of pairwise masking: AES-CTR keystream expansion (AES-NI when present), and mask generation as a
/// site does it — one keystream per neighbour added into the 32-bit word vector (mod 2^32).
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Masking")]
public class Perf_MaskPrg
{
    private byte[] _key = [];
    private byte[] _counter = [];
    private byte[] _bytes = [];
    private uint[] _words = [];
    private MaskSeed[] _seeds = [];

    [Params(100_000, 1_000_000)]
    public int Length { get; set; }

    [Params(1, 16)]
    public int Neighbours { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _key = RandomNumberGenerator.GetBytes(AesCtrPrg.KeySize);
        _counter = RandomNumberGenerator.GetBytes(AesCtrPrg.BlockSize);
        _bytes = new byte[Length * sizeof(uint)];
        _words = new uint[Length];
        _seeds = Enumerable.Range(0, Neighbours).Select(_ => MaskSeed.Generate()).ToArray();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (MaskSeed s in _seeds)
        {
            s.Dispose();
        }
    }

    /// <summary>Keystream bytes for one 32-bit mask of the vector (independent of <see cref="Neighbours"/>).</summary>
    [Benchmark(Baseline = true)]
    public byte[] PrgExpansion()
    {
        using var prg = new AesCtrPrg(_key, _counter);
        prg.Fill(_bytes);
        return _bytes;
    }

    /// <summary>One mask per neighbour added into the vector: what a site's masking step costs.</summary>
    [Benchmark]
    public uint[] MaskGeneration()
    {
        foreach (MaskSeed seed in _seeds)
        {
            using AesCtrPrg prg = seed.CreatePrg();
            prg.AddTo(_words);
        }

        return _words;
    }
}
