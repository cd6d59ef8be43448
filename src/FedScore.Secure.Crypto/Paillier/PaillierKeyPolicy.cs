namespace FedScore.Secure.Crypto.Paillier;

/// <summary>
/// Which Paillier moduli a party accepts. <see cref="Production"/> refuses anything below 2048 bits (NIST SP 800-57
/// Part 1 Rev. 5, Table 2: a 2048-bit factoring modulus gives 112-bit security, 3072 bits gives 128);
/// <see cref="InsecureForTests"/> exists only so that unit tests can run with small, fast keys, and says so.
/// </summary>
public sealed record PaillierKeyPolicy
{
    /// <summary>Smallest modulus accepted in production (112-bit security).</summary>
    public const int MinimumProductionModulusBits = 2048;

    /// <summary>Default modulus: 3072 bits, 128-bit security (NIST SP 800-57 Part 1 Rev. 5, Table 2).</summary>
    public const int DefaultModulusBits = 3072;

    /// <summary>Largest modulus any policy accepts: bounds allocation when a key arrives from the network.</summary>
    public const int MaximumModulusBits = 8192;

    /// <summary>Smallest modulus even test code may use: ⌈k/2⌉ randomness bits must still reach 2κ = 256.</summary>
    public const int MinimumTestModulusBits = 512;

    private PaillierKeyPolicy(int minimumModulusBits, bool isInsecure)
    {
        MinimumModulusBits = minimumModulusBits;
        IsInsecure = isInsecure;
    }

    public static PaillierKeyPolicy Production { get; } = new(MinimumProductionModulusBits, isInsecure: false);

    /// <summary>Accepts keys from 512 bits on. NEVER use outside tests: such keys can be factored.</summary>
    public static PaillierKeyPolicy InsecureForTests { get; } = new(MinimumTestModulusBits, isInsecure: true);

    public int MinimumModulusBits { get; }

    public bool IsInsecure { get; }

    /// <summary>Throws when <paramref name="modulusBits"/> is outside what this policy accepts.</summary>
    public void CheckModulusBits(int modulusBits, string paramName)
    {
        if (modulusBits < MinimumModulusBits || modulusBits > MaximumModulusBits)
        {
            string hint = IsInsecure ? "" : " (test code may use PaillierKeyPair.GenerateInsecureForTests)";
            throw new ArgumentOutOfRangeException(
                paramName,
                $"a Paillier modulus of {modulusBits} bits is outside [{MinimumModulusBits}, {MaximumModulusBits}]{hint}");
        }
    }
}
