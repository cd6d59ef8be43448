namespace FedScore.Secure.Crypto.Lattice.Ring;

/// <summary>Primality testing and generation of NTT-friendly primes q ≡ 1 (mod 2N).</summary>
public static class Primes
{
    // The first 12 primes as Miller–Rabin bases are a deterministic test for every n < 3.3·10^24, hence for all
    // 64-bit n (Sorenson & Webster 2015, "Strong pseudoprimes to twelve prime bases").
    private static readonly ulong[] Bases = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37];

    /// <summary>Deterministic Miller–Rabin primality test for 64-bit integers.</summary>
    public static bool IsPrime(ulong n)
    {
        if (n < 2)
        {
            return false;
        }

        foreach (ulong p in Bases)
        {
            if (n % p == 0)
            {
                return n == p;
            }
        }

        ulong d = n - 1;
        int s = 0;
        while ((d & 1) == 0)
        {
            d >>= 1;
            s++;
        }

        foreach (ulong a in Bases)
        {
            ulong x = ModArith.Pow(a, d, n);
            if (x == 1 || x == n - 1)
            {
                continue;
            }

            bool composite = true;
            for (int r = 1; r < s; r++)
            {
                x = ModArith.Mul(x, x, n);
                if (x == n - 1)
                {
                    composite = false;
                    break;
                }
            }

            if (composite)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The largest primes below 2^bits with q ≡ 1 (mod 2N), skipping any in <paramref name="exclude"/>. Deterministic,
    /// so every party derives the same moduli from the same literal.
    /// </summary>
    public static ulong NextNttPrimeBelow(int bits, int n, IReadOnlyCollection<ulong> exclude)
    {
        if (bits < 2 || bits > ModArith.MaxModulusBits)
        {
            throw new ArgumentOutOfRangeException(nameof(bits), $"modulus bits must be in [2, {ModArith.MaxModulusBits}], got {bits}");
        }

        ulong twoN = 2UL * (ulong)n;
        ulong top = 1UL << bits;
        // Largest candidate ≡ 1 mod 2N below 2^bits; step down by 2N but stay above 2^(bits−1) so the size is as asked.
        ulong c = (top - 1) / twoN * twoN + 1;
        if (c >= top)
        {
            c -= twoN;
        }

        ulong floor = 1UL << (bits - 1);
        for (; c > floor && c > twoN; c -= twoN)
        {
            if (!exclude.Contains(c) && IsPrime(c))
            {
                return c;
            }
        }

        throw new ArgumentException($"no {bits}-bit prime q ≡ 1 mod {twoN} available");
    }

    /// <summary>Distinct NTT-friendly primes with the given bit sizes.</summary>
    public static ulong[] Generate(IReadOnlyList<int> bitSizes, int n)
    {
        var chosen = new List<ulong>(bitSizes.Count);
        foreach (int b in bitSizes)
        {
            chosen.Add(NextNttPrimeBelow(b, n, chosen));
        }

        return chosen.ToArray();
    }

    /// <summary>A primitive 2N-th root of unity mod q (needs q ≡ 1 mod 2N); the smallest such, for determinism.</summary>
    public static ulong MinimalPrimitive2NthRoot(ulong q, int n)
    {
        ulong twoN = 2UL * (ulong)n;
        if ((q - 1) % twoN != 0)
        {
            throw new ArgumentException($"q = {q} is not 1 mod 2N = {twoN}");
        }

        ulong cofactor = (q - 1) / twoN;
        ulong best = 0;
        for (ulong g = 2; g < q; g++)
        {
            ulong r = ModArith.Pow(g, cofactor, q);
            // r has order dividing 2N; it is primitive iff r^N = −1 (2N is a power of two).
            if (ModArith.Pow(r, (ulong)n, q) == q - 1)
            {
                best = r;
                break;
            }
        }

        if (best == 0)
        {
            throw new ArgumentException($"no primitive 2N-th root mod {q}");
        }

        // Smallest primitive root among the odd powers best^(2k+1), so the table does not depend on search order.
        ulong min = best;
        ulong sq = ModArith.Mul(best, best, q);
        ulong cur = best;
        for (int k = 1; k < n; k++)
        {
            cur = ModArith.Mul(cur, sq, q);
            if (cur < min)
            {
                min = cur;
            }
        }

        return min;
    }
}
