using System.Numerics;

namespace FedScore.Secure.Crypto.Paillier;

/// <summary>
/// Fixed-base exponentiation base^e mod m for exponents of at most <see cref="MaxExponentBits"/> bits, by Yao's
/// method / the BGMW "fixed-base windowing" of Brickell, Gordon, McCurley and Wilson (EUROCRYPT '92; Handbook of
/// Applied Cryptography §14.6.3, Algorithm 14.109). With digits e_i in base 2^w and a table T_i = base^(2^(w·i)),
/// base^e = Π_{d=2^w−1..1} Π_{i: e_i ≥ d} T_i, which costs about t + 2^w multiplications for t = ⌈bits/w⌉ digits,
/// against ≈ bits squarings plus bits/w multiplications for a generic modular exponentiation. The table holds only
/// t elements (a few hundred kilobytes at most), so every site can keep its own.
/// </summary>
internal sealed class FixedBaseExponentiator
{
    private readonly BigInteger[] _table;
    private readonly BigInteger _modulus;
    private readonly int _window;

    public FixedBaseExponentiator(BigInteger @base, BigInteger modulus, int maxExponentBits)
    {
        if (maxExponentBits < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxExponentBits));
        }

        _modulus = modulus;
        MaxExponentBits = maxExponentBits;
        _window = BestWindow(maxExponentBits);
        int digits = (maxExponentBits + _window - 1) / _window;
        _table = new BigInteger[digits];
        BigInteger t = @base % modulus;
        for (int i = 0; i < digits; i++)
        {
            _table[i] = t;
            for (int s = 0; s < _window; s++)
            {
                t = t * t % modulus;
            }
        }
    }

    public int MaxExponentBits { get; }

    /// <summary>base^e mod m, with e given as little-endian bytes holding at most <see cref="MaxExponentBits"/> bits.</summary>
    public BigInteger Pow(ReadOnlySpan<byte> exponentLittleEndian)
    {
        int digits = _table.Length;
        Span<byte> digit = digits <= 1024 ? stackalloc byte[digits] : new byte[digits];
        try
        {
            for (int i = 0; i < digits; i++)
            {
                digit[i] = (byte)ReadBits(exponentLittleEndian, i * _window, _window);
            }

            // Exponent bits beyond the table would be silently dropped: refuse them instead.
            for (int bit = digits * _window; bit < exponentLittleEndian.Length * 8; bit++)
            {
                if ((exponentLittleEndian[bit >> 3] >> (bit & 7) & 1) != 0)
                {
                    throw new ArgumentOutOfRangeException(nameof(exponentLittleEndian), $"exponent exceeds {MaxExponentBits} bits");
                }
            }

            BigInteger a = BigInteger.One;
            BigInteger b = BigInteger.One;
            bool bIsOne = true;
            for (int d = (1 << _window) - 1; d >= 1; d--)
            {
                for (int i = 0; i < digits; i++)
                {
                    if (digit[i] == d)
                    {
                        b = bIsOne ? _table[i] : b * _table[i] % _modulus;
                        bIsOne = false;
                    }
                }

                if (!bIsOne)
                {
                    a = a.IsOne ? b : a * b % _modulus;
                }
            }

            return a;
        }
        finally
        {
            // The digits are the secret randomness of an encryption.
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(digit);
        }
    }

    /// <summary>The window minimising ⌈bits/w⌉ + 2^w multiplications (w ≤ 8 so a digit fits a byte).</summary>
    private static int BestWindow(int bits)
    {
        int best = 1;
        long bestCost = long.MaxValue;
        for (int w = 1; w <= 8; w++)
        {
            long cost = (bits + w - 1) / w + (1L << w);
            if (cost < bestCost)
            {
                bestCost = cost;
                best = w;
            }
        }

        return best;
    }

    private static int ReadBits(ReadOnlySpan<byte> data, int bitOffset, int count)
    {
        int value = 0;
        for (int k = 0; k < count; k++)
        {
            int bit = bitOffset + k;
            int byteIndex = bit >> 3;
            if (byteIndex < data.Length)
            {
                value |= (data[byteIndex] >> (bit & 7) & 1) << k;
            }
        }

        return value;
    }
}
