using FedScore.Secure.Transport.Grpc.V1;
using Google.Protobuf;

namespace FedScore.Secure.Transport.Grpc;

/// <summary>Splits a payload into <see cref="PayloadChunk"/>s of at most the configured chunk size.</summary>
internal static class PayloadChunker
{
    /// <summary>
    /// The chunks of <paramref name="payload"/>; the caller fills signature/compute fields of the last one. The chunks
    /// wrap slices of the payload without copying, so the payload must not change while they are being written.
    /// </summary>
    public static List<PayloadChunk> Split(ulong sequence, PayloadKind kind, ReadOnlyMemory<byte> payload, int chunkBytes)
    {
        var chunks = new List<PayloadChunk>(Math.Max(1, (payload.Length + chunkBytes - 1) / chunkBytes));
        int offset = 0;
        do
        {
            int take = Math.Min(chunkBytes, payload.Length - offset);
            chunks.Add(new PayloadChunk
            {
                Sequence = sequence,
                Kind = kind,
                TotalLength = (ulong)payload.Length,
                Offset = (ulong)offset,
                Data = UnsafeByteOperations.UnsafeWrap(payload.Slice(offset, take)),
                Last = offset + take == payload.Length,
            });
            offset += take;
        }
        while (offset < payload.Length);
        return chunks;
    }
}

/// <summary>
/// Reassembles one payload from its chunks, refusing anything inconsistent: a declared total above the maximum
/// (checked before allocating), chunks out of order, a chunk larger than the chunk limit, data past the declared
/// end, a change of sequence/kind/total mid-payload, or a last flag that does not match the data received.
/// </summary>
internal sealed class PayloadAssembler
{
    private readonly string _peer;
    private readonly long _maxPayload;
    private readonly int _maxChunk;
    private byte[]? _buffer;
    private int _received;

    public PayloadAssembler(string peer, long maxPayload, int maxChunk)
    {
        _peer = peer;
        _maxPayload = maxPayload;
        _maxChunk = maxChunk;
    }

    public bool InProgress => _buffer is not null;

    public ulong Sequence { get; private set; }

    public PayloadKind Kind { get; private set; }

    /// <summary>Adds a chunk; returns the full payload when <paramref name="chunk"/> was the last one, else null.</summary>
    public byte[]? Add(PayloadChunk chunk)
    {
        if (chunk.Data.Length > _maxChunk)
        {
            throw Violation(chunk, $"chunk of {chunk.Data.Length} bytes exceeds the chunk limit {_maxChunk}");
        }

        if (_buffer is null)
        {
            if (chunk.Offset != 0)
            {
                throw Violation(chunk, $"first chunk starts at offset {chunk.Offset}, not 0");
            }

            // The declared length is checked BEFORE the buffer is allocated: a hostile peer cannot make us reserve memory.
            if (chunk.TotalLength > (ulong)_maxPayload)
            {
                throw Violation(chunk, $"declared payload length {chunk.TotalLength} exceeds the maximum {_maxPayload}");
            }

            Sequence = chunk.Sequence;
            Kind = chunk.Kind;
            _buffer = chunk.TotalLength == 0 ? [] : GC.AllocateUninitializedArray<byte>((int)chunk.TotalLength);
            _received = 0;
        }
        else if (chunk.Sequence != Sequence || chunk.Kind != Kind || chunk.TotalLength != (ulong)_buffer.Length)
        {
            throw Violation(chunk, $"chunk changes sequence/kind/length in the middle of payload {Sequence}");
        }
        else if (chunk.Offset != (ulong)_received)
        {
            throw Violation(chunk, $"chunk at offset {chunk.Offset}, expected {_received} (out of order)");
        }

        if ((ulong)chunk.Data.Length > (ulong)(_buffer.Length - _received))
        {
            throw Violation(chunk, $"chunk runs past the declared length {_buffer.Length}");
        }

        chunk.Data.Span.CopyTo(_buffer.AsSpan(_received));
        _received += chunk.Data.Length;
        bool complete = _received == _buffer.Length;
        if (chunk.Last != complete)
        {
            throw Violation(chunk, complete
                ? $"payload is complete at {_received} bytes but the chunk is not marked last"
                : $"chunk is marked last at {_received} of {_buffer.Length} bytes");
        }

        if (!complete)
        {
            return null;
        }

        byte[] payload = _buffer;
        _buffer = null;
        _received = 0;
        return payload;
    }

    public void Reset()
    {
        _buffer = null;
        _received = 0;
    }

    private TransportViolationException Violation(PayloadChunk chunk, string problem) =>
        new($"{_peer}, sequence {chunk.Sequence}: {problem}");
}
