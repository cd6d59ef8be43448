using System.Numerics;
using System.Security.Cryptography;
using FedScore.Secure.Wire;

namespace FedScore.Secure.Crypto.Paillier;

/// <summary>
/// A Paillier public key with g = n + 1 (Damgård–Jurik, PKC 2001, §3; so g^m = 1 + m·n mod n² and the message needs
/// no exponentiation) and the Damgård–Jurik–Nielsen short-randomness base h_s (see below).
/// </summary>
/// <remarks>
/// <para><b>Encryption.</b> E(m; α) = (1 + m·n) · h_s^α mod n², with h_s = h^n mod n², h = −x² mod n for a random
/// unit x chosen by the key owner, and α uniform in [0, 2^ℓ) with ℓ = <see cref="RandomnessBits"/>.</para>
/// <para><b>Why short randomness is secure.</b> Damgård, Jurik and Nielsen, "A generalization of Paillier's public-key
/// system with applications to electronic voting" (Int. J. Inf. Secur. 9(6), 2010; also Jurik's BRICS thesis, 2003)
/// use an admissible modulus (p ≡ q ≡ 3 mod 4, gcd(p−1, q−1) = 2), for which the group J_n of Jacobi-symbol-1 units
/// is cyclic and h = −x² generates it with overwhelming probability. With α uniform modulo |J_n|, h_s^α is a uniform
/// n-th residue of J_n^n and the scheme is IND-CPA under DCR exactly as Paillier's. DJN then take α of only ⌈k/2⌉
/// bits (k = bits of n): the scheme stays IND-CPA as long as h^α for such a short α cannot be told from a uniform
/// element of J_n, and Håstad, Schrift and Shamir ("The discrete logarithm modulo a composite hides O(n) bits",
/// JCSS 47(3), 1993) show that telling half-length exponents from full-length ones modulo a composite is as hard as
/// factoring it. So the default rests on DCR plus factoring. A caller may choose ℓ down to 2κ = 256 bits (the rule van Oorschot and
/// Wiener, EUROCRYPT '96, give for short Diffie–Hellman exponents: Pollard's lambda then costs 2^κ): faster, but it
/// rests on the additional short-exponent assumption for J_n and is not the default.</para>
/// <para><b>Speed.</b> h_s is fixed per key, so h_s^α uses a fixed-base table (<see cref="FixedBaseExponentiator"/>):
/// about ℓ/w + 2^w multiplications mod n² instead of ≈ 1.2·k for a full r^n. Measured on this machine
/// (System.Numerics vs BouncyCastle, 2048 / 3072-bit n): one multiplication mod n² costs 35 / 73 µs with
/// System.Numerics.BigInteger against 690 / 1400 µs with BouncyCastle's Multiply+Mod (its division is slow), while a
/// full ModPow costs about the same in both. So the per-element work (encryption, homomorphic addition, validation)
/// runs on System.Numerics.BigInteger, and BouncyCastle is used where it is vetted: prime generation.</para>
/// </remarks>
public sealed class PaillierPublicKey : IEquatable<PaillierPublicKey>
{
    private readonly Lazy<FixedBaseExponentiator> _hsTable;
    private readonly byte[] _encoded;

    internal PaillierPublicKey(BigInteger n, BigInteger hs, int randomnessBits)
    {
        N = n;
        NSquared = n * n;
        Hs = hs;
        ModulusBits = checked((int)n.GetBitLength());
        RandomnessBits = randomnessBits;
        CiphertextBytes = BigIntegerBytes.ByteLength(NSquared.GetBitLength());
        PlaintextBytes = BigIntegerBytes.ByteLength(ModulusBits);
        _hsTable = new Lazy<FixedBaseExponentiator>(() => new FixedBaseExponentiator(Hs, NSquared, RandomnessBits), LazyThreadSafetyMode.ExecutionAndPublication);

        _encoded = Encode(n, hs, randomnessBits, CiphertextBytes);
        Fingerprint = Convert.ToHexString(SHA256.HashData(_encoded).AsSpan(0, 16)).ToLowerInvariant();
    }

    /// <summary>Smallest randomness length allowed: 2κ for κ = 128.</summary>
    public const int MinimumRandomnessBits = 256;

    /// <summary>The modulus n = p·q.</summary>
    public BigInteger Modulus => N;

    /// <summary>Bit length k of n.</summary>
    public int ModulusBits { get; }

    /// <summary>ℓ: bits of the exponent α in h_s^α (default ⌈k/2⌉, Damgård–Jurik–Nielsen).</summary>
    public int RandomnessBits { get; }

    /// <summary>Bytes of one ciphertext on the wire (fixed width, ⌈bits(n²)/8⌉).</summary>
    public int CiphertextBytes { get; }

    /// <summary>Bytes of one plaintext on the wire (fixed width, ⌈k/8⌉).</summary>
    public int PlaintextBytes { get; }

    /// <summary>First 128 bits of SHA-256 over the encoded key, hex: for logs and for pinning a key across rounds.</summary>
    public string Fingerprint { get; }

    internal BigInteger N { get; }

    internal BigInteger NSquared { get; }

    internal BigInteger Hs { get; }

    /// <summary>Encrypts <paramref name="plaintext"/> ∈ [0, n) with fresh randomness from the OS CSPRNG.</summary>
    public PaillierCiphertext Encrypt(BigInteger plaintext)
    {
        if (plaintext.Sign < 0 || plaintext >= N)
        {
            throw new ArgumentOutOfRangeException(nameof(plaintext), "plaintext must be in [0, n)");
        }

        int alphaBytes = BigIntegerBytes.ByteLength(RandomnessBits);
        Span<byte> alpha = stackalloc byte[alphaBytes];
        try
        {
            RandomNumberGenerator.Fill(alpha);
            int excess = alphaBytes * 8 - RandomnessBits;
            alpha[^1] &= (byte)(0xFF >> excess);
            BigInteger mask = _hsTable.Value.Pow(alpha);
            // g^m = (1 + n)^m = 1 + m·n mod n² (binomial theorem), and 1 + m·n < n² needs no reduction.
            return new PaillierCiphertext((BigInteger.One + plaintext * N) * mask % NSquared, this);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(alpha);
        }
    }

    /// <summary>E(a)·E(b) mod n² = E(a + b mod n).</summary>
    public PaillierCiphertext Add(PaillierCiphertext a, PaillierCiphertext b)
    {
        CheckOwn(a, nameof(a));
        CheckOwn(b, nameof(b));
        return new PaillierCiphertext(a.Value * b.Value % NSquared, this);
    }

    /// <summary>Builds the fixed-base table now (otherwise on the first encryption).</summary>
    public void Precompute() => _ = _hsTable.Value;

    /// <summary>Writes n, h_s and ℓ (no header: callers frame it in their message).</summary>
    public void WriteTo(WireWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteRaw(_encoded);
    }

    /// <summary>The encoding written by <see cref="WriteTo"/>.</summary>
    public byte[] Export() => (byte[])_encoded.Clone();

    /// <summary>
    /// Reads and validates a public key from untrusted bytes: modulus size within <paramref name="policy"/>, n odd,
    /// h_s a unit of Z*_{n²}, ℓ in [256, k]. A site cannot check that n is a product of two primes (that needs a
    /// proof from the key owner), so it trusts the decryptor for that, as Paillier aggregation always does.
    /// </summary>
    public static PaillierPublicKey ReadFrom(ref WireReader reader, PaillierKeyPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        int maxNBytes = BigIntegerBytes.ByteLength(PaillierKeyPolicy.MaximumModulusBits);
        ReadOnlySpan<byte> nBytes = reader.ReadBytes("paillier n", maxNBytes);
        BigInteger n = BigIntegerBytes.ReadFixed(nBytes);
        int bits = (int)n.GetBitLength();
        if (bits < policy.MinimumModulusBits)
        {
            throw reader.Fail("paillier n", $"has {bits} bits; this party refuses Paillier moduli below {policy.MinimumModulusBits} bits");
        }

        if (n.IsEven)
        {
            throw reader.Fail("paillier n", "is even, not an RSA modulus");
        }

        if (nBytes.Length != BigIntegerBytes.ByteLength(bits))
        {
            throw reader.Fail("paillier n", "is not minimally encoded");
        }

        BigInteger n2 = n * n;
        int ctBytes = BigIntegerBytes.ByteLength(n2.GetBitLength());
        ReadOnlySpan<byte> hsBytes = reader.ReadBytes("paillier h_s", ctBytes);
        if (hsBytes.Length != ctBytes)
        {
            throw reader.Fail("paillier h_s", $"has {hsBytes.Length} bytes, expected {ctBytes}");
        }

        BigInteger hs = BigIntegerBytes.ReadFixed(hsBytes);
        if (!IsUnit(hs, n, n2) || hs.IsOne)
        {
            throw reader.Fail("paillier h_s", "is not a unit of Z*_{n²} other than 1");
        }

        ulong ell = reader.ReadVarUInt("paillier randomness bits");
        if (ell < MinimumRandomnessBits || ell > (ulong)bits)
        {
            throw reader.Fail("paillier randomness bits", $"is {ell}, outside [{MinimumRandomnessBits}, {bits}]");
        }

        return new PaillierPublicKey(n, hs, (int)ell);
    }

    /// <summary>Reads a key from a standalone encoding (see <see cref="Export"/>); the whole input must be consumed.</summary>
    public static PaillierPublicKey Import(ReadOnlySpan<byte> encoded, PaillierKeyPolicy policy)
    {
        var r = new WireReader(encoded, "paillier public key");
        PaillierPublicKey key = ReadFrom(ref r, policy);
        r.EnsureEnd();
        return key;
    }

    public bool Equals(PaillierPublicKey? other) =>
        other is not null && (ReferenceEquals(this, other) || _encoded.AsSpan().SequenceEqual(other._encoded));

    public override bool Equals(object? obj) => obj is PaillierPublicKey k && Equals(k);

    public override int GetHashCode() => Fingerprint.GetHashCode(StringComparison.Ordinal);

    public override string ToString() => $"PaillierPublicKey({ModulusBits} bits, {Fingerprint})";

    /// <summary>0 &lt; c &lt; n² and gcd(c, n) = 1: c is a valid ciphertext (every unit of Z*_{n²} decrypts).</summary>
    internal bool IsValidCiphertext(BigInteger c) => IsUnit(c, N, NSquared);

    internal void CheckOwn(PaillierCiphertext c, string paramName)
    {
        ArgumentNullException.ThrowIfNull(c, paramName);
        if (!ReferenceEquals(c.Key, this) && !c.Key.Equals(this))
        {
            throw new ArgumentException("ciphertext was made under a different Paillier key", paramName);
        }
    }

    private static byte[] Encode(BigInteger n, BigInteger hs, int randomnessBits, int ciphertextBytes)
    {
        byte[] hsBytes = new byte[ciphertextBytes];
        BigIntegerBytes.WriteFixed(hs, hsBytes);
        var w = new WireWriter(2 * ciphertextBytes);
        w.WriteBytes(n.ToByteArray(isUnsigned: true, isBigEndian: false)).WriteBytes(hsBytes).WriteVarUInt((ulong)randomnessBits);
        return w.ToArray();
    }

    private static bool IsUnit(BigInteger c, BigInteger n, BigInteger n2) =>
        c.Sign > 0 && c < n2 && BigInteger.GreatestCommonDivisor(c, n).IsOne;
}
