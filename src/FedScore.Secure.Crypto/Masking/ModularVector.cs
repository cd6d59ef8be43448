using System.Numerics;
using System.Runtime.InteropServices;

namespace FedScore.Secure.Crypto.Masking;

/// <summary>Vectorised element-wise arithmetic modulo 2^32 and 2^64 (wrap-around is the group operation of the masks).</summary>
public static class ModularVector
{
    /// <summary>acc[i] += x[i] (mod 2^32).</summary>
    public static void Add(Span<uint> accumulator, ReadOnlySpan<uint> values)
    {
        CheckLengths(accumulator.Length, values.Length);
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            Span<Vector<uint>> a = MemoryMarshal.Cast<uint, Vector<uint>>(accumulator);
            ReadOnlySpan<Vector<uint>> x = MemoryMarshal.Cast<uint, Vector<uint>>(values);
            for (int j = 0; j < a.Length; j++)
            {
                a[j] += x[j];
            }

            i = a.Length * Vector<uint>.Count;
        }

        for (; i < accumulator.Length; i++)
        {
            accumulator[i] = unchecked(accumulator[i] + values[i]);
        }
    }

    /// <summary>acc[i] += x[i] (mod 2^64).</summary>
    public static void Add(Span<ulong> accumulator, ReadOnlySpan<ulong> values)
    {
        CheckLengths(accumulator.Length, values.Length);
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            Span<Vector<ulong>> a = MemoryMarshal.Cast<ulong, Vector<ulong>>(accumulator);
            ReadOnlySpan<Vector<ulong>> x = MemoryMarshal.Cast<ulong, Vector<ulong>>(values);
            for (int j = 0; j < a.Length; j++)
            {
                a[j] += x[j];
            }

            i = a.Length * Vector<ulong>.Count;
        }

        for (; i < accumulator.Length; i++)
        {
            accumulator[i] = unchecked(accumulator[i] + values[i]);
        }
    }

    private static void CheckLengths(int a, int b)
    {
        if (a != b)
        {
            throw new ArgumentException($"vectors have different lengths ({a} and {b})");
        }
    }
}
