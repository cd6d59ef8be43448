using FedScore.Secure.Crypto.Lattice.Multiparty;
using FedScore.Secure.Crypto.Lattice.Ring;
using FedScore.Secure.Crypto.Lattice.Rlwe;
using FedScore.Secure.Wire;

namespace FedScore.Secure.Crypto.Lattice.Serialization;

/// <summary>What a serialized lattice object is (the header's kind byte).</summary>
public enum LatticeObjectKind : byte
{
    Ciphertext = 1,
    PublicKey = 2,
    PublicKeyShare = 3,
    DecryptionShare = 4,
    ShamirShare = 5,
}

/// <summary>
/// Wire format of lattice objects, version 1:
/// <code>
/// magic 'L' 'H' | version u8 = 1 | kind u8 | parameter-set id (16 bytes) | N varint | limbs varint | body
/// ciphertext:        scale f64 | summands varint | flags u8 (bit 0: c1 seeded, bit 1: c0 trimmed) | c0 | c1 or 32-byte seed
/// trimmed c0 (flags 3, seeded only): m varint (1 ≤ m ≤ N) | c0 in coefficient form, coefficients 0 … m−1 only
/// public key:        p0 | 32-byte seed of a
/// public-key share:  contributors varint | share
/// decryption share:  contributors varint | ciphertext id (32 bytes) | share
/// Shamir share:      dealer varint | recipient varint | share            (SECRET: send only over an encrypted channel)
/// polynomial:        for each prime q_i: ⌈N·bits(q_i)/8⌉ bytes, residues packed at bits(q_i), padding zero
/// </code>
/// The reader is given the expected parameter set and checks id, N and limb count before it allocates anything, so
/// every length is fixed by the parameters; any malformed, truncated, oversized, trailing or mismatched input throws
/// <see cref="MalformedMessageException"/> naming the field.
/// </summary>
public static class LatticeSerializer
{
    public const byte Version = 1;
    private const byte Magic0 = (byte)'L';
    private const byte Magic1 = (byte)'H';
    private const int MaxParties = 10_000;
    private const int MaxSummands = 100_000_000;

    // ---------- sizes ----------

    /// <summary>Bytes of one packed polynomial for these parameters.</summary>
    public static int PolynomialSize(RlweParameters parameters) =>
        parameters.Moduli.Sum(q => BitPacking.PackedSize(parameters.N, ModArith.BitLength(q)));

    // ---------- writers ----------

    public static byte[] Write(Ciphertext ciphertext)
    {
        ArgumentNullException.ThrowIfNull(ciphertext);
        var w = new WireWriter(64 + 2 * PolynomialSize(ciphertext.Parameters));
        WriteTo(w, ciphertext);
        return w.ToArray();
    }

    /// <summary>
    /// Writes a shared-seed upload whose plaintext uses only coefficients 0 … <paramref name="coefficients"/>−1 (the
    /// last, partly filled ciphertext of a vector): c0 goes in coefficient form cut to those coefficients, so a short
    /// last chunk costs its share of the bytes instead of a whole polynomial. The reader zero-fills the rest, so the
    /// sum's unused coefficients decrypt to garbage nobody decodes. What is sent is a subset of the coordinates of the
    /// RLWE sample c0 = −a·s + e + m, so it reveals no more than the whole c0 (every coordinate is pseudorandom).
    /// </summary>
    /// <exception cref="ArgumentException">The ciphertext is not seeded, or the count is outside [1, N].</exception>
    public static void WriteTrimmedTo(WireWriter w, Ciphertext ct, int coefficients)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(ct);
        if (!ct.IsSeeded)
        {
            throw new ArgumentException("only a shared-seed ciphertext can be trimmed (its c1 travels as a seed)", nameof(ct));
        }

        if (coefficients < 1 || coefficients > ct.Parameters.N)
        {
            throw new ArgumentOutOfRangeException(nameof(coefficients), $"must be in [1, N = {ct.Parameters.N}]");
        }

        RlweParameters p = ct.Parameters;
        Header(w, LatticeObjectKind.Ciphertext, p);
        w.WriteDouble(ct.Scale).WriteVarUInt((ulong)ct.Summands).WriteByte(3).WriteVarUInt((ulong)coefficients);
        RnsPolynomial c0 = ct.C0.Clone();
        if (c0.IsNtt)
        {
            PolyArith.NttInverse(p.Basis, c0);
        }

        for (int i = 0; i < p.Moduli.Count; i++)
        {
            int bits = ModArith.BitLength(p.Moduli[i]);
            BitPacking.Pack(c0.Limb(i)[..coefficients], bits, w.Reserve(BitPacking.PackedSize(coefficients, bits)));
        }

        w.WriteRaw(ct.C1Seed);
    }

    /// <summary>Bytes of a c0 trimmed to <paramref name="coefficients"/> coefficients (<see cref="WriteTrimmedTo"/>).</summary>
    public static int TrimmedPolynomialSize(RlweParameters parameters, int coefficients)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return parameters.Moduli.Sum(q => BitPacking.PackedSize(coefficients, ModArith.BitLength(q)));
    }

    public static void WriteTo(WireWriter w, Ciphertext ct)
    {
        Header(w, LatticeObjectKind.Ciphertext, ct.Parameters);
        w.WriteDouble(ct.Scale).WriteVarUInt((ulong)ct.Summands).WriteByte(ct.IsSeeded ? (byte)1 : (byte)0);
        Poly(w, ct.Parameters, ct.C0);
        if (ct.IsSeeded)
        {
            w.WriteRaw(ct.C1Seed);
        }
        else
        {
            Poly(w, ct.Parameters, ct.C1);
        }
    }

    public static byte[] Write(PublicKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var w = new WireWriter(64 + PolynomialSize(key.Parameters));
        Header(w, LatticeObjectKind.PublicKey, key.Parameters);
        Poly(w, key.Parameters, key.P0);
        w.WriteRaw(key.ASeed);
        return w.ToArray();
    }

    public static byte[] Write(PublicKeyShare share)
    {
        ArgumentNullException.ThrowIfNull(share);
        var w = new WireWriter(64 + PolynomialSize(share.Parameters));
        Header(w, LatticeObjectKind.PublicKeyShare, share.Parameters);
        w.WriteVarUInt((ulong)share.Contributors);
        Poly(w, share.Parameters, share.Value);
        return w.ToArray();
    }

    public static byte[] Write(DecryptionShare share)
    {
        ArgumentNullException.ThrowIfNull(share);
        var w = new WireWriter(96 + PolynomialSize(share.Parameters));
        Header(w, LatticeObjectKind.DecryptionShare, share.Parameters);
        w.WriteVarUInt((ulong)share.Contributors).WriteRaw(share.CiphertextId);
        Poly(w, share.Parameters, share.Value);
        return w.ToArray();
    }

    /// <summary>SECRET output: encrypt it for its recipient before it leaves the dealer.</summary>
    public static byte[] Write(ShamirShare share)
    {
        ArgumentNullException.ThrowIfNull(share);
        var w = new WireWriter(64 + PolynomialSize(share.Parameters));
        Header(w, LatticeObjectKind.ShamirShare, share.Parameters);
        w.WriteVarUInt((ulong)share.Dealer).WriteVarUInt((ulong)share.Recipient);
        Poly(w, share.Parameters, share.Value);
        return w.ToArray();
    }

    // ---------- readers ----------

    public static Ciphertext ReadCiphertext(ReadOnlySpan<byte> data, RlweParameters parameters, string context = "ciphertext")
    {
        var r = new WireReader(data, context);
        Ciphertext ct = ReadCiphertext(ref r, parameters);
        r.EnsureEnd();
        return ct;
    }

    /// <summary>Reads one ciphertext from a larger message (does not require the end of input).</summary>
    public static Ciphertext ReadCiphertext(ref WireReader r, RlweParameters parameters) => ReadCiphertext(ref r, parameters, null);

    /// <summary>
    /// As <see cref="ReadCiphertext(ref WireReader, RlweParameters)"/>; when the ciphertext is seeded with the same seed
    /// as <paramref name="sameSeedAs"/>, c1 is copied from it instead of being re-expanded (an aggregator reading many
    /// uploads that share c1 pays the AES expansion once). The result is identical either way.
    /// </summary>
    public static Ciphertext ReadCiphertext(ref WireReader r, RlweParameters parameters, Ciphertext? sameSeedAs) =>
        ReadCiphertext(ref r, parameters, sameSeedAs, out _);

    /// <summary>
    /// As <see cref="ReadCiphertext(ref WireReader, RlweParameters, Ciphertext?)"/>, also accepting a trimmed c0
    /// (<see cref="WriteTrimmedTo"/>), returned zero-filled beyond its <paramref name="coefficients"/> coefficients and
    /// in NTT form like any other; <paramref name="coefficients"/> is N for an untrimmed ciphertext.
    /// </summary>
    public static Ciphertext ReadCiphertext(ref WireReader r, RlweParameters parameters, Ciphertext? sameSeedAs, out int coefficients)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ReadHeader(ref r, LatticeObjectKind.Ciphertext, parameters);
        double scale = r.ReadDouble("scale");
        if (!double.IsFinite(scale) || scale < 1 || Math.Log2(scale) >= parameters.Basis.Log2Modulus)
        {
            throw r.Fail("scale", $"is {scale}, outside [1, Q)");
        }

        ulong summands = r.ReadVarUInt("summands");
        if (summands < 1 || summands > MaxSummands)
        {
            throw r.Fail("summands", $"is {summands}, outside [1, {MaxSummands}]");
        }

        byte flags = r.ReadByte("flags");
        if (flags > 1 && flags != 3)
        {
            throw r.Fail("flags", $"has unknown bits 0x{flags:X2} (a trimmed c0 needs a seeded c1)");
        }

        var ct = new Ciphertext(parameters) { Scale = scale, Summands = (int)summands };
        coefficients = parameters.N;
        if (flags == 3)
        {
            ulong m = r.ReadVarUInt("c0 coefficients");
            if (m < 1 || m > (ulong)parameters.N)
            {
                throw r.Fail("c0 coefficients", $"is {m}, outside [1, N = {parameters.N}]");
            }

            coefficients = (int)m;
            ReadPoly(ref r, parameters, ct.C0, "c0", coefficients);
            ct.C0.IsNtt = false;
            PolyArith.NttForward(parameters.Basis, ct.C0);
        }
        else
        {
            ReadPoly(ref r, parameters, ct.C0, "c0");
        }

        ct.C0.IsNtt = true;
        if ((flags & 1) == 1)
        {
            byte[] seed = r.ReadRaw(Prng.SeedSize, "c1 seed").ToArray();
            if (sameSeedAs is { IsSeeded: true } template && template.Parameters.Id == parameters.Id && template.C1Seed.SequenceEqual(seed))
            {
                ct.C1.CopyFrom(template.C1);
            }
            else
            {
                Encryptor.ExpandSeed(parameters, seed, ct.C1);
            }

            ct.SetSeed(seed);
        }
        else
        {
            ReadPoly(ref r, parameters, ct.C1, "c1");
            ct.C1.IsNtt = true;
        }

        return ct;
    }

    public static PublicKey ReadPublicKey(ReadOnlySpan<byte> data, RlweParameters parameters, string context = "public key")
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var r = new WireReader(data, context);
        ReadHeader(ref r, LatticeObjectKind.PublicKey, parameters);
        var p0 = new RnsPolynomial(parameters.N, parameters.Moduli.Count, true);
        ReadPoly(ref r, parameters, p0, "p0");
        byte[] seed = r.ReadRaw(Prng.SeedSize, "a seed").ToArray();
        r.EnsureEnd();
        return new PublicKey(parameters, p0, KeyGenerator.ExpandPublicA(parameters, seed), seed);
    }

    public static PublicKeyShare ReadPublicKeyShare(ReadOnlySpan<byte> data, RlweParameters parameters, string context = "public-key share")
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var r = new WireReader(data, context);
        ReadHeader(ref r, LatticeObjectKind.PublicKeyShare, parameters);
        int contributors = ReadCount(ref r, "contributors");
        var v = new RnsPolynomial(parameters.N, parameters.Moduli.Count, true);
        ReadPoly(ref r, parameters, v, "share");
        r.EnsureEnd();
        return new PublicKeyShare(parameters, v, contributors);
    }

    public static DecryptionShare ReadDecryptionShare(ReadOnlySpan<byte> data, RlweParameters parameters, string context = "decryption share")
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var r = new WireReader(data, context);
        ReadHeader(ref r, LatticeObjectKind.DecryptionShare, parameters);
        int contributors = ReadCount(ref r, "contributors");
        byte[] id = r.ReadRaw(32, "ciphertext id").ToArray();
        var v = new RnsPolynomial(parameters.N, parameters.Moduli.Count, true);
        ReadPoly(ref r, parameters, v, "share");
        r.EnsureEnd();
        return new DecryptionShare(parameters, v, id, contributors);
    }

    public static ShamirShare ReadShamirShare(ReadOnlySpan<byte> data, RlweParameters parameters, string context = "Shamir share")
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var r = new WireReader(data, context);
        ReadHeader(ref r, LatticeObjectKind.ShamirShare, parameters);
        int dealer = ReadCount(ref r, "dealer");
        int recipient = ReadCount(ref r, "recipient");
        var v = new RnsPolynomial(parameters.N, parameters.Moduli.Count, true);
        try
        {
            ReadPoly(ref r, parameters, v, "share");
            r.EnsureEnd();
        }
        catch
        {
            v.Clear();
            throw;
        }

        return new ShamirShare(parameters, dealer, recipient, v);
    }

    // ---------- parts ----------

    private static void Header(WireWriter w, LatticeObjectKind kind, RlweParameters p)
    {
        Span<byte> id = stackalloc byte[ParameterSetId.Size];
        p.Id.WriteTo(id);
        w.WriteByte(Magic0).WriteByte(Magic1).WriteByte(Version).WriteByte((byte)kind).WriteRaw(id)
         .WriteVarUInt((ulong)p.N).WriteVarUInt((ulong)p.Moduli.Count);
    }

    private static void ReadHeader(ref WireReader r, LatticeObjectKind expected, RlweParameters p)
    {
        if (r.ReadByte("magic") != Magic0 || r.ReadByte("magic") != Magic1)
        {
            throw r.Fail("magic", "is not a FedScore lattice object");
        }

        byte version = r.ReadByte("version");
        if (version != Version)
        {
            throw r.Fail("version", $"is {version}; this build reads version {Version}");
        }

        byte kind = r.ReadByte("kind");
        if (kind != (byte)expected)
        {
            throw r.Fail("kind", $"is {kind}, expected {(byte)expected} ({expected})");
        }

        ParameterSetId id = ParameterSetId.FromBytes(r.ReadRaw(ParameterSetId.Size, "parameter-set id"));
        if (id != p.Id)
        {
            throw r.Fail("parameter-set id", $"is {id}, expected {p.Id}");
        }

        ulong n = r.ReadVarUInt("N");
        if (n != (ulong)p.N)
        {
            throw r.Fail("N", $"is {n}, expected {p.N}");
        }

        ulong limbs = r.ReadVarUInt("limbs");
        if (limbs != (ulong)p.Moduli.Count)
        {
            throw r.Fail("limbs", $"is {limbs}, expected {p.Moduli.Count}");
        }
    }

    private static int ReadCount(ref WireReader r, string field)
    {
        ulong v = r.ReadVarUInt(field);
        if (v < 1 || v > MaxParties)
        {
            throw r.Fail(field, $"is {v}, outside [1, {MaxParties}]");
        }

        return (int)v;
    }

    private static void Poly(WireWriter w, RlweParameters p, RnsPolynomial poly)
    {
        for (int i = 0; i < p.Moduli.Count; i++)
        {
            int bits = ModArith.BitLength(p.Moduli[i]);
            BitPacking.Pack(poly.Limb(i), bits, w.Reserve(BitPacking.PackedSize(p.N, bits)));
        }
    }

    /// <summary>Reads the first <paramref name="coefficients"/> (default N) coefficients of each limb; the rest are zeroed.</summary>
    private static void ReadPoly(ref WireReader r, RlweParameters p, RnsPolynomial destination, string field, int coefficients = -1)
    {
        int m = coefficients < 0 ? p.N : coefficients;
        for (int i = 0; i < p.Moduli.Count; i++)
        {
            ulong q = p.Moduli[i];
            int bits = ModArith.BitLength(q);
            string limbField = $"{field}[{i}]";
            ReadOnlySpan<byte> bytes = r.ReadRaw(BitPacking.PackedSize(m, bits), limbField);
            destination.Limb(i)[m..].Clear();
            int bad = BitPacking.Unpack(bytes, bits, q, destination.Limb(i)[..m], out bool padding);
            if (bad >= 0)
            {
                throw r.Fail(limbField, $"coefficient {bad} is not reduced modulo q_{i}");
            }

            if (padding)
            {
                throw r.Fail(limbField, "has non-zero padding bits");
            }
        }
    }
}
