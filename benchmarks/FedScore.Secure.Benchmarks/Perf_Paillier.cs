using System.Numerics;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using FedScore.Secure.Crypto.Paillier;

namespace FedScore.Secure.Benchmarks;

/// <summary>
/// Paillier (g = n + 1, short-exponent randomness, CRT decryption) per ciphertext at the production key sizes. One
/// ciphertext carries several packed fixed-point values in the aggregation scheme; divide by the slots per
/// plaintext for a per-value cost.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Paillier")]
public class Perf_Paillier
{
    private PaillierKeyPair _keys = null!;
    private BigInteger _plaintext;
    private PaillierCiphertext _a = null!;
    private PaillierCiphertext _b = null!;

    [Params(2048, 3072)]
    public int KeyBits { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _keys = PaillierKeyPair.Generate(KeyBits);
        _keys.PublicKey.Precompute();
        byte[] bytes = RandomNumberGenerator.GetBytes(KeyBits / 8 - 1);
        _plaintext = new BigInteger(bytes, isUnsigned: true);
        _a = _keys.PublicKey.Encrypt(_plaintext);
        _b = _keys.PublicKey.Encrypt(_plaintext / 3);
    }

    [GlobalCleanup]
    public void Cleanup() => _keys.Dispose();

    [Benchmark]
    public PaillierCiphertext Encrypt() => _keys.PublicKey.Encrypt(_plaintext);

    [Benchmark]
    public PaillierCiphertext Add() => _keys.PublicKey.Add(_a, _b);

    [Benchmark]
    public BigInteger Decrypt() => _keys.PrivateKey.Decrypt(_a);
}
