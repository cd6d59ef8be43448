using System.Buffers.Binary;
using System.Text;

namespace FedScore.Secure.Wire;

/// <summary>
/// Bounds-checked reader over untrusted bytes. Every read that runs past the end, and every length above the
/// caller's maximum, throws <see cref="MalformedMessageException"/> naming <see cref="Context"/> and the field.
/// </summary>
public ref struct WireReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public WireReader(ReadOnlySpan<byte> data, string context)
    {
        _data = data;
        _position = 0;
        Context = context;
    }

    /// <summary>What is being read, for error messages (e.g. "masked input from site-3").</summary>
    public string Context { get; }

    public readonly int Remaining => _data.Length - _position;

    public readonly int Position => _position;

    public byte ReadByte(string field) => Take(1, field)[0];

    public uint ReadUInt32(string field) => BinaryPrimitives.ReadUInt32LittleEndian(Take(4, field));

    public int ReadInt32(string field) => unchecked((int)ReadUInt32(field));

    public ulong ReadUInt64(string field) => BinaryPrimitives.ReadUInt64LittleEndian(Take(8, field));

    public long ReadInt64(string field) => unchecked((long)ReadUInt64(field));

    public double ReadDouble(string field) => BitConverter.Int64BitsToDouble(ReadInt64(field));

    public ulong ReadVarUInt(string field)
    {
        ulong result = 0;
        for (int shift = 0; shift < 70; shift += 7)
        {
            byte b = ReadByte(field);
            if (shift == 63 && b > 1)
            {
                throw Fail(field, "varint overflows 64 bits");
            }

            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }

        throw Fail(field, "varint too long");
    }

    /// <summary>Reads a count or length and refuses anything above <paramref name="max"/> before allocating.</summary>
    public int ReadLength(string field, int max)
    {
        ulong v = ReadVarUInt(field);
        if (v > (ulong)max)
        {
            throw Fail(field, $"length {v} exceeds the maximum {max}");
        }

        return (int)v;
    }

    public ReadOnlySpan<byte> ReadRaw(int count, string field) => Take(count, field);

    public ReadOnlySpan<byte> ReadBytes(string field, int maxLength) => Take(ReadLength(field, maxLength), field);

    public string ReadString(string field, int maxBytes = 1024)
    {
        ReadOnlySpan<byte> bytes = ReadBytes(field, maxBytes);
        try
        {
            return new UTF8Encoding(false, true).GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new MalformedMessageException($"{Context}: field '{field}' is not valid UTF-8", e);
        }
    }

    public ParticipantId ReadParticipant(string field)
    {
        string s = ReadString(field, ParticipantId.MaxLength);
        if (!ParticipantId.IsValid(s))
        {
            throw Fail(field, "is not a valid participant id");
        }

        return new ParticipantId(s);
    }

    /// <summary>Throws unless every byte has been consumed (trailing garbage is an error, not ignored).</summary>
    public readonly void EnsureEnd()
    {
        if (Remaining != 0)
        {
            throw new MalformedMessageException($"{Context}: {Remaining} unexpected trailing bytes");
        }
    }

    public readonly MalformedMessageException Fail(string field, string reason) =>
        new($"{Context}: field '{field}' {reason}");

    private ReadOnlySpan<byte> Take(int count, string field)
    {
        if (count < 0 || count > Remaining)
        {
            throw new MalformedMessageException(
                $"{Context}: truncated at field '{field}' (needs {count} bytes, {Remaining} left)");
        }

        ReadOnlySpan<byte> s = _data.Slice(_position, count);
        _position += count;
        return s;
    }
}
