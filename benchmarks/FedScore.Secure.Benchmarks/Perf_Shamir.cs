using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using FedScore.Secure.Crypto.Sharing;

namespace FedScore.Secure.Benchmarks;

/// <summary>
/// Shamir t-of-n over GF(2^127 − 1) as SecAgg uses it: a site splits its 32-byte self-mask seed and 32-byte mask key
/// (64 bytes) among all sites with a majority threshold; the server's recovery reconstructs one secret from t shares.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Masking")]
public class Perf_Shamir
{
    private byte[] _secret = [];
    private int[] _indices = [];
    private ShamirShare[] _shares = [];
    private ShamirShare[] _subset = [];
    private LagrangeCoefficients _lagrange = null!;
    private byte[] _recovered = [];

    [Params(10, 100, 500)]
    public int Sites { get; set; }

    public int Threshold => Sites / 2 + 1;

    [GlobalSetup]
    public void Setup()
    {
        _secret = RandomNumberGenerator.GetBytes(64);
        _indices = Enumerable.Range(1, Sites).ToArray();
        _shares = ShamirSecretSharing.Split(_secret, Threshold, _indices);
        _subset = _shares.Take(Threshold).ToArray();
        _lagrange = ShamirSecretSharing.LagrangeAtZero(_subset.Select(s => s.Index).ToArray());
        _recovered = new byte[_secret.Length];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (ShamirShare s in _shares)
        {
            s.Dispose();
        }
    }

    [Benchmark]
    public ShamirShare[] Split()
    {
        ShamirShare[] shares = ShamirSecretSharing.Split(_secret, Threshold, _indices);
        foreach (ShamirShare s in shares)
        {
            s.Dispose();
        }

        return shares;
    }

    [Benchmark]
    public byte[] Reconstruct()
    {
        ShamirSecretSharing.Reconstruct(_subset, Threshold, _recovered);
        return _recovered;
    }

    /// <summary>Reconstruction with the Lagrange coefficients computed once per set of survivors (as the server reuses them).</summary>
    [Benchmark]
    public byte[] ReconstructWithCachedLagrange()
    {
        ShamirSecretSharing.Reconstruct(_subset, _lagrange, _recovered);
        return _recovered;
    }
}
