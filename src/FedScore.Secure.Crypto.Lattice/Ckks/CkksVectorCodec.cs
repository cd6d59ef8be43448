using FedScore.Secure.Crypto.Lattice.Rlwe;

namespace FedScore.Secure.Crypto.Lattice.Ckks;

/// <summary>
/// Splits a long real vector over ⌈length/N⌉ coefficient-encoded ciphertexts and joins the decrypted parts back:
/// what an aggregation client and server need around the encryptor and the collective decryption. Not thread-safe.
/// </summary>
public sealed class CkksVectorCodec
{
    private readonly CkksParameters _parameters;
    private readonly CkksCoefficientEncoder _encoder;
    private readonly double[] _weighted;

    public CkksVectorCodec(CkksParameters parameters, double scale)
    {
        _parameters = parameters ?? throw new ArgumentNullException(nameof(parameters));
        if (!(scale >= 1) || double.IsInfinity(scale))
        {
            throw new ArgumentOutOfRangeException(nameof(scale));
        }

        Scale = scale;
        _encoder = new CkksCoefficientEncoder(parameters);
        _weighted = new double[parameters.N];
    }

    public double Scale { get; }

    public int CiphertextCount(int length) => (length + _parameters.N - 1) / _parameters.N;

    /// <summary>Encrypts w·x chunk by chunk (the weight is applied in clear before encoding, so it adds no noise).</summary>
    public Ciphertext[] Encrypt(Encryptor encryptor, ReadOnlySpan<double> values, double weight = 1) =>
        Encrypt(encryptor, values, weight, null);

    /// <summary>
    /// As <see cref="Encrypt(Encryptor, ReadOnlySpan{double}, double)"/> with a key-share encryptor and the shared
    /// seed of each ciphertext index (<see cref="Encryptor.EncryptWithSharedSeed(Plaintext, ReadOnlySpan{byte})"/>),
    /// or with the encryptor's own randomness when <paramref name="seedFor"/> is null.
    /// </summary>
    public Ciphertext[] Encrypt(Encryptor encryptor, ReadOnlySpan<double> values, double weight, Func<int, byte[]>? seedFor)
    {
        ArgumentNullException.ThrowIfNull(encryptor);
        if (!double.IsFinite(weight))
        {
            throw new ArgumentOutOfRangeException(nameof(weight), "weight must be finite");
        }

        int n = _parameters.N;
        var result = new Ciphertext[CiphertextCount(values.Length)];
        var pt = new Plaintext(_parameters);
        for (int c = 0; c < result.Length; c++)
        {
            ReadOnlySpan<double> chunk = values.Slice(c * n, Math.Min(n, values.Length - c * n));
            Span<double> w = _weighted.AsSpan(0, chunk.Length);
            for (int k = 0; k < chunk.Length; k++)
            {
                w[k] = chunk[k] * weight;
            }

            _encoder.Encode(w, Scale, pt);
            result[c] = seedFor is null ? encryptor.Encrypt(pt) : encryptor.EncryptWithSharedSeed(pt, seedFor(c));
        }

        return result;
    }

    /// <summary>Decodes decrypted chunks (in order) into <paramref name="destination"/> (length = the vector length).</summary>
    public void Decode(IReadOnlyList<Plaintext> plaintexts, Span<double> destination)
    {
        ArgumentNullException.ThrowIfNull(plaintexts);
        if (plaintexts.Count != CiphertextCount(destination.Length))
        {
            throw new ArgumentException($"{plaintexts.Count} plaintexts for a vector of {destination.Length}", nameof(plaintexts));
        }

        int n = _parameters.N;
        for (int c = 0; c < plaintexts.Count; c++)
        {
            _encoder.Decode(plaintexts[c], destination.Slice(c * n, Math.Min(n, destination.Length - c * n)));
        }
    }
}
