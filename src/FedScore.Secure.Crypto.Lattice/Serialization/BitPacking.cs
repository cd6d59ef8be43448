using System.Buffers.Binary;

namespace FedScore.Secure.Crypto.Lattice.Serialization;

/// <summary>
/// Residues packed at the bit width of their prime, little-endian bit order: a limb of N residues mod a b-bit prime
/// takes ⌈N·b/8⌉ bytes (a 60-bit value takes 60 bits, not 64). Padding bits must be zero, so every value has exactly
/// one encoding.
/// </summary>
internal static class BitPacking
{
    public static int PackedSize(int count, int bits) => (int)(((long)count * bits + 7) / 8);

    public static void Pack(ReadOnlySpan<ulong> values, int bits, Span<byte> destination)
    {
        UInt128 acc = 0;
        int held = 0, pos = 0;
        foreach (ulong v in values)
        {
            acc |= (UInt128)v << held;
            held += bits;
            if (held >= 64)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(destination.Slice(pos, 8), (ulong)acc);
                pos += 8;
                acc >>= 64;
                held -= 64;
            }
        }

        while (held > 0)
        {
            destination[pos++] = (byte)acc;
            acc >>= 8;
            held -= 8;
        }
    }

    /// <summary>Unpacks and checks every value is below <paramref name="modulus"/>; returns the first bad index or −1.</summary>
    public static int Unpack(ReadOnlySpan<byte> source, int bits, ulong modulus, Span<ulong> values, out bool paddingNonZero)
    {
        UInt128 acc = 0;
        int held = 0, pos = 0;
        ulong mask = bits == 64 ? ulong.MaxValue : (1UL << bits) - 1;
        int bad = -1;
        for (int k = 0; k < values.Length; k++)
        {
            while (held < bits)
            {
                if (pos + 8 <= source.Length)
                {
                    acc |= (UInt128)BinaryPrimitives.ReadUInt64LittleEndian(source.Slice(pos, 8)) << held;
                    pos += 8;
                    held += 64;
                }
                else
                {
                    acc |= (UInt128)source[pos++] << held;
                    held += 8;
                }
            }

            ulong v = (ulong)acc & mask;
            acc >>= bits;
            held -= bits;
            values[k] = v;
            if (v >= modulus && bad < 0)
            {
                bad = k;
            }
        }

        while (pos < source.Length)
        {
            acc |= (UInt128)source[pos++] << held; // any remaining bytes are padding
            held += 8;
        }

        paddingNonZero = acc != 0;
        return bad;
    }
}
