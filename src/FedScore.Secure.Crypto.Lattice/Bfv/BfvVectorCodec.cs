using FedScore.Secure.Crypto.Lattice.Rlwe;

namespace FedScore.Secure.Crypto.Lattice.Bfv;

/// <summary>Splits a long integer vector over ⌈length/N⌉ coefficient-encoded BFV ciphertexts and joins them back.</summary>
public sealed class BfvVectorCodec
{
    private readonly BfvParameters _parameters;
    private readonly BfvEncoder _encoder;

    public BfvVectorCodec(BfvParameters parameters)
    {
        _parameters = parameters ?? throw new ArgumentNullException(nameof(parameters));
        _encoder = new BfvEncoder(parameters);
    }

    public int CiphertextCount(int length) => (length + _parameters.N - 1) / _parameters.N;

    /// <summary>Encrypts the integers (taken mod t) chunk by chunk.</summary>
    public Ciphertext[] Encrypt(Encryptor encryptor, ReadOnlySpan<long> values)
    {
        ArgumentNullException.ThrowIfNull(encryptor);
        int n = _parameters.N;
        var result = new Ciphertext[CiphertextCount(values.Length)];
        for (int c = 0; c < result.Length; c++)
        {
            result[c] = encryptor.Encrypt(_encoder.EncodeCoefficients(values.Slice(c * n, Math.Min(n, values.Length - c * n))));
        }

        return result;
    }

    /// <summary>Decodes decrypted chunks into centred integers (−t/2, t/2].</summary>
    public void Decode(IReadOnlyList<Plaintext> plaintexts, Span<long> destination)
    {
        ArgumentNullException.ThrowIfNull(plaintexts);
        if (plaintexts.Count != CiphertextCount(destination.Length))
        {
            throw new ArgumentException($"{plaintexts.Count} plaintexts for a vector of {destination.Length}", nameof(plaintexts));
        }

        int n = _parameters.N;
        for (int c = 0; c < plaintexts.Count; c++)
        {
            _encoder.DecodeCoefficients(plaintexts[c], destination.Slice(c * n, Math.Min(n, destination.Length - c * n)));
        }
    }
}
