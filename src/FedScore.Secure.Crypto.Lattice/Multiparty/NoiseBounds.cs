namespace FedScore.Secure.Crypto.Lattice.Multiparty;

/// <summary>
/// Noise bounds for additive aggregation under a collective key, in integer units of the decrypted coefficient.
/// </summary>
/// <remarks>
/// With K key parties, s = Σ s_i (ternary, variance 2/3 per coefficient each) and e_pk = Σ e_i (variance Kσ²), a fresh
/// public-key encryption (c0, c1) = (u·p0 + e0 + m, u·p1 + e1) decrypts to m + v with
/// v = u·e_pk + e0 + e1·s, so Var(v_k) = N·(2/3)·Kσ² + σ² + N·σ²·(2/3)K = σ²(1 + (4/3)NK); a sum of S independent
/// encryptions has S times that variance. By the central-limit heuristic used throughout the HE literature
/// (Costache &amp; Smart 2016; SEAL/Lattigo noise estimates) we take 12 standard deviations as the bound
/// (two-sided Gaussian tail below 2^-100 per coefficient).
/// </remarks>
public static class NoiseBounds
{
    public const double TailSigmas = 12;

    /// <summary>High-probability bound on |v| of a sum of <paramref name="summands"/> fresh encryptions.</summary>
    public static double CiphertextNoise(int n, int keyParties, int summands)
    {
        if (n < 1 || keyParties < 1 || summands < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(n), "n, keyParties and summands must be positive");
        }

        double variance = summands * (1 + 4.0 / 3.0 * n * keyParties) * Ring.Sampler.Sigma * Ring.Sampler.Sigma;
        return TailSigmas * Math.Sqrt(variance);
    }

    /// <summary>
    /// Bound on |v| of a sum of <paramref name="summands"/> shared-seed symmetric encryptions (each party encrypts
    /// under its own key share with a common c1, <see cref="Rlwe.Encryptor.EncryptWithSharedSeed(Rlwe.Plaintext, ReadOnlySpan{byte})"/>):
    /// v = Σ e_i, Var(v_k) = S·σ², no key-dependent terms; 12 standard deviations as for <see cref="CiphertextNoise"/>.
    /// </summary>
    public static double SharedSeedCiphertextNoise(int summands)
    {
        if (summands < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(summands), "summands must be positive");
        }

        return TailSigmas * Ring.Sampler.Sigma * Math.Sqrt(summands);
    }

    /// <summary>
    /// Bits b of the uniform smudging noise in [−2^b, 2^b) each decryptor adds to its share, such that the
    /// released plaintext hides the ciphertext noise v (|v_k| ≤ B) within statistical distance 2^-λ:
    /// per coefficient SD(U, v_k + U) = |v_k| / 2^(b+1), summed over N coefficients ≤ N·B / 2^(b+1); so
    /// b = λ + ⌈log2(N·B)⌉ gives ≤ 2^-(λ+1) per decryption (noise flooding, Asharov et al. EUROCRYPT 2012 §2;
    /// Mouchet et al. PETS 2021 §5). The bound degrades linearly with the number of decryptions released.
    /// </summary>
    public static int SmudgingBits(int n, double ciphertextNoiseBound, int statisticalSecurity)
    {
        if (statisticalSecurity < 1 || statisticalSecurity > 80)
        {
            throw new ArgumentOutOfRangeException(nameof(statisticalSecurity), "λ must be in [1, 80]");
        }

        return statisticalSecurity + (int)Math.Ceiling(Math.Log2(n * Math.Max(1, ciphertextNoiseBound)));
    }

    /// <summary>Bound on the total noise after collective decryption by <paramref name="decryptors"/> parties.</summary>
    public static double DecryptedNoise(double ciphertextNoiseBound, int decryptors, int smudgingBits) =>
        ciphertextNoiseBound + decryptors * Math.ScaleB(1, smudgingBits);
}
