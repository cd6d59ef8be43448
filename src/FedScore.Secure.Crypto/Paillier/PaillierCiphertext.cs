using System.Numerics;

namespace FedScore.Secure.Crypto.Paillier;

/// <summary>
/// A Paillier ciphertext: a unit of Z*_{n²} (0 &lt; c &lt; n², gcd(c, n) = 1). Instances only come from encryption,
/// homomorphic addition or <see cref="PaillierWire"/> (which validates), so every instance is well-formed for the
/// key it was made or read under.
/// </summary>
public sealed class PaillierCiphertext : IEquatable<PaillierCiphertext>
{
    internal PaillierCiphertext(BigInteger value, PaillierPublicKey key)
    {
        Value = value;
        Key = key;
    }

    internal BigInteger Value { get; }

    internal PaillierPublicKey Key { get; }

    public bool Equals(PaillierCiphertext? other) => other is not null && Value == other.Value && Key.Equals(other.Key);

    public override bool Equals(object? obj) => obj is PaillierCiphertext c && Equals(c);

    public override int GetHashCode() => Value.GetHashCode();

    public override string ToString() => $"PaillierCiphertext(n² of {Key.ModulusBits * 2} bits)";
}
