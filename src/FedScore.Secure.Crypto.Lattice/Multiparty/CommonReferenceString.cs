using System.Security.Cryptography;
using System.Text;

namespace FedScore.Secure.Crypto.Lattice.Multiparty;

/// <summary>
/// A PUBLIC 32-byte seed all parties agree on, from which common random polynomials (CRPs) are expanded
/// (Mouchet et al., PETS 2021, §4: the collective public key's a is a CRP). It is not a secret and must never be
/// used as a source of secret randomness.
/// </summary>
public sealed class CommonReferenceString
{
    public const int SeedSize = 32;
    private readonly byte[] _seed;

    public CommonReferenceString(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != SeedSize)
        {
            throw new ArgumentException($"a CRS seed is {SeedSize} bytes", nameof(seed));
        }

        _seed = seed.ToArray();
    }

    /// <summary>
    /// The CRS for a session: SHA-256("FedScore.Secure.Lattice.CRS/v1" ‖ session ‖ label) — a random-oracle output
    /// nobody can steer towards a weak a, bound to the session so that keys of different sessions are unrelated.
    /// </summary>
    public static CommonReferenceString Derive(string sessionId, string label)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionId);
        ArgumentNullException.ThrowIfNull(label);
        byte[] input = Encoding.UTF8.GetBytes($"FedScore.Secure.Lattice.CRS/v1\0{sessionId}\0{label}");
        return new CommonReferenceString(SHA256.HashData(input));
    }

    /// <summary>A fresh random CRS (e.g. drawn by the server and broadcast).</summary>
    public static CommonReferenceString CreateRandom() => new(RandomNumberGenerator.GetBytes(SeedSize));

    public ReadOnlySpan<byte> Seed => _seed;

    public override string ToString() => $"CRS({Convert.ToHexString(_seed, 0, 4)}…)";
}
