using System.Numerics;
using System.Security.Cryptography;
using FedScore.Secure.FixedPoint;

namespace FedScore.Secure.Aggregation.Paillier;

/// <summary>
/// How fixed-point values are packed into Paillier plaintexts. Each site's integer q = round(w·x·2^f) satisfies
/// |q| ≤ <see cref="Offset"/> = M, so q + M ∈ [0, 2M] is non-negative: slots never borrow from their neighbours. The
/// sum of k ≤ <see cref="MaxContributors"/> shifted values is at most 2kM &lt; 2^(<see cref="SlotBits"/>−1), so slots
/// never carry into their neighbours either (one guard bit to spare). <see cref="SlotsPerPlaintext"/> slots fill at
/// most k_n − 2 bits of a k_n-bit modulus, so every packed plaintext, and every sum of them, stays below n.
/// After decryption the server subtracts k·M from each slot, k being the number of contributors it folded.
/// </summary>
internal sealed class PaillierSlotLayout
{
    /// <summary>Widest slot handled (sums are carried in UInt128; the planner keeps per-site values below 2^62).</summary>
    public const int MaxSlotBits = 126;

    public PaillierSlotLayout(FixedPointPlan plan, int modulusBits)
    {
        ArgumentNullException.ThrowIfNull(plan);
        double perSite = Math.Ceiling(plan.MaxWeight * plan.MaxAbsValue * plan.Scale) + 1;
        if (!(perSite < Math.ScaleB(1.0, 63)))
        {
            throw new ArgumentOutOfRangeException(nameof(plan), "per-site fixed-point values exceed 63 bits");
        }

        Plan = plan;
        Offset = (ulong)perSite;
        MaxContributors = plan.Sites;
        MaxSlotSum = (UInt128)Offset * 2 * (UInt128)(uint)plan.Sites;
        SlotBits = 128 - (int)UInt128.LeadingZeroCount(MaxSlotSum) + 1;
        if (SlotBits > MaxSlotBits)
        {
            throw new ArgumentOutOfRangeException(nameof(plan), $"a slot would need {SlotBits} bits, more than {MaxSlotBits}");
        }

        ModulusBits = modulusBits;
        SlotsPerPlaintext = (modulusBits - 2) / SlotBits;
        if (SlotsPerPlaintext < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(modulusBits), $"a {modulusBits}-bit modulus cannot hold one {SlotBits}-bit slot");
        }

        PackedBytes = (SlotsPerPlaintext * SlotBits + 7) / 8;
    }

    public FixedPointPlan Plan { get; }

    /// <summary>M: bound on |q| for one site, added to every value before packing.</summary>
    public ulong Offset { get; }

    public int MaxContributors { get; }

    /// <summary>2·M·MaxContributors: the largest value a slot of a valid aggregate can hold.</summary>
    public UInt128 MaxSlotSum { get; }

    public int SlotBits { get; }

    public int SlotsPerPlaintext { get; }

    public int ModulusBits { get; }

    private int PackedBytes { get; }

    public int PlaintextCount(int length) => (length + SlotsPerPlaintext - 1) / SlotsPerPlaintext;

    /// <summary>Adds M to a two's-complement fixed-point integer; refuses |q| &gt; M.</summary>
    public ulong Shift(ulong twosComplement)
    {
        long q = unchecked((long)twosComplement);
        if (q < -(long)Offset || q > (long)Offset)
        {
            throw new ArgumentOutOfRangeException(nameof(twosComplement), "an encoded value exceeds the slot offset");
        }

        return unchecked(twosComplement + Offset);
    }

    /// <summary>Packs up to <see cref="SlotsPerPlaintext"/> shifted values (slot j at bit j·SlotBits).</summary>
    public BigInteger Pack(ReadOnlySpan<ulong> shifted)
    {
        if (shifted.Length > SlotsPerPlaintext)
        {
            throw new ArgumentException($"at most {SlotsPerPlaintext} slots per plaintext", nameof(shifted));
        }

        Span<byte> buffer = stackalloc byte[PackedBytes];
        buffer.Clear();
        try
        {
            for (int j = 0; j < shifted.Length; j++)
            {
                WriteBits(buffer, j * SlotBits, shifted[j]);
            }

            return new BigInteger(buffer, isUnsigned: true, isBigEndian: false);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
        }
    }

    /// <summary>Splits a plaintext into <paramref name="slots"/>.Length slot values.</summary>
    public void Unpack(BigInteger plaintext, Span<UInt128> slots)
    {
        if (slots.Length > SlotsPerPlaintext)
        {
            throw new ArgumentException($"at most {SlotsPerPlaintext} slots per plaintext", nameof(slots));
        }

        int bytes = (ModulusBits + 7) / 8 + 1;
        Span<byte> buffer = stackalloc byte[bytes];
        buffer.Clear();
        if (plaintext.Sign < 0 || !plaintext.TryWriteBytes(buffer, out _, isUnsigned: true, isBigEndian: false))
        {
            throw new ArgumentOutOfRangeException(nameof(plaintext), "plaintext does not fit the modulus");
        }

        for (int j = 0; j < slots.Length; j++)
        {
            slots[j] = ReadBits(buffer, j * SlotBits, SlotBits);
        }
    }

    private static void WriteBits(Span<byte> buffer, int bitOffset, ulong value)
    {
        int pos = bitOffset;
        while (value != 0)
        {
            int bit = pos & 7;
            buffer[pos >> 3] |= (byte)(value << bit);
            value >>= 8 - bit;
            pos += 8 - bit;
        }
    }

    private static UInt128 ReadBits(ReadOnlySpan<byte> buffer, int bitOffset, int count)
    {
        UInt128 value = 0;
        int done = 0;
        while (done < count)
        {
            int pos = bitOffset + done;
            int bit = pos & 7;
            int take = Math.Min(8 - bit, count - done);
            UInt128 chunk = (uint)(buffer[pos >> 3] >> bit) & ((1u << take) - 1);
            value |= chunk << done;
            done += take;
        }

        return value;
    }
}
