using System.Numerics;

namespace FedScore.Secure.Crypto.Lattice.Ring;

/// <summary>
/// One RNS prime q ≡ 1 (mod 2N) with everything a negacyclic NTT over Z_q[X]/(X^N + 1) needs, precomputed once:
/// powers of a primitive 2N-th root ψ in bit-reversed order with their Shoup companions (Longa &amp; Naehrig 2016,
/// Alg. 1–2; Harvey 2014), the inverse table, N^-1, and a Barrett ratio for general products.
/// </summary>
public sealed class NttTable
{
    internal readonly ulong[] PsiRev;
    internal readonly ulong[] PsiRevShoup;
    internal readonly ulong[] PsiInvRev;
    internal readonly ulong[] PsiInvRevShoup;

    public NttTable(ulong q, int n)
    {
        if (n < 2 || !BitOperations.IsPow2(n))
        {
            throw new ArgumentException($"N must be a power of two ≥ 2, got {n}", nameof(n));
        }

        if (ModArith.BitLength(q) > ModArith.MaxModulusBits || !Primes.IsPrime(q))
        {
            throw new ArgumentException($"q = {q} must be a prime below 2^{ModArith.MaxModulusBits}", nameof(q));
        }

        Q = q;
        N = n;
        LogN = BitOperations.Log2((uint)n);
        Psi = Primes.MinimalPrimitive2NthRoot(q, n);
        ulong psiInv = ModArith.Inv(Psi, q);
        PsiRev = new ulong[n];
        PsiRevShoup = new ulong[n];
        PsiInvRev = new ulong[n];
        PsiInvRevShoup = new ulong[n];
        ulong p = 1, pi = 1;
        var powers = new ulong[n];
        var inversePowers = new ulong[n];
        for (int i = 0; i < n; i++)
        {
            powers[i] = p;
            inversePowers[i] = pi;
            p = ModArith.Mul(p, Psi, q);
            pi = ModArith.Mul(pi, psiInv, q);
        }

        for (int i = 0; i < n; i++)
        {
            int r = BitReverse(i, LogN);
            PsiRev[i] = powers[r];
            PsiRevShoup[i] = ModArith.ShoupPrecompute(powers[r], q);
            PsiInvRev[i] = inversePowers[r];
            PsiInvRevShoup[i] = ModArith.ShoupPrecompute(inversePowers[r], q);
        }

        NInv = ModArith.Inv((ulong)n % q, q);
        NInvShoup = ModArith.ShoupPrecompute(NInv, q);
        (BarrettHi, BarrettLo) = ModArith.BarrettRatio(q);
    }

    public ulong Q { get; }

    public int N { get; }

    public int LogN { get; }

    /// <summary>The primitive 2N-th root of unity used (the smallest one, so tables are reproducible).</summary>
    public ulong Psi { get; }

    internal ulong NInv { get; }

    internal ulong NInvShoup { get; }

    internal ulong BarrettHi { get; }

    internal ulong BarrettLo { get; }

    internal static int BitReverse(int x, int bits)
    {
        uint r = 0;
        uint v = (uint)x;
        for (int i = 0; i < bits; i++)
        {
            r = (r << 1) | (v & 1);
            v >>= 1;
        }

        return (int)r;
    }
}
