using System.Numerics;
using FedScore.Secure.Aggregation.Paillier;
using FedScore.Secure.FixedPoint;

namespace FedScore.Secure.Aggregation.Tests.Paillier;

public sealed class PaillierSlotLayoutTests
{
    private static PaillierSlotLayout Layout(int sites, int modulusBits = 1024) =>
        new(FixedPointPlanner.Plan(FixedPointRequirements.ForAbsoluteError(10, sites, 1e-6, maxWeight: 3) with { MaxModulusBits = 126 }), modulusBits);

    [Fact]
    public void SlotsHoldTheLargestPossibleSumWithAGuardBitAndFitBelowN()
    {
        PaillierSlotLayout layout = Layout(50);
        Assert.True(layout.MaxSlotSum < UInt128.One << (layout.SlotBits - 1));
        Assert.True(layout.SlotsPerPlaintext * layout.SlotBits <= 1024 - 2);
        Assert.True((layout.SlotsPerPlaintext + 1) * layout.SlotBits > 1024 - 2);
        Assert.Equal(50, layout.MaxContributors);
    }

    [Fact]
    public void PackThenUnpackReturnsTheSlots()
    {
        PaillierSlotLayout layout = Layout(7);
        var random = new Random(3);
        ulong[] shifted = new ulong[layout.SlotsPerPlaintext];
        for (int i = 0; i < shifted.Length; i++)
        {
            shifted[i] = (ulong)random.NextInt64(0, (long)(2 * layout.Offset + 1));
        }

        shifted[0] = 2 * layout.Offset;
        shifted[^1] = 0;
        BigInteger packed = layout.Pack(shifted);
        Assert.True(packed.GetBitLength() <= 1024 - 2);
        var back = new UInt128[shifted.Length];
        layout.Unpack(packed, back);
        Assert.Equal(shifted.Select(v => (UInt128)v), back);
    }

    [Fact]
    public void SumsOfPackedPlaintextsUnpackToSlotwiseSums()
    {
        PaillierSlotLayout layout = Layout(5);
        var random = new Random(5);
        BigInteger total = BigInteger.Zero;
        var expected = new UInt128[layout.SlotsPerPlaintext];
        for (int site = 0; site < 5; site++)
        {
            ulong[] shifted = new ulong[layout.SlotsPerPlaintext];
            for (int i = 0; i < shifted.Length; i++)
            {
                shifted[i] = site == 0 ? 2 * layout.Offset : (ulong)random.NextInt64(0, (long)(2 * layout.Offset + 1));
                expected[i] += shifted[i];
            }

            total += layout.Pack(shifted);
        }

        var back = new UInt128[expected.Length];
        layout.Unpack(total, back);
        Assert.Equal(expected, back);
    }

    [Fact]
    public void ShiftRefusesValuesBeyondTheOffset()
    {
        PaillierSlotLayout layout = Layout(3);
        Assert.Equal(0UL, layout.Shift(unchecked((ulong)-(long)layout.Offset)));
        Assert.Equal(2 * layout.Offset, layout.Shift(layout.Offset));
        Assert.Throws<ArgumentOutOfRangeException>(() => layout.Shift(layout.Offset + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => layout.Shift(unchecked((ulong)long.MinValue)));
    }
}
