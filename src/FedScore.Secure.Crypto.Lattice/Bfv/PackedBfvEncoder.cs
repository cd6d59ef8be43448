using System.Numerics;
using FedScore.Secure.Crypto.Lattice.Ring;
using FedScore.Secure.Crypto.Lattice.Rlwe;

namespace FedScore.Secure.Crypto.Lattice.Bfv;

/// <summary>
/// Encodes signed integers |v| ≤ bias as lanes: coefficient c carries m_c = Σ_j (v_{c·L+j} + bias)·2^{j·w}, and the
/// plaintext is Δ·m with Δ = ⌊Q/t⌋, t = 2^k. A sum of S such plaintexts carries Σ m &lt; t as long as every lane sum
/// S·(2·bias) stays below 2^w (the planner guarantees it). Decoding computes M = round(x/Δ) rather than the usual
/// round(t·x/Q): with t this wide the usual formula's error term M·(Q mod t)/Q is not small, whereas x = Δ·M + v
/// gives M exactly whenever |v| &lt; Δ/2. Each lane then decodes as lane − S·bias.
/// </summary>
public sealed class PackedBfvEncoder
{
    private readonly PackedBfvParameters _parameters;
    private readonly ulong[] _deltaModQ;
    private readonly ulong[] _laneShiftModQ;   // 2^w mod q_i
    private readonly BigInteger _q;
    private readonly BigInteger _delta;
    private readonly BigInteger _halfDelta;

    public PackedBfvEncoder(PackedBfvParameters parameters, long bias)
    {
        _parameters = parameters ?? throw new ArgumentNullException(nameof(parameters));
        if (bias < 0 || bias >= 1L << Math.Min(62, parameters.LaneBits - 1))
        {
            throw new ArgumentOutOfRangeException(nameof(bias), $"bias must be in [0, 2^{parameters.LaneBits - 1})");
        }

        Bias = bias;
        RnsBasis basis = parameters.Basis;
        _q = basis.Modulus;
        _delta = _q / parameters.PlainModulus;
        _halfDelta = _delta >> 1;
        _deltaModQ = new ulong[basis.Count];
        basis.FromBigInteger(_delta, _deltaModQ);
        _laneShiftModQ = new ulong[basis.Count];
        for (int i = 0; i < basis.Count; i++)
        {
            _laneShiftModQ[i] = basis.Pow2(i, parameters.LaneBits);
        }
    }

    /// <summary>Added to every value so lanes hold non-negative numbers; |value| must not exceed it.</summary>
    public long Bias { get; }

    public int Capacity => _parameters.Capacity;

    /// <summary>Encodes up to N·lanes integers with |v| ≤ bias.</summary>
    public Plaintext Encode(ReadOnlySpan<long> values)
    {
        if (values.Length > Capacity)
        {
            throw new ArgumentException($"at most {Capacity} values per plaintext, got {values.Length}", nameof(values));
        }

        for (int k = 0; k < values.Length; k++)
        {
            if (values[k] > Bias || values[k] < -Bias)
            {
                throw new ArgumentException($"value {k} ({values[k]}) exceeds the bias bound ±{Bias}", nameof(values));
            }
        }

        var pt = new Plaintext(_parameters);
        RnsBasis basis = _parameters.Basis;
        int n = _parameters.N, lanes = _parameters.Lanes;
        for (int i = 0; i < basis.Count; i++)
        {
            ulong q = basis.QArray[i];
            ulong shift = _laneShiftModQ[i], shiftS = ModArith.ShoupPrecompute(shift, q);
            ulong d = _deltaModQ[i], dS = ModArith.ShoupPrecompute(d, q);
            ulong biasModQ = (ulong)Bias % q;
            Span<ulong> limb = pt.Poly.Limb(i);
            for (int c = 0; c < n; c++)
            {
                // Horner over lanes from the top: m = (…(lane_{L−1}·2^w + lane_{L−2})·2^w …) + lane_0 (mod q).
                ulong m = 0;
                for (int j = lanes - 1; j >= 0; j--)
                {
                    int idx = c * lanes + j;
                    ulong lane = idx < values.Length ? ModArith.Add(ModArith.FromSigned(values[idx], q), biasModQ, q) : biasModQ;
                    m = ModArith.Add(ModArith.MulShoup(m, shift, shiftS, q), lane, q);
                }

                limb[c] = ModArith.MulShoup(m, d, dS, q);
            }
        }

        return pt;
    }

    /// <summary>
    /// Decodes the sum of <paramref name="contributors"/> encodings (each padded lane carries that many biases too).
    /// Writes min(Capacity, destination.Length) values.
    /// </summary>
    public void Decode(Plaintext plaintext, int contributors, Span<long> destination)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        if (contributors < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(contributors));
        }

        RnsBasis basis = _parameters.Basis;
        int lanes = _parameters.Lanes, w = _parameters.LaneBits, k = _parameters.PlainBits;
        BigInteger laneMask = (BigInteger.One << w) - 1;
        BigInteger tMask = (BigInteger.One << k) - 1;
        long offset = checked(contributors * Bias);
        int count = Math.Min(Capacity, destination.Length);
        for (int c = 0; c * lanes < count; c++)
        {
            BigInteger x = basis.ToCenteredBigInteger(plaintext.Poly, c);
            BigInteger m;
            if (x.Sign < 0 && -x < _halfDelta)
            {
                m = BigInteger.Zero; // M = 0 with negative noise wrapped below zero
            }
            else
            {
                if (x.Sign < 0)
                {
                    x += _q;
                }

                m = BigInteger.Divide(x + _halfDelta, _delta) & tMask; // round(x/Δ), x ≥ 0
            }
            for (int j = 0; j < lanes && c * lanes + j < count; j++)
            {
                long lane = (long)(ulong)((m >> (j * w)) & laneMask);
                destination[c * lanes + j] = lane - offset;
            }
        }
    }

    public int CiphertextCount(int length) => (length + Capacity - 1) / Capacity;

    /// <summary>Encrypts a vector of any length into ⌈length / (N·lanes)⌉ ciphertexts.</summary>
    public Ciphertext[] EncryptVector(Encryptor encryptor, ReadOnlySpan<long> values) => EncryptVector(encryptor, values, null);

    /// <summary>As <see cref="EncryptVector(Encryptor, ReadOnlySpan{long})"/>, with the shared seed of each ciphertext index (null: own randomness).</summary>
    public Ciphertext[] EncryptVector(Encryptor encryptor, ReadOnlySpan<long> values, Func<int, byte[]>? seedFor)
    {
        ArgumentNullException.ThrowIfNull(encryptor);
        var result = new Ciphertext[CiphertextCount(values.Length)];
        for (int c = 0; c < result.Length; c++)
        {
            Plaintext pt = Encode(values.Slice(c * Capacity, Math.Min(Capacity, values.Length - c * Capacity)));
            result[c] = seedFor is null ? encryptor.Encrypt(pt) : encryptor.EncryptWithSharedSeed(pt, seedFor(c));
        }

        return result;
    }

    /// <summary>Decodes decrypted chunks (in order) of a sum of <paramref name="contributors"/> vectors.</summary>
    public void DecodeVector(IReadOnlyList<Plaintext> plaintexts, int contributors, Span<long> destination)
    {
        ArgumentNullException.ThrowIfNull(plaintexts);
        if (plaintexts.Count != CiphertextCount(destination.Length))
        {
            throw new ArgumentException($"{plaintexts.Count} plaintexts for a vector of {destination.Length}", nameof(plaintexts));
        }

        for (int c = 0; c < plaintexts.Count; c++)
        {
            Decode(plaintexts[c], contributors, destination.Slice(c * Capacity, Math.Min(Capacity, destination.Length - c * Capacity)));
        }
    }
}
