using System.Security.Cryptography;

namespace FedScore.Secure.Crypto.Lattice.Ring;

/// <summary>
/// A polynomial of Z_Q[X]/(X^N + 1) in RNS form: one limb of N residues per prime, stored limb-major in one array so
/// that a limb is a contiguous span. <see cref="IsNtt"/> says whether limbs hold NTT evaluations or coefficients.
/// </summary>
public sealed class RnsPolynomial
{
    public RnsPolynomial(int n, int count, bool isNtt = false)
    {
        N = n;
        Count = count;
        Data = new ulong[checked(n * count)];
        IsNtt = isNtt;
    }

    public int N { get; }

    /// <summary>Number of RNS limbs.</summary>
    public int Count { get; }

    public bool IsNtt { get; set; }

    internal ulong[] Data { get; }

    public Span<ulong> Limb(int i) => Data.AsSpan(i * N, N);

    public Span<ulong> AsSpan() => Data;

    public RnsPolynomial Clone()
    {
        var c = new RnsPolynomial(N, Count, IsNtt);
        Data.CopyTo(c.Data, 0);
        return c;
    }

    public void CopyFrom(RnsPolynomial other)
    {
        CheckSameShape(other);
        other.Data.CopyTo(Data, 0);
        IsNtt = other.IsNtt;
    }

    /// <summary>Overwrites the coefficients with zeros (used to wipe secrets).</summary>
    public void Clear() => CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(Data.AsSpan()));

    public bool ContentEquals(RnsPolynomial other) =>
        other.N == N && other.Count == Count && other.IsNtt == IsNtt && Data.AsSpan().SequenceEqual(other.Data);

    internal void CheckSameShape(RnsPolynomial other)
    {
        if (other.N != N || other.Count != Count)
        {
            throw new ArgumentException($"polynomial shapes differ (N {N} vs {other.N}, limbs {Count} vs {other.Count})");
        }
    }

    public override string ToString() => $"RnsPolynomial(N={N}, limbs={Count}, ntt={IsNtt})";
}
