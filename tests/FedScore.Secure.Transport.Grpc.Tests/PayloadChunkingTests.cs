using FedScore.Secure.Transport.Grpc.V1;
using Google.Protobuf;

namespace FedScore.Secure.Transport.Grpc.Tests;

public sealed class PayloadChunkingTests
{
    private static PayloadAssembler Assembler(long max = 1 << 20, int chunk = 1024) => new("test peer", max, chunk);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(1024)]
    [InlineData(1025)]
    [InlineData(10_000)]
    public void SplitThenAssembleRoundTrips(int length)
    {
        byte[] payload = Enumerable.Range(0, length).Select(i => (byte)(i * 31)).ToArray();
        List<PayloadChunk> chunks = PayloadChunker.Split(7, PayloadKind.Task, payload, 1024);
        Assert.Equal(Math.Max(1, (length + 1023) / 1024), chunks.Count);
        PayloadAssembler assembler = Assembler();
        byte[]? result = null;
        foreach (PayloadChunk c in chunks)
        {
            Assert.Null(result);
            result = assembler.Add(c);
        }

        Assert.Equal(payload, result);
    }

    [Fact]
    public void OutOfOrderChunkIsRefused()
    {
        List<PayloadChunk> chunks = PayloadChunker.Split(1, PayloadKind.Task, new byte[3000], 1024);
        PayloadAssembler assembler = Assembler();
        assembler.Add(chunks[0]);
        var e = Assert.Throws<TransportViolationException>(() => assembler.Add(chunks[2]));
        Assert.Contains("out of order", e.Message);
        Assert.Contains("test peer", e.Message);
    }

    [Fact]
    public void ChunkLargerThanTheLimitIsRefused()
    {
        var chunk = new PayloadChunk { Sequence = 1, TotalLength = 2048, Data = ByteString.CopyFrom(new byte[2048]), Last = true };
        Assert.Contains("chunk limit", Assert.Throws<TransportViolationException>(() => Assembler().Add(chunk)).Message);
    }

    [Fact]
    public void DeclaredLengthAboveTheMaximumIsRefused()
    {
        var chunk = new PayloadChunk { Sequence = 1, TotalLength = ulong.MaxValue, Data = ByteString.CopyFrom(1) };
        Assert.Contains("exceeds the maximum", Assert.Throws<TransportViolationException>(() => Assembler().Add(chunk)).Message);
    }

    [Fact]
    public void DataPastTheDeclaredEndOrAWrongLastFlagIsRefused()
    {
        var overrun = new PayloadChunk { Sequence = 1, TotalLength = 2, Data = ByteString.CopyFrom(1, 2, 3), Last = true };
        Assert.Contains("past the declared length", Assert.Throws<TransportViolationException>(() => Assembler().Add(overrun)).Message);
        var earlyLast = new PayloadChunk { Sequence = 1, TotalLength = 4, Data = ByteString.CopyFrom(1, 2), Last = true };
        Assert.Contains("marked last", Assert.Throws<TransportViolationException>(() => Assembler().Add(earlyLast)).Message);
        var missingLast = new PayloadChunk { Sequence = 1, TotalLength = 2, Data = ByteString.CopyFrom(1, 2), Last = false };
        Assert.Contains("not marked last", Assert.Throws<TransportViolationException>(() => Assembler().Add(missingLast)).Message);
    }

    [Fact]
    public void ChangingSequenceMidPayloadIsRefused()
    {
        List<PayloadChunk> chunks = PayloadChunker.Split(1, PayloadKind.Task, new byte[2000], 1024);
        PayloadAssembler assembler = Assembler();
        assembler.Add(chunks[0]);
        chunks[1].Sequence = 2;
        Assert.Contains("middle of payload", Assert.Throws<TransportViolationException>(() => assembler.Add(chunks[1])).Message);
    }
}
