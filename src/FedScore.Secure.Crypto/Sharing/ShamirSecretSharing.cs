using System.Security.Cryptography;

namespace FedScore.Secure.Crypto.Sharing;

/// <summary>
/// Shamir t-of-n secret sharing (Shamir, "How to share a secret", CACM 1979) over GF(2^127 − 1). A byte secret is cut
/// into 15-byte chunks (each &lt; 2^120 &lt; p, so every chunk is a field element); chunk j is the constant term of a
/// random polynomial of degree t − 1 and share x holds the evaluations at x. Any t shares determine every polynomial
/// (Lagrange interpolation at 0); any t − 1 shares are uniformly distributed whatever the secret.
/// </summary>
public static class ShamirSecretSharing
{
    /// <summary>Bytes of secret per field element.</summary>
    public const int ChunkSize = 15;

    public const int MaxSecretLength = 1024;

    /// <summary>Largest evaluation point (and so number of shares); far below p, so points are distinct field elements.</summary>
    public const int MaxIndex = 1 << 20;

    public static int ElementsFor(int secretLength) => (secretLength + ChunkSize - 1) / ChunkSize;

    /// <summary>Splits <paramref name="secret"/> into one share per evaluation point in <paramref name="indices"/>.</summary>
    public static ShamirShare[] Split(ReadOnlySpan<byte> secret, int threshold, ReadOnlySpan<int> indices)
    {
        if (secret.Length < 1 || secret.Length > MaxSecretLength)
        {
            throw new ArgumentException($"secret must be 1 to {MaxSecretLength} bytes", nameof(secret));
        }

        CheckIndices(indices, nameof(indices));
        if (threshold < 1 || threshold > indices.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), $"threshold must be in [1, {indices.Length}], got {threshold}");
        }

        int elements = ElementsFor(secret.Length);
        var coefficients = new UInt128[threshold];
        var values = new UInt128[indices.Length][];
        for (int s = 0; s < indices.Length; s++)
        {
            values[s] = new UInt128[elements];
        }

        Span<byte> chunk = stackalloc byte[16];
        try
        {
            for (int e = 0; e < elements; e++)
            {
                chunk.Clear();
                int start = e * ChunkSize;
                secret.Slice(start, Math.Min(ChunkSize, secret.Length - start)).CopyTo(chunk);
                coefficients[0] = System.Buffers.Binary.BinaryPrimitives.ReadUInt128LittleEndian(chunk);
                for (int k = 1; k < threshold; k++)
                {
                    coefficients[k] = Field127.Random();
                }

                for (int s = 0; s < indices.Length; s++)
                {
                    // Horner: f(x) = c0 + x(c1 + x(c2 + …)).
                    UInt128 x = (UInt128)indices[s];
                    UInt128 acc = coefficients[threshold - 1];
                    for (int k = threshold - 2; k >= 0; k--)
                    {
                        acc = Field127.Add(Field127.Mul(acc, x), coefficients[k]);
                    }

                    values[s][e] = acc;
                }
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(chunk);
            CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(coefficients.AsSpan()));
        }

        var shares = new ShamirShare[indices.Length];
        for (int s = 0; s < indices.Length; s++)
        {
            shares[s] = new ShamirShare(indices[s], values[s]);
        }

        return shares;
    }

    /// <summary>
    /// Recovers the secret from the first <paramref name="threshold"/> of <paramref name="shares"/> into
    /// <paramref name="secret"/> (whose length must be the shared secret's length).
    /// </summary>
    /// <exception cref="ArgumentException">Too few shares, repeated or invalid indices, inconsistent share sizes, or
    /// a result that is not a valid chunk (a share was corrupted; detection is probabilistic, so verify the secret against a commitment where it matters).</exception>
    public static void Reconstruct(IReadOnlyList<ShamirShare> shares, int threshold, Span<byte> secret)
    {
        ArgumentNullException.ThrowIfNull(shares);
        if (threshold < 1 || shares.Count < threshold)
        {
            throw new ArgumentException($"need {threshold} shares, got {shares.Count}", nameof(shares));
        }

        int[] indices = new int[threshold];
        for (int i = 0; i < threshold; i++)
        {
            indices[i] = shares[i].Index;
        }

        CheckIndices(indices, nameof(shares));
        Reconstruct(shares, LagrangeAtZero(indices), secret);
    }

    /// <summary>
    /// Lagrange coefficients λ_i = Π_{j≠i} x_j / (x_j − x_i) for interpolation at 0. Depends only on the points, so a
    /// caller reconstructing many secrets from shares held by the same parties computes it once.
    /// </summary>
    public static LagrangeCoefficients LagrangeAtZero(ReadOnlySpan<int> indices)
    {
        CheckIndices(indices, nameof(indices));
        int t = indices.Length;
        var numerators = new UInt128[t];
        var denominators = new UInt128[t];
        for (int i = 0; i < t; i++)
        {
            UInt128 num = 1, den = 1;
            UInt128 xi = (UInt128)indices[i];
            for (int j = 0; j < t; j++)
            {
                if (j == i)
                {
                    continue;
                }

                UInt128 xj = (UInt128)indices[j];
                num = Field127.Mul(num, xj);
                den = Field127.Mul(den, Field127.Sub(xj, xi));
            }

            numerators[i] = num;
            denominators[i] = den;
        }

        // Batch inversion (Montgomery's trick): one field inversion for all t denominators.
        var prefix = new UInt128[t];
        UInt128 running = 1;
        for (int i = 0; i < t; i++)
        {
            prefix[i] = running;
            running = Field127.Mul(running, denominators[i]);
        }

        UInt128 inv = Field127.Inverse(running);
        var lambdas = new UInt128[t];
        for (int i = t - 1; i >= 0; i--)
        {
            lambdas[i] = Field127.Mul(numerators[i], Field127.Mul(inv, prefix[i]));
            inv = Field127.Mul(inv, denominators[i]);
        }

        return new LagrangeCoefficients(indices.ToArray(), lambdas);
    }

    /// <summary>Recovers a secret from shares whose indices are exactly <paramref name="coefficients"/>' points, in order.</summary>
    public static void Reconstruct(IReadOnlyList<ShamirShare> shares, LagrangeCoefficients coefficients, Span<byte> secret)
    {
        ArgumentNullException.ThrowIfNull(shares);
        ArgumentNullException.ThrowIfNull(coefficients);
        int t = coefficients.Count;
        if (shares.Count < t)
        {
            throw new ArgumentException($"need {t} shares, got {shares.Count}", nameof(shares));
        }

        int elements = ElementsFor(secret.Length);
        for (int i = 0; i < t; i++)
        {
            if (shares[i].Index != coefficients.Indices[i])
            {
                throw new ArgumentException($"share {i} is for point {shares[i].Index}, coefficients for {coefficients.Indices[i]}", nameof(shares));
            }

            if (shares[i].Elements != elements)
            {
                throw new ArgumentException($"share at point {shares[i].Index} has {shares[i].Elements} elements, a {secret.Length}-byte secret needs {elements}", nameof(shares));
            }
        }

        Span<byte> chunk = stackalloc byte[16];
        try
        {
            for (int e = 0; e < elements; e++)
            {
                UInt128 acc = 0;
                for (int i = 0; i < t; i++)
                {
                    acc = Field127.Add(acc, Field127.Mul(coefficients.Lambdas[i], shares[i].Values[e]));
                }

                int start = e * ChunkSize;
                int len = Math.Min(ChunkSize, secret.Length - start);
                if (acc >> (8 * len) != 0)
                {
                    CryptographicOperations.ZeroMemory(secret);
                    throw new ArgumentException("the shares do not interpolate to a valid secret (a share is corrupt or from another secret)", nameof(shares));
                }

                System.Buffers.Binary.BinaryPrimitives.WriteUInt128LittleEndian(chunk, acc);
                chunk[..len].CopyTo(secret.Slice(start, len));
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(chunk);
        }
    }

    private static void CheckIndices(ReadOnlySpan<int> indices, string parameter)
    {
        if (indices.Length < 1 || indices.Length > MaxIndex)
        {
            throw new ArgumentException($"need 1 to {MaxIndex} evaluation points, got {indices.Length}", parameter);
        }

        var seen = new HashSet<int>();
        foreach (int x in indices)
        {
            if (x < 1 || x > MaxIndex)
            {
                throw new ArgumentException($"evaluation point {x} is outside [1, {MaxIndex}] (0 would reveal the secret)", parameter);
            }

            if (!seen.Add(x))
            {
                throw new ArgumentException($"evaluation point {x} appears twice", parameter);
            }
        }
    }
}

/// <summary>Precomputed Lagrange coefficients at 0 for a fixed set of evaluation points.</summary>
public sealed class LagrangeCoefficients
{
    internal LagrangeCoefficients(int[] indices, UInt128[] lambdas)
    {
        Indices = indices;
        Lambdas = lambdas;
    }

    public IReadOnlyList<int> Indices { get; }

    internal UInt128[] Lambdas { get; }

    public int Count => Lambdas.Length;
}
