using FedScore.Secure.Wire;

namespace FedScore.Secure.Core.Tests.Wire;

public class WireReaderTests
{
    [Fact]
    public void RoundTripOfEveryFieldType()
    {
        var w = new WireWriter();
        w.WriteByte(7).WriteUInt32(0xDEADBEEF).WriteUInt64(ulong.MaxValue).WriteVarUInt(300).WriteString("site-1").WriteBytes([1, 2, 3]).WriteDouble(-2.5);

        var r = new WireReader(w.ToArray(), "test");

        Assert.Equal(7, r.ReadByte("a"));
        Assert.Equal(0xDEADBEEF, r.ReadUInt32("b"));
        Assert.Equal(ulong.MaxValue, r.ReadUInt64("c"));
        Assert.Equal(300UL, r.ReadVarUInt("d"));
        Assert.Equal("site-1", r.ReadParticipant("e").Value);
        Assert.Equal(new byte[] { 1, 2, 3 }, r.ReadBytes("f", 10).ToArray());
        Assert.Equal(-2.5, r.ReadDouble("g"));
        r.EnsureEnd();
    }

    [Fact]
    public void TruncatedInputNamesTheFieldAndContext()
    {
        var e = Assert.Throws<MalformedMessageException>(() =>
        {
            var r = new WireReader(new byte[3], "upload from site-2");
            r.ReadUInt32("length");
        });

        Assert.Contains("upload from site-2", e.Message);
        Assert.Contains("length", e.Message);
    }

    [Fact]
    public void OversizedLengthIsRefusedBeforeAllocating()
    {
        byte[] bytes = new WireWriter().WriteVarUInt(1UL << 40).ToArray();

        var e = Assert.Throws<MalformedMessageException>(() =>
        {
            var r = new WireReader(bytes, "ctx");
            r.ReadLength("count", 1000);
        });

        Assert.Contains("exceeds the maximum 1000", e.Message);
    }

    [Fact]
    public void OverlongVarintIsRefused()
    {
        byte[] bytes = Enumerable.Repeat((byte)0xFF, 11).ToArray();

        Assert.Throws<MalformedMessageException>(() =>
        {
            var r = new WireReader(bytes, "ctx");
            r.ReadVarUInt("v");
        });
    }

    [Fact]
    public void TrailingBytesAreAnError()
    {
        Assert.Throws<MalformedMessageException>(() =>
        {
            var r = new WireReader(new byte[] { 1, 2 }, "ctx");
            r.ReadByte("a");
            r.EnsureEnd();
        });
    }

    [Fact]
    public void HeaderForAnotherSchemeIsRefused()
    {
        var w = new WireWriter();
        new MessageHeader("plain", "r1", 0).WriteTo(w);

        var e = Assert.Throws<MalformedMessageException>(() =>
        {
            var r = new WireReader(w.ToArray(), "ctx");
            MessageHeader.Read(ref r, "masking");
        });

        Assert.Contains("expected 'masking'", e.Message);
    }

    [Fact]
    public void InvalidParticipantIdIsRefused()
    {
        byte[] bytes = new WireWriter().WriteString("bad id with spaces").ToArray();

        Assert.Throws<MalformedMessageException>(() =>
        {
            var r = new WireReader(bytes, "ctx");
            r.ReadParticipant("from");
        });
    }
}
