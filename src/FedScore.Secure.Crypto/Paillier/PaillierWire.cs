using System.Numerics;
using FedScore.Secure.Wire;

namespace FedScore.Secure.Crypto.Paillier;

/// <summary>
/// Wire forms of ciphertext and plaintext vectors: a varint count, then fixed-width little-endian elements
/// (<see cref="PaillierPublicKey.CiphertextBytes"/> or <see cref="PaillierPublicKey.PlaintextBytes"/> each). Readers
/// refuse a wrong count before allocating, truncation, and any element that is not a valid ciphertext (c = 0,
/// c ≥ n², gcd(c, n) ≠ 1) or plaintext (m ≥ n). Framing (MessageHeader) is the caller's.
/// </summary>
public static class PaillierWire
{
    public static void WriteCiphertexts(WireWriter writer, PaillierPublicKey key, ReadOnlySpan<PaillierCiphertext> ciphertexts)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(key);
        writer.WriteVarUInt((ulong)ciphertexts.Length);
        int width = key.CiphertextBytes;
        Span<byte> all = writer.Reserve(checked(width * ciphertexts.Length));
        for (int i = 0; i < ciphertexts.Length; i++)
        {
            key.CheckOwn(ciphertexts[i], nameof(ciphertexts));
            BigIntegerBytes.WriteFixed(ciphertexts[i].Value, all.Slice(i * width, width));
        }
    }

    /// <summary>Reads exactly <paramref name="expectedCount"/> ciphertexts, validating every one.</summary>
    public static PaillierCiphertext[] ReadCiphertexts(ref WireReader reader, PaillierPublicKey key, int expectedCount) =>
        ReadCiphertexts(ref reader, key, expectedCount, expectedCount);

    /// <summary>
    /// Reads between <paramref name="minCount"/> and <paramref name="maxCount"/> ciphertexts, validating every one. The
    /// bytes for all of them must be present before anything is allocated.
    /// </summary>
    public static PaillierCiphertext[] ReadCiphertexts(ref WireReader reader, PaillierPublicKey key, int minCount, int maxCount)
    {
        ArgumentNullException.ThrowIfNull(key);
        int count = ReadCount(ref reader, "ciphertext count", minCount, maxCount);
        int width = key.CiphertextBytes;
        ReadOnlySpan<byte> all = reader.ReadRaw(checked(width * count), "ciphertexts");
        var result = new PaillierCiphertext[count];
        for (int i = 0; i < count; i++)
        {
            BigInteger c = BigIntegerBytes.ReadFixed(all.Slice(i * width, width));
            if (c.IsZero)
            {
                throw reader.Fail("ciphertexts", $"element {i} is zero");
            }

            if (c >= key.NSquared)
            {
                throw reader.Fail("ciphertexts", $"element {i} is not reduced modulo n²");
            }

            if (!key.IsValidCiphertext(c))
            {
                throw reader.Fail("ciphertexts", $"element {i} is not a unit modulo n² (shares a factor with n)");
            }

            result[i] = new PaillierCiphertext(c, key);
        }

        return result;
    }

    public static void WritePlaintexts(WireWriter writer, PaillierPublicKey key, ReadOnlySpan<BigInteger> plaintexts)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(key);
        writer.WriteVarUInt((ulong)plaintexts.Length);
        int width = key.PlaintextBytes;
        Span<byte> all = writer.Reserve(checked(width * plaintexts.Length));
        for (int i = 0; i < plaintexts.Length; i++)
        {
            if (plaintexts[i].Sign < 0 || plaintexts[i] >= key.N)
            {
                throw new ArgumentOutOfRangeException(nameof(plaintexts), $"element {i} is not in [0, n)");
            }

            BigIntegerBytes.WriteFixed(plaintexts[i], all.Slice(i * width, width));
        }
    }

    /// <summary>Reads exactly <paramref name="expectedCount"/> plaintexts, each in [0, n).</summary>
    public static BigInteger[] ReadPlaintexts(ref WireReader reader, PaillierPublicKey key, int expectedCount)
    {
        ArgumentNullException.ThrowIfNull(key);
        int count = ReadCount(ref reader, "plaintext count", expectedCount, expectedCount);
        int width = key.PlaintextBytes;
        ReadOnlySpan<byte> all = reader.ReadRaw(checked(width * count), "plaintexts");
        var result = new BigInteger[count];
        for (int i = 0; i < count; i++)
        {
            BigInteger m = BigIntegerBytes.ReadFixed(all.Slice(i * width, width));
            if (m >= key.N)
            {
                throw reader.Fail("plaintexts", $"element {i} is not reduced modulo n");
            }

            result[i] = m;
        }

        return result;
    }

    private static int ReadCount(ref WireReader reader, string field, int minCount, int maxCount)
    {
        // ReadLength refuses anything above the maximum before any allocation.
        int count = reader.ReadLength(field, maxCount);
        if (count < minCount)
        {
            throw reader.Fail(field, minCount == maxCount ? $"is {count}, expected {minCount}" : $"is {count}, below the minimum {minCount}");
        }

        return count;
    }
}
