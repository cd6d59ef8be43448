using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace FedScore.Secure.Wire;

/// <summary>
/// Little-endian binary writer for protocol messages. Pairs with <see cref="WireReader"/>, which checks every length
/// it reads against a caller-given maximum so that untrusted input cannot trigger a huge allocation.
/// </summary>
public sealed class WireWriter
{
    private readonly ArrayBufferWriter<byte> _buffer;

    public WireWriter(int initialCapacity = 256)
    {
        _buffer = new ArrayBufferWriter<byte>(Math.Max(16, initialCapacity));
    }

    public int Length => _buffer.WrittenCount;

    public ReadOnlySpan<byte> WrittenSpan => _buffer.WrittenSpan;

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();

    public WireWriter WriteByte(byte value)
    {
        _buffer.GetSpan(1)[0] = value;
        _buffer.Advance(1);
        return this;
    }

    public WireWriter WriteUInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.GetSpan(4), value);
        _buffer.Advance(4);
        return this;
    }

    public WireWriter WriteInt32(int value) => WriteUInt32(unchecked((uint)value));

    public WireWriter WriteUInt64(ulong value)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(_buffer.GetSpan(8), value);
        _buffer.Advance(8);
        return this;
    }

    public WireWriter WriteInt64(long value) => WriteUInt64(unchecked((ulong)value));

    public WireWriter WriteDouble(double value) => WriteUInt64(unchecked((ulong)BitConverter.DoubleToInt64Bits(value)));

    /// <summary>Unsigned LEB128 varint.</summary>
    public WireWriter WriteVarUInt(ulong value)
    {
        Span<byte> span = _buffer.GetSpan(10);
        int i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[i++] = (byte)value;
        _buffer.Advance(i);
        return this;
    }

    /// <summary>Raw bytes with no length prefix (fixed-size fields).</summary>
    public WireWriter WriteRaw(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_buffer.GetSpan(bytes.Length));
        _buffer.Advance(bytes.Length);
        return this;
    }

    /// <summary>Length-prefixed bytes.</summary>
    public WireWriter WriteBytes(ReadOnlySpan<byte> bytes)
    {
        WriteVarUInt((ulong)bytes.Length);
        return WriteRaw(bytes);
    }

    /// <summary>Length-prefixed UTF-8 string.</summary>
    public WireWriter WriteString(string value)
    {
        int count = Encoding.UTF8.GetByteCount(value);
        WriteVarUInt((ulong)count);
        Encoding.UTF8.GetBytes(value, _buffer.GetSpan(count));
        _buffer.Advance(count);
        return this;
    }

    public WireWriter WriteParticipant(ParticipantId id) => WriteString(id.Value);

    /// <summary>Reserves <paramref name="count"/> bytes and returns them for the caller to fill (bulk vectors).</summary>
    public Span<byte> Reserve(int count)
    {
        Span<byte> span = _buffer.GetSpan(count)[..count];
        _buffer.Advance(count);
        return span;
    }
}
