namespace FedScore.Secure.Crypto.Paillier;

/// <summary>A freshly generated Paillier key pair; dispose it to drop the private key.</summary>
public sealed class PaillierKeyPair : IDisposable
{
    private PaillierKeyPair(PaillierPrivateKey privateKey)
    {
        PrivateKey = privateKey;
    }

    public PaillierPublicKey PublicKey => PrivateKey.PublicKey;

    public PaillierPrivateKey PrivateKey { get; }

    /// <summary>
    /// Generates a key of <paramref name="modulusBits"/> bits (default 3072, at least 2048: see
    /// <see cref="PaillierKeyPolicy.Production"/>). <paramref name="randomnessBits"/> is ℓ, the length of the
    /// encryption exponent α (default ⌈k/2⌉ after Damgård–Jurik–Nielsen; at least 256, see <see cref="PaillierPublicKey"/>).
    /// </summary>
    public static PaillierKeyPair Generate(int modulusBits = PaillierKeyPolicy.DefaultModulusBits, int? randomnessBits = null) =>
        Generate(modulusBits, randomnessBits, PaillierKeyPolicy.Production);

    /// <summary>
    /// INSECURE: generates a small key (from 512 bits) so that unit tests run fast. Such keys can be factored; the
    /// production paths (<see cref="Generate(int, int?)"/>, <see cref="PaillierKeyPolicy.Production"/>) refuse them.
    /// </summary>
    public static PaillierKeyPair GenerateInsecureForTests(int modulusBits) =>
        Generate(modulusBits, null, PaillierKeyPolicy.InsecureForTests);

    public static PaillierKeyPair Generate(int modulusBits, int? randomnessBits, PaillierKeyPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        policy.CheckModulusBits(modulusBits, nameof(modulusBits));
        int ell = randomnessBits ?? (modulusBits + 1) / 2;
        if (ell < PaillierPublicKey.MinimumRandomnessBits || ell > modulusBits)
        {
            throw new ArgumentOutOfRangeException(nameof(randomnessBits), $"randomness bits must be in [{PaillierPublicKey.MinimumRandomnessBits}, {modulusBits}], got {ell}");
        }

        var (p, q) = PaillierKeyGenerator.GenerateAdmissiblePrimes(modulusBits);
        System.Numerics.BigInteger n = p * q;
        var publicKey = new PaillierPublicKey(n, PaillierKeyGenerator.RandomnessBase(n), ell);
        return new PaillierKeyPair(new PaillierPrivateKey(p, q, publicKey));
    }

    public void Dispose() => PrivateKey.Dispose();

    public override string ToString() => $"PaillierKeyPair({PublicKey})";
}
