using System.Diagnostics;
using System.Numerics;
using System.Security.Cryptography;
using FedScore.Secure.Wire;

namespace FedScore.Secure.Crypto.Paillier;

/// <summary>
/// The decryptor's secret: p and q with the constants for CRT decryption (Paillier, EUROCRYPT '99, §7 "Decryption
/// using Chinese-remaindering": work mod p² and q², each with its precomputed h_p, h_q, then recombine mod n).
/// </summary>
/// <remarks>
/// Not serialisable by accident: no public member exposes a secret, <see cref="ToString"/> prints only the size and
/// the public fingerprint, and the only way out is the explicitly named <see cref="ExportPrivateKey"/>.
/// <see cref="Dispose"/> drops every secret and zeroes the byte buffers this type controls; the limbs inside
/// System.Numerics.BigInteger are immutable runtime arrays that managed code cannot wipe, which is why the key lives
/// in one long-lived object with a single owner (the decryptor role) rather than being copied around.
/// </remarks>
[DebuggerDisplay("{ToString(),nq}")]
public sealed class PaillierPrivateKey : IDisposable
{
    private BigInteger _p;
    private BigInteger _q;
    private BigInteger _pSquared;
    private BigInteger _qSquared;
    private BigInteger _pMinus1;
    private BigInteger _qMinus1;
    private BigInteger _hp;
    private BigInteger _hq;
    private BigInteger _qInverseModP;
    private bool _disposed;

    internal PaillierPrivateKey(BigInteger p, BigInteger q, PaillierPublicKey publicKey)
    {
        if (p * q != publicKey.N)
        {
            throw new ArgumentException("p·q does not match the public modulus");
        }

        PublicKey = publicKey;
        _p = p;
        _q = q;
        _pSquared = p * p;
        _qSquared = q * q;
        _pMinus1 = p - 1;
        _qMinus1 = q - 1;
        BigInteger g = publicKey.N + 1;
        // h_p = L_p(g^(p−1) mod p²)^(−1) mod p, L_p(u) = (u − 1)/p  (Paillier 1999, §7).
        _hp = BigIntegerBytes.ModInverse(Lp(BigInteger.ModPow(g % _pSquared, _pMinus1, _pSquared), p), p);
        _hq = BigIntegerBytes.ModInverse(Lp(BigInteger.ModPow(g % _qSquared, _qMinus1, _qSquared), q), q);
        _qInverseModP = BigIntegerBytes.ModInverse(q % p, p);
    }

    public PaillierPublicKey PublicKey { get; }

    public int ModulusBits => PublicKey.ModulusBits;

    /// <summary>Decrypts a ciphertext made under <see cref="PublicKey"/>; the result is in [0, n).</summary>
    public BigInteger Decrypt(PaillierCiphertext ciphertext)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        PublicKey.CheckOwn(ciphertext, nameof(ciphertext));
        BigInteger c = ciphertext.Value;
        BigInteger mp = Lp(BigInteger.ModPow(c % _pSquared, _pMinus1, _pSquared), _p) * _hp % _p;
        BigInteger mq = Lp(BigInteger.ModPow(c % _qSquared, _qMinus1, _qSquared), _q) * _hq % _q;
        // Garner/CRT: m = m_q + q·((m_p − m_q)·q^(−1) mod p) ∈ [0, n).
        BigInteger t = (mp - mq) % _p;
        if (t.Sign < 0)
        {
            t += _p;
        }

        return mq + _q * (t * _qInverseModP % _p);
    }

    /// <summary>
    /// Textbook decryption m = L(c^λ mod n²)·μ mod n with λ = lcm(p−1, q−1), μ = L(g^λ mod n²)^(−1) mod n
    /// (Paillier 1999, §3). Slow; kept only so tests can check the CRT path against the definition.
    /// </summary>
    internal BigInteger DecryptTextbook(PaillierCiphertext ciphertext)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        PublicKey.CheckOwn(ciphertext, nameof(ciphertext));
        BigInteger n = PublicKey.N;
        BigInteger n2 = PublicKey.NSquared;
        BigInteger lambda = _pMinus1 * _qMinus1 / BigInteger.GreatestCommonDivisor(_pMinus1, _qMinus1);
        BigInteger mu = BigIntegerBytes.ModInverse(Lp(BigInteger.ModPow(n + 1, lambda, n2), n), n);
        return Lp(BigInteger.ModPow(ciphertext.Value, lambda, n2), n) * mu % n;
    }

    /// <summary>
    /// Exports p, q and the public part. The caller owns the returned secret bytes and must wipe them
    /// (<see cref="CryptographicOperations.ZeroMemory"/>) when done. There is deliberately no other way to get them.
    /// </summary>
    public byte[] ExportPrivateKey()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int primeBytes = BigIntegerBytes.ByteLength(PublicKey.ModulusBits / 2 + 1);
        byte[] p = new byte[primeBytes];
        byte[] q = new byte[primeBytes];
        try
        {
            BigIntegerBytes.WriteFixed(_p, p);
            BigIntegerBytes.WriteFixed(_q, q);
            var w = new WireWriter(4 * PublicKey.CiphertextBytes);
            w.WriteBytes(p).WriteBytes(q);
            PublicKey.WriteTo(w);
            return w.ToArray();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(p);
            CryptographicOperations.ZeroMemory(q);
        }
    }

    /// <summary>Imports what <see cref="ExportPrivateKey"/> wrote, checking that p·q = n and that p, q are probable primes.</summary>
    public static PaillierPrivateKey ImportPrivateKey(ReadOnlySpan<byte> encoded, PaillierKeyPolicy policy)
    {
        var r = new WireReader(encoded, "paillier private key");
        int maxPrimeBytes = BigIntegerBytes.ByteLength(PaillierKeyPolicy.MaximumModulusBits / 2 + 1);
        BigInteger p = BigIntegerBytes.ReadFixed(r.ReadBytes("p", maxPrimeBytes));
        BigInteger q = BigIntegerBytes.ReadFixed(r.ReadBytes("q", maxPrimeBytes));
        PaillierPublicKey pk = PaillierPublicKey.ReadFrom(ref r, policy);
        r.EnsureEnd();
        if (p <= 2 || q <= 2 || p == q || p * q != pk.N
            || !BigIntegerBytes.ToBouncyCastle(p).IsProbablePrime(100) || !BigIntegerBytes.ToBouncyCastle(q).IsProbablePrime(100))
        {
            throw new MalformedMessageException("paillier private key: p and q are not two distinct primes with p·q = n");
        }

        return new PaillierPrivateKey(p, q, pk);
    }

    public void Dispose()
    {
        _p = _q = _pSquared = _qSquared = _pMinus1 = _qMinus1 = _hp = _hq = _qInverseModP = BigInteger.Zero;
        _disposed = true;
    }

    public override string ToString() => $"PaillierPrivateKey({ModulusBits} bits, public {PublicKey.Fingerprint})";

    private static BigInteger Lp(BigInteger u, BigInteger p) => (u - 1) / p;
}
