using System.Numerics;
using System.Security.Cryptography;
using BcBigInteger = Org.BouncyCastle.Math.BigInteger;

namespace FedScore.Secure.Crypto.Paillier;

/// <summary>
/// Generates an admissible Paillier modulus (Damgård–Jurik–Nielsen 2010): n = p·q with p, q probable primes of
/// exactly k/2 bits, p ≡ q ≡ 3 (mod 4), gcd(p−1, q−1) = 2, |p − q| &gt; 2^(k/2−100) (the distance rule of FIPS 186-5
/// §A.1.3 for RSA, so Fermat factoring is hopeless), and gcd(n, (p−1)(q−1)) = 1 (Paillier 1999 §3, needed for g = n+1).
/// Candidates come from the OS CSPRNG; primality is BouncyCastle's trial division + Miller–Rabin.
/// </summary>
internal static class PaillierKeyGenerator
{
    /// <summary>BouncyCastle certainty: error ≤ 2^-100 per accepted prime even for adversarial candidates.</summary>
    private const int PrimeCertainty = 100;

    private const int MaxAttempts = 1_000_000;

    public static (BigInteger P, BigInteger Q) GenerateAdmissiblePrimes(int modulusBits)
    {
        if (modulusBits % 2 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(modulusBits), "the modulus size must be even (p and q of equal size)");
        }

        int half = modulusBits / 2;
        BcBigInteger two = BcBigInteger.Two;
        BcBigInteger minDistance = BcBigInteger.One.ShiftLeft(half - 100);
        BcBigInteger p = RandomPrime3Mod4(half);
        for (int attempt = 0; attempt < MaxAttempts; attempt++)
        {
            BcBigInteger q = RandomPrime3Mod4(half);
            if (p.Subtract(q).Abs().CompareTo(minDistance) <= 0)
            {
                continue;
            }

            BcBigInteger pm1 = p.Subtract(BcBigInteger.One);
            BcBigInteger qm1 = q.Subtract(BcBigInteger.One);
            if (!pm1.Gcd(qm1).Equals(two))
            {
                continue;
            }

            BcBigInteger n = p.Multiply(q);
            if (n.BitLength != modulusBits || !n.Gcd(pm1.Multiply(qm1)).Equals(BcBigInteger.One))
            {
                continue;
            }

            return (BigIntegerBytes.FromBouncyCastle(p), BigIntegerBytes.FromBouncyCastle(q));
        }

        throw new CryptographicException("could not generate an admissible Paillier modulus");
    }

    /// <summary>h_s = (−x²)^n mod n² for a random unit x (DJN 2010): the fixed base of the short randomness.</summary>
    public static BigInteger RandomnessBase(BigInteger n)
    {
        BigInteger x = RandomUnit(n);
        BigInteger h = n - x * x % n;
        return BigInteger.ModPow(h, n, n * n);
    }

    internal static BigInteger RandomUnit(BigInteger n)
    {
        // 64 extra bits make the reduction mod n statistically uniform (bias ≤ 2^-64).
        int bytes = BigIntegerBytes.ByteLength(n.GetBitLength() + 64);
        byte[] buffer = new byte[bytes];
        try
        {
            for (int attempt = 0; attempt < 1000; attempt++)
            {
                RandomNumberGenerator.Fill(buffer);
                BigInteger x = new BigInteger(buffer, isUnsigned: true) % n;
                if (x > BigInteger.One && BigInteger.GreatestCommonDivisor(x, n).IsOne)
                {
                    return x;
                }
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
        }

        throw new CryptographicException("could not sample a unit modulo n");
    }

    private static BcBigInteger RandomPrime3Mod4(int bits)
    {
        byte[] buffer = new byte[(bits + 7) / 8];
        int excess = buffer.Length * 8 - bits;
        try
        {
            for (int attempt = 0; attempt < MaxAttempts; attempt++)
            {
                RandomNumberGenerator.Fill(buffer);
                buffer[0] &= (byte)(0xFF >> excess);
                // Top two bits set: p·q then has exactly 2·bits bits. Low two bits set: p ≡ 3 (mod 4).
                buffer[0] |= (byte)(0xC0 >> excess);
                if (excess == 7)
                {
                    buffer[1] |= 0x80;
                }

                buffer[^1] |= 0x03;
                var candidate = new BcBigInteger(1, buffer);
                if (candidate.IsProbablePrime(PrimeCertainty))
                {
                    return candidate;
                }
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
        }

        throw new CryptographicException($"no {bits}-bit prime found");
    }
}
