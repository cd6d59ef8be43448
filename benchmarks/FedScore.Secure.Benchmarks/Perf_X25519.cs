using BenchmarkDotNet.Attributes;
using FedScore.Secure.Crypto.Primitives;

namespace FedScore.Secure.Benchmarks;

/// <summary>X25519 (RFC 7748) key generation and agreement: per neighbour, twice per site and round in SecAgg.</summary>
[MemoryDiagnoser]
[BenchmarkCategory("Masking")]
public class Perf_X25519
{
    private X25519PrivateKey _mine = null!;
    private X25519PublicKey _peer = null!;

    [GlobalSetup]
    public void Setup()
    {
        _mine = X25519PrivateKey.Generate();
        using X25519PrivateKey other = X25519PrivateKey.Generate();
        _peer = other.PublicKey;
    }

    [GlobalCleanup]
    public void Cleanup() => _mine.Dispose();

    [Benchmark]
    public X25519PublicKey Generate()
    {
        using X25519PrivateKey key = X25519PrivateKey.Generate();
        return key.PublicKey;
    }

    [Benchmark]
    public bool Agree()
    {
        using SharedSecret? secret = X25519.Agree(_mine, _peer);
        return secret is not null;
    }
}
