using System.Buffers.Binary;

namespace FedScore.Secure.Crypto.Lattice.Rlwe;

/// <summary>
/// A 128-bit fingerprint of a parameter set (first 16 bytes of SHA-256 over its canonical description). Every wire
/// object carries it, so a key or ciphertext for other parameters is refused instead of misread.
/// </summary>
public readonly record struct ParameterSetId(ulong High, ulong Low)
{
    public const int Size = 16;

    public static ParameterSetId FromBytes(ReadOnlySpan<byte> b) =>
        new(BinaryPrimitives.ReadUInt64BigEndian(b), BinaryPrimitives.ReadUInt64BigEndian(b[8..]));

    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, High);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], Low);
    }

    public override string ToString() => $"{High:x16}{Low:x16}";
}
