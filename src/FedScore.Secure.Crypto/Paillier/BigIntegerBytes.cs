using System.Numerics;
using BcBigInteger = Org.BouncyCastle.Math.BigInteger;

namespace FedScore.Secure.Crypto.Paillier;

/// <summary>
/// Conversions between BouncyCastle's BigInteger (used for prime generation, where its vetted Miller–Rabin lives)
/// and System.Numerics.BigInteger (used for the hot modular arithmetic, see <see cref="PaillierPublicKey"/>), and
/// fixed-width little-endian encodings for the wire.
/// </summary>
internal static class BigIntegerBytes
{
    public static BigInteger FromBouncyCastle(BcBigInteger value)
    {
        byte[] bytes = value.ToByteArrayUnsigned();
        try
        {
            return new BigInteger(bytes, isUnsigned: true, isBigEndian: true);
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(bytes);
        }
    }

    public static BcBigInteger ToBouncyCastle(BigInteger value)
    {
        byte[] bytes = value.ToByteArray(isUnsigned: true, isBigEndian: true);
        try
        {
            return new BcBigInteger(1, bytes);
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(bytes);
        }
    }

    /// <summary>Bytes needed to hold any value below 2^<paramref name="bits"/>.</summary>
    public static int ByteLength(long bits) => checked((int)((bits + 7) / 8));

    /// <summary>Writes a non-negative value into exactly <paramref name="destination"/>.Length bytes, little-endian.</summary>
    public static void WriteFixed(BigInteger value, Span<byte> destination)
    {
        destination.Clear();
        if (value.Sign < 0 || !value.TryWriteBytes(destination, out _, isUnsigned: true, isBigEndian: false))
        {
            throw new ArgumentOutOfRangeException(nameof(value), $"value does not fit {destination.Length} bytes");
        }
    }

    public static BigInteger ReadFixed(ReadOnlySpan<byte> source) => new(source, isUnsigned: true, isBigEndian: false);

    /// <summary>Modular inverse by BouncyCastle (extended Euclid); only used at key set-up, never per message.</summary>
    public static BigInteger ModInverse(BigInteger value, BigInteger modulus) =>
        FromBouncyCastle(ToBouncyCastle(value).ModInverse(ToBouncyCastle(modulus)));
}
