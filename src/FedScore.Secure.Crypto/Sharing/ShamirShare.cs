using System.Buffers.Binary;
using System.Security.Cryptography;

namespace FedScore.Secure.Crypto.Sharing;

/// <summary>
/// One share of a secret: the evaluations at x = <see cref="Index"/> of the polynomials that hide each chunk of the
/// secret. Zeroed on dispose; never printed.
/// </summary>
public sealed class ShamirShare : IDisposable
{
    /// <summary>Bytes of one serialized field element (little-endian, &lt; 2^127 − 1).</summary>
    public const int ElementSize = 16;

    private readonly UInt128[] _values;

    internal ShamirShare(int index, UInt128[] values)
    {
        Index = index;
        _values = values;
    }

    /// <summary>The evaluation point x (≥ 1; x = 0 is the secret).</summary>
    public int Index { get; }

    /// <summary>Field elements per share (one per secret chunk).</summary>
    public int Elements => _values.Length;

    public int SerializedLength => _values.Length * ElementSize;

    internal ReadOnlySpan<UInt128> Values => _values;

    /// <summary>Writes the share's values (not its index, which the protocol knows from the holder).</summary>
    public void WriteTo(Span<byte> destination)
    {
        if (destination.Length != SerializedLength)
        {
            throw new ArgumentException($"destination must be {SerializedLength} bytes", nameof(destination));
        }

        for (int i = 0; i < _values.Length; i++)
        {
            BinaryPrimitives.WriteUInt128LittleEndian(destination.Slice(i * ElementSize, ElementSize), _values[i]);
        }
    }

    /// <summary>
    /// Parses untrusted share bytes for evaluation point <paramref name="index"/>. Returns null when the length is wrong
    /// or an element is not reduced (≥ p): such bytes were not produced by an honest dealer.
    /// </summary>
    public static ShamirShare? TryRead(int index, ReadOnlySpan<byte> source, int elements)
    {
        if (index < 1 || elements < 1 || source.Length != elements * ElementSize)
        {
            return null;
        }

        var values = new UInt128[elements];
        for (int i = 0; i < elements; i++)
        {
            UInt128 v = BinaryPrimitives.ReadUInt128LittleEndian(source.Slice(i * ElementSize, ElementSize));
            if (v >= Field127.P)
            {
                return null;
            }

            values[i] = v;
        }

        return new ShamirShare(index, values);
    }

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(_values.AsSpan()));
    }

    public override string ToString() => $"ShamirShare(x={Index}, {Elements} elements)";
}
