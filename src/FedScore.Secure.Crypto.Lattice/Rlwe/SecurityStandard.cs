namespace FedScore.Secure.Crypto.Lattice.Rlwe;

/// <summary>
/// The HomomorphicEncryption.org security standard (Albrecht et al., 2018, Table 1; as encoded in SEAL's
/// hestdparms.h): the largest log2 Q for 128-bit classical security with a uniform ternary secret and σ = 3.2.
/// </summary>
public static class SecurityStandard
{
    public const int MinLogN = 10;
    public const int MaxLogN = 15;

    private static readonly int[] s_maxLog2Q128 = [27, 54, 109, 218, 438, 881]; // N = 1024 … 32768

    /// <summary>Max log2 Q (full modulus, every prime counted) at 128-bit classical security for ring degree N.</summary>
    public static int MaxLog2Q128(int n)
    {
        int logN = System.Numerics.BitOperations.Log2((uint)n);
        if (n <= 0 || (1 << logN) != n || logN < MinLogN || logN > MaxLogN)
        {
            throw new ArgumentOutOfRangeException(nameof(n), $"the standard covers N = 1024 … 32768 (powers of two), got {n}");
        }

        return s_maxLog2Q128[logN - MinLogN];
    }

    /// <summary>True when (N, log2 Q) is at least 128-bit classically secure per the table.</summary>
    public static bool Is128BitSecure(int n, int log2Q) =>
        n >= 1 << MinLogN && n <= 1 << MaxLogN && log2Q <= MaxLog2Q128(n);
}
