using System.Numerics;

namespace FedScore.Secure.Crypto.Paillier;

/// <summary>
/// Folds ciphertext vectors as they arrive: slot i holds Π_j c_{j,i} mod n² = E(Σ_j m_{j,i}). Memory is one
/// ciphertext per slot whatever the number of contributors; no key material beyond the public key is involved.
/// </summary>
public sealed class PaillierAccumulator
{
    private readonly BigInteger[] _product;

    public PaillierAccumulator(PaillierPublicKey key, int length)
    {
        Key = key ?? throw new ArgumentNullException(nameof(key));
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        _product = new BigInteger[length];
    }

    public PaillierPublicKey Key { get; }

    public int Length => _product.Length;

    /// <summary>How many vectors have been folded in.</summary>
    public int Count { get; private set; }

    /// <summary>Multiplies a whole (already validated) vector in.</summary>
    public void Add(ReadOnlySpan<PaillierCiphertext> ciphertexts)
    {
        if (ciphertexts.Length != _product.Length)
        {
            throw new ArgumentException($"vector has {ciphertexts.Length} ciphertexts, the accumulator {_product.Length}", nameof(ciphertexts));
        }

        foreach (PaillierCiphertext c in ciphertexts)
        {
            Key.CheckOwn(c, nameof(ciphertexts));
        }

        BigInteger n2 = Key.NSquared;
        for (int i = 0; i < _product.Length; i++)
        {
            _product[i] = Count == 0 ? ciphertexts[i].Value : _product[i] * ciphertexts[i].Value % n2;
        }

        Count++;
    }

    /// <summary>The folded ciphertexts (E(0)-free: requires at least one vector).</summary>
    public PaillierCiphertext[] ToCiphertexts()
    {
        if (Count == 0)
        {
            throw new InvalidOperationException("no vector has been folded in");
        }

        var result = new PaillierCiphertext[_product.Length];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = new PaillierCiphertext(_product[i], Key);
        }

        return result;
    }
}
