using BenchmarkDotNet.Attributes;
using FedScore.Secure.Crypto.Lattice.Bfv;
using FedScore.Secure.Crypto.Lattice.Ckks;
using FedScore.Secure.Crypto.Lattice.Rlwe;

namespace FedScore.Secure.Benchmarks;

/// <summary>
/// CKKS at the 128-bit presets (N = 4096 {60, 49}, 8192 and 16384 {60, 40, 40}, Δ = 2^40), one ciphertext of N
/// coefficient-encoded reals: encode + public-key encrypt, homomorphic add, decrypt + decode. Comparable with the
/// SEAL 4.4.3 rows of the landscape document (same N and moduli).
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Lattice")]
public class Perf_Ckks
{
    private CkksParameters _p = null!;
    private CkksVectorCodec _codec = null!;
    private Encryptor _encryptor = null!;
    private Decryptor _decryptor = null!;
    private Evaluator _evaluator = null!;
    private SecretKey _sk = null!;
    private double[] _values = [];
    private double[] _decoded = [];
    private Ciphertext _a = null!;
    private Ciphertext _b = null!;

    [Params(12, 13, 14)]
    public int LogN { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _p = LogN switch
        {
            12 => CkksParameters.Example128BitLogN12LogQ109,
            13 => CkksParameters.Example128BitLogN13LogQ140,
            _ => CkksParameters.Example128BitLogN14LogQ140,
        };
        var keygen = new KeyGenerator(_p);
        _sk = keygen.CreateSecretKey();
        _encryptor = new Encryptor(_p, keygen.CreatePublicKey(_sk));
        _decryptor = new Decryptor(_p, _sk);
        _evaluator = new Evaluator(_p);
        _codec = new CkksVectorCodec(_p, _p.Scale);
        var random = new Random(42);
        _values = Enumerable.Range(0, _p.N).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        _decoded = new double[_p.N];
        _a = _codec.Encrypt(_encryptor, _values)[0];
        _b = _codec.Encrypt(_encryptor, _values)[0];
    }

    [GlobalCleanup]
    public void Cleanup() => _sk.Dispose();

    [Benchmark]
    public Ciphertext EncodeEncrypt() => _codec.Encrypt(_encryptor, _values)[0];

    [Benchmark]
    public Ciphertext Add()
    {
        _evaluator.AddInPlace(_a, _b);
        return _a;
    }

    [Benchmark]
    public double[] DecryptDecode()
    {
        _codec.Decode([_decryptor.Decrypt(_b)], _decoded);
        return _decoded;
    }
}

/// <summary>BFV at N = 4096, Q = {55, 54}, 20-bit batching t (SEAL's BFVDefault(4096) shape): N integers per ciphertext.</summary>
[MemoryDiagnoser]
[BenchmarkCategory("Lattice")]
public class Perf_Bfv
{
    private BfvParameters _p = null!;
    private BfvVectorCodec _codec = null!;
    private Encryptor _encryptor = null!;
    private Decryptor _decryptor = null!;
    private Evaluator _evaluator = null!;
    private SecretKey _sk = null!;
    private long[] _values = [];
    private long[] _decoded = [];
    private Ciphertext _a = null!;
    private Ciphertext _b = null!;

    [Params(12)]
    public int LogN { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _p = BfvParameters.Example128BitLogN12;
        var keygen = new KeyGenerator(_p);
        _sk = keygen.CreateSecretKey();
        _encryptor = new Encryptor(_p, keygen.CreatePublicKey(_sk));
        _decryptor = new Decryptor(_p, _sk);
        _evaluator = new Evaluator(_p);
        _codec = new BfvVectorCodec(_p);
        var random = new Random(42);
        _values = Enumerable.Range(0, _p.N).Select(_ => random.NextInt64((long)_p.PlainModulus)).ToArray();
        _decoded = new long[_p.N];
        _a = _codec.Encrypt(_encryptor, _values)[0];
        _b = _codec.Encrypt(_encryptor, _values)[0];
    }

    [GlobalCleanup]
    public void Cleanup() => _sk.Dispose();

    [Benchmark]
    public Ciphertext EncodeEncrypt() => _codec.Encrypt(_encryptor, _values)[0];

    [Benchmark]
    public Ciphertext Add()
    {
        _evaluator.AddInPlace(_a, _b);
        return _a;
    }

    [Benchmark]
    public long[] DecryptDecode()
    {
        _codec.Decode([_decryptor.Decrypt(_b)], _decoded);
        return _decoded;
    }
}
