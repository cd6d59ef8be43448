using System.Numerics;
using BenchmarkDotNet.Attributes;
using FedScore.Secure.Crypto.Lattice.Bfv;
using FedScore.Secure.Crypto.Lattice.Ckks;
using FedScore.Secure.Crypto.Lattice.Ring;
using FedScore.Secure.Crypto.Lattice.Rlwe;
using FedScore.Secure.Crypto.Lattice.Serialization;

namespace FedScore.Secure.Benchmarks;

/// <summary>
/// CKKS kernels per ciphertext at the SEAL comparison presets: N = 4096 {60, 49} (log Q 109), N = 8192 and 16384
/// {60, 40, 40} (log Q 140), Δ = 2^40. SEAL 4.4.3 native (no HEXL) on this kind of machine, per ciphertext:
/// N=4096: encode+encrypt(pk) 1000 µs, add 7.1 µs, decrypt+decode 104 µs; N=8192: 2840 / 30.1 / 588 µs. SEAL's
/// encoder is the slot (canonical-embedding) one, so compare SEAL with the <c>*Slots</c> rows; the coefficient
/// encoder (N reals, no FFT) is what aggregation uses.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Lattice")]
public class Perf_LatticeCkks
{
    private CkksParameters _p = null!;
    private SecretKey _sk = null!;
    private Encryptor _pkEncryptor = null!;
    private Encryptor _skEncryptor = null!;
    private Decryptor _decryptor = null!;
    private Evaluator _evaluator = null!;
    private CkksCoefficientEncoder _coeffs = null!;
    private CkksEncoder _slots = null!;
    private double[] _values = [];
    private double[] _decoded = [];
    private Complex[] _slotValues = [];
    private Complex[] _decodedSlots = [];
    private Plaintext _pt = null!;
    private Plaintext _ptSlots = null!;
    private Plaintext _decrypted = null!;
    private Ciphertext _a = null!;
    private Ciphertext _b = null!;
    private Ciphertext _ctSlots = null!;
    private Ciphertext _scratch = null!;
    private byte[] _seed = [];
    private byte[] _wirePk = [];
    private byte[] _wireSeeded = [];

    [Params(4096, 8192, 16384)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _p = N switch
        {
            4096 => CkksParameters.Example128BitLogN12LogQ109,
            8192 => CkksParameters.Example128BitLogN13LogQ140,
            16384 => CkksParameters.Example128BitLogN14LogQ140,
            _ => throw new ArgumentOutOfRangeException(nameof(N)),
        };
        var keygen = new KeyGenerator(_p);
        _sk = keygen.CreateSecretKey();
        _pkEncryptor = new Encryptor(_p, keygen.CreatePublicKey(_sk));
        _skEncryptor = new Encryptor(_p, _sk);
        _decryptor = new Decryptor(_p, _sk);
        _evaluator = new Evaluator(_p);
        _coeffs = new CkksCoefficientEncoder(_p);
        _slots = new CkksEncoder(_p);
        var random = new Random(42);
        _values = Enumerable.Range(0, _p.N).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        _slotValues = _values.Take(_p.Slots).Select(v => new Complex(v, 0)).ToArray();
        _decoded = new double[_p.N];
        _decodedSlots = new Complex[_p.Slots];
        _pt = _coeffs.Encode(_values);
        _ptSlots = _slots.Encode(_slotValues);
        _decrypted = new Plaintext(_p);
        _a = _pkEncryptor.Encrypt(_pt);
        _b = _pkEncryptor.Encrypt(_pt);
        _ctSlots = _pkEncryptor.Encrypt(_ptSlots);
        _scratch = new Ciphertext(_p);
        _seed = Prng.NewSeed();
        _wirePk = LatticeSerializer.Write(_a);
        _wireSeeded = LatticeSerializer.Write(_skEncryptor.Encrypt(_pt));
        _decryptor.Decrypt(_b, _decrypted);
    }

    [GlobalCleanup]
    public void Cleanup() => _sk.Dispose();

    [Benchmark]
    public Plaintext EncodeCoefficients()
    {
        _coeffs.Encode(_values, _p.Scale, _pt);
        return _pt;
    }

    [Benchmark]
    public Plaintext EncodeSlots()
    {
        _slots.Encode(_slotValues, _p.Scale, _ptSlots);
        return _ptSlots;
    }

    [Benchmark]
    public Ciphertext EncryptPublicKey()
    {
        _pkEncryptor.Encrypt(_pt, _scratch);
        return _scratch;
    }

    /// <summary>Symmetric encryption with a seeded c1 (what an aggregation upload does with its key share).</summary>
    [Benchmark]
    public Ciphertext EncryptSeededSymmetric()
    {
        _skEncryptor.EncryptWithSharedSeed(_pt, _seed, _scratch);
        return _scratch;
    }

    /// <summary>SEAL's "encode+encrypt" row: slot encoder + public-key encryption.</summary>
    [Benchmark]
    public Ciphertext EncodeSlotsEncryptPublicKey()
    {
        _slots.Encode(_slotValues, _p.Scale, _ptSlots);
        _pkEncryptor.Encrypt(_ptSlots, _scratch);
        return _scratch;
    }

    [Benchmark]
    public Ciphertext Add()
    {
        _evaluator.AddInPlace(_a, _b);
        return _a;
    }

    [Benchmark]
    public Plaintext Decrypt()
    {
        _decryptor.Decrypt(_b, _decrypted);
        return _decrypted;
    }

    [Benchmark]
    public double[] DecodeCoefficients()
    {
        _coeffs.Decode(_decrypted, _decoded);
        return _decoded;
    }

    [Benchmark]
    public double[] DecryptDecodeCoefficients()
    {
        _decryptor.Decrypt(_b, _decrypted);
        _coeffs.Decode(_decrypted, _decoded);
        return _decoded;
    }

    /// <summary>SEAL's "decrypt+decode" row: decryption + canonical-embedding decode (N/2 slots).</summary>
    [Benchmark]
    public Complex[] DecryptDecodeSlots()
    {
        _decryptor.Decrypt(_ctSlots, _decrypted);
        _slots.Decode(_decrypted, _decodedSlots);
        return _decodedSlots;
    }

    [Benchmark]
    public byte[] WireWritePublicKeyCiphertext() => LatticeSerializer.Write(_a);

    [Benchmark]
    public Ciphertext WireReadPublicKeyCiphertext() => LatticeSerializer.ReadCiphertext(_wirePk, _p);

    /// <summary>Reading a seeded ciphertext includes re-expanding c1 from its seed (AES-256-CTR).</summary>
    [Benchmark]
    public Ciphertext WireReadSeededCiphertext() => LatticeSerializer.ReadCiphertext(_wireSeeded, _p);
}

/// <summary>
/// BFV kernels per ciphertext at SEAL's BFVDefault sizes with a 20-bit batching t: N = 4096 (log Q 109), 8192 (218),
/// 16384 (438). SEAL 4.4.3 at N = 4096: encode+encrypt 1035 µs, add 19.5 µs, decrypt+decode 344 µs.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Lattice")]
public class Perf_LatticeBfv
{
    private BfvParameters _p = null!;
    private SecretKey _sk = null!;
    private Encryptor _pkEncryptor = null!;
    private Encryptor _skEncryptor = null!;
    private Decryptor _decryptor = null!;
    private Evaluator _evaluator = null!;
    private BfvEncoder _encoder = null!;
    private long[] _values = [];
    private long[] _decoded = [];
    private Plaintext _pt = null!;
    private Plaintext _decrypted = null!;
    private Ciphertext _a = null!;
    private Ciphertext _b = null!;
    private Ciphertext _scratch = null!;
    private byte[] _seed = [];
    private byte[] _wirePk = [];

    [Params(4096, 8192, 16384)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _p = N switch
        {
            4096 => BfvParameters.Example128BitLogN12,
            8192 => BfvParameters.Example128BitLogN13,
            16384 => BfvParameters.Example128BitLogN14,
            _ => throw new ArgumentOutOfRangeException(nameof(N)),
        };
        var keygen = new KeyGenerator(_p);
        _sk = keygen.CreateSecretKey();
        _pkEncryptor = new Encryptor(_p, keygen.CreatePublicKey(_sk));
        _skEncryptor = new Encryptor(_p, _sk);
        _decryptor = new Decryptor(_p, _sk);
        _evaluator = new Evaluator(_p);
        _encoder = new BfvEncoder(_p);
        var random = new Random(42);
        _values = Enumerable.Range(0, _p.N).Select(_ => random.NextInt64((long)_p.PlainModulus)).ToArray();
        _decoded = new long[_p.N];
        _pt = _encoder.EncodeBatched(_values);
        _decrypted = new Plaintext(_p);
        _a = _pkEncryptor.Encrypt(_pt);
        _b = _pkEncryptor.Encrypt(_pt);
        _scratch = new Ciphertext(_p);
        _seed = Prng.NewSeed();
        _wirePk = LatticeSerializer.Write(_a);
        _decryptor.Decrypt(_b, _decrypted);
    }

    [GlobalCleanup]
    public void Cleanup() => _sk.Dispose();

    [Benchmark]
    public Plaintext EncodeBatched() => _encoder.EncodeBatched(_values);

    [Benchmark]
    public Ciphertext EncryptPublicKey()
    {
        _pkEncryptor.Encrypt(_pt, _scratch);
        return _scratch;
    }

    [Benchmark]
    public Ciphertext EncryptSeededSymmetric()
    {
        _skEncryptor.EncryptWithSharedSeed(_pt, _seed, _scratch);
        return _scratch;
    }

    [Benchmark]
    public Ciphertext Add()
    {
        _evaluator.AddInPlace(_a, _b);
        return _a;
    }

    [Benchmark]
    public Plaintext Decrypt()
    {
        _decryptor.Decrypt(_b, _decrypted);
        return _decrypted;
    }

    [Benchmark]
    public long[] DecodeBatched()
    {
        _encoder.DecodeBatched(_decrypted, _decoded);
        return _decoded;
    }

    [Benchmark]
    public byte[] WireWriteCiphertext() => LatticeSerializer.Write(_a);

    [Benchmark]
    public Ciphertext WireReadCiphertext() => LatticeSerializer.ReadCiphertext(_wirePk, _p);
}
