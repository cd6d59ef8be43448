using FedScore.Secure.Crypto.Lattice.Ring;

namespace FedScore.Secure.Crypto.Lattice.Rlwe;

/// <summary>
/// An RLWE secret key s (or a party's share of a collective key), stored in NTT form. Disposing wipes it; it is never
/// printed. In multiparty use nobody holds the sum of the shares.
/// </summary>
public sealed class SecretKey : IDisposable
{
    private readonly RnsPolynomial _s;
    private bool _disposed;

    internal SecretKey(RlweParameters parameters, RnsPolynomial s)
    {
        Parameters = parameters;
        _s = s;
    }

    public RlweParameters Parameters { get; }

    internal RnsPolynomial Value
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _s;
        }
    }

    public bool IsDisposed => _disposed;

    /// <summary>
    /// Shoup companions ⌊s·2^64/q⌋ of s (computed on first use): decryption multiplies by the fixed s, so one high
    /// product per coefficient suffices instead of a Barrett reduction. Derived from s, so secret and wiped with it.
    /// </summary>
    internal ulong[] Shoup
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _shoup ??= ShoupCompanions.Of(Parameters, _s);
        }
    }

    private ulong[]? _shoup;

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _s.Clear();
            if (_shoup is not null)
            {
                System.Security.Cryptography.CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(_shoup.AsSpan()));
            }
        }
    }

    public override string ToString() => "SecretKey";
}

/// <summary>An RLWE public key (p0, p1) = (−a·s + e, a), in NTT form.</summary>
public sealed class PublicKey
{
    internal PublicKey(RlweParameters parameters, RnsPolynomial p0, RnsPolynomial p1, byte[] aSeed)
    {
        Parameters = parameters;
        P0 = p0;
        P1 = p1;
        ASeed = aSeed;
    }

    /// <summary>The public seed a = p1 was expanded from (so the key travels as p0 + 32 bytes).</summary>
    internal byte[] ASeed { get; }

    public RlweParameters Parameters { get; }

    internal RnsPolynomial P0 { get; }

    internal RnsPolynomial P1 { get; }

    /// <summary>Shoup companions of p0 and p1 (computed once): encryption multiplies by the fixed key polynomials,
    /// so one high product per coefficient suffices instead of a Barrett reduction.</summary>
    internal (ulong[] P0, ulong[] P1) Shoup => _shoup ??= (ShoupCompanions.Of(Parameters, P0), ShoupCompanions.Of(Parameters, P1));

    private (ulong[] P0, ulong[] P1)? _shoup;

    public override string ToString() => $"PublicKey({Parameters.Id})";
}

/// <summary>Validation helpers shared by the Rlwe objects (SEAL's ValCheck idea).</summary>
internal static class ParamCheck
{
    public static void Same(RlweParameters expected, RlweParameters actual, string paramName)
    {
        if (!ReferenceEquals(expected, actual) && expected.Id != actual.Id)
        {
            throw new ArgumentException($"object is for parameter set {actual.Id}, expected {expected.Id}", paramName);
        }
    }
}

/// <summary>Shoup companions of every coefficient of a fixed polynomial (Shoup, NTL; Harvey 2014, Alg. 2).</summary>
internal static class ShoupCompanions
{
    public static ulong[] Of(RlweParameters parameters, RnsPolynomial p)
    {
        var r = new ulong[p.Data.Length];
        for (int i = 0; i < p.Count; i++)
        {
            ulong q = parameters.Basis.QArray[i];
            for (int k = 0; k < p.N; k++)
            {
                r[i * p.N + k] = ModArith.ShoupPrecompute(p.Data[i * p.N + k], q);
            }
        }

        return r;
    }
}
