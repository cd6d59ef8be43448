using FedScore.Secure.Crypto.Lattice.Bfv;
using FedScore.Secure.Crypto.Lattice.Ckks;
using FedScore.Secure.Crypto.Lattice.Multiparty;
using FedScore.Secure.Crypto.Lattice.Ring;
using FedScore.Secure.Crypto.Lattice.Rlwe;
using FedScore.Secure.Crypto.Lattice.Serialization;

namespace FedScore.Secure.Crypto.Lattice.Tests.Serialization;

public sealed class SerializationTests
{
    private static readonly CkksParameters P = TestParameters.Ckks256;
    private const int HeaderSize = 2 + 1 + 1 + 16 + 2 + 1; // magic, version, kind, id, N=256 (2-byte varint), limbs

    private static (SecretKey Sk, PublicKey Pk) Keys()
    {
        var kg = new KeyGenerator(P);
        SecretKey sk = kg.CreateSecretKey();
        return (sk, kg.CreatePublicKey(sk));
    }

    private static Ciphertext Encrypt(PublicKey pk, double[] x) => new Encryptor(P, pk).Encrypt(new CkksCoefficientEncoder(P).Encode(x));

    [Fact]
    public void BitPackingRoundTripsAtEveryWidth()
    {
        var r = new Random(4);
        foreach (int bits in new[] { 1, 7, 17, 20, 49, 55, 60, 61, 63 })
        {
            ulong mask = bits == 64 ? ulong.MaxValue : (1UL << bits) - 1;
            ulong[] v = Enumerable.Range(0, 37).Select(_ => (ulong)r.NextInt64() & mask).ToArray();
            v[0] = mask;
            var packed = new byte[BitPacking.PackedSize(v.Length, bits)];
            BitPacking.Pack(v, bits, packed);
            var back = new ulong[v.Length];
            Assert.Equal(-1, BitPacking.Unpack(packed, bits, ulong.MaxValue, back, out bool pad));
            Assert.False(pad && bits != 64 && v.Length * bits % 8 == 0);
            Assert.Equal(v, back);
        }
    }

    [Fact]
    public void PolynomialsTakeTheirPrimesBitWidth()
    {
        CkksParameters p = CkksParameters.Example128BitLogN12LogQ109; // 60 + 49 bits
        Assert.Equal(4096 * 60 / 8 + 4096 * 49 / 8, LatticeSerializer.PolynomialSize(p));
    }

    [Fact]
    public void CiphertextRoundTripsAndStillDecrypts()
    {
        (SecretKey sk, PublicKey pk) = Keys();
        using (sk)
        {
            double[] x = Enumerable.Range(0, P.N).Select(i => i / 7.0 - 10).ToArray();
            Ciphertext ct = Encrypt(pk, x);
            byte[] bytes = LatticeSerializer.Write(ct);
            Assert.Equal(HeaderSize + 8 + 1 + 1 + 2 * LatticeSerializer.PolynomialSize(P), bytes.Length);
            Ciphertext back = LatticeSerializer.ReadCiphertext(bytes, P);
            Assert.True(back.C0.ContentEquals(ct.C0));
            Assert.True(back.C1.ContentEquals(ct.C1));
            Assert.Equal(ct.Scale, back.Scale);
            Assert.Equal(bytes, LatticeSerializer.Write(back));
            double[] y = new CkksCoefficientEncoder(P).Decode(new Decryptor(P, sk).Decrypt(back));
            Assert.All(Enumerable.Range(0, P.N), i => Assert.True(Math.Abs(x[i] - y[i]) < 1e-4));
        }
    }

    [Fact]
    public void SeededCiphertextTravelsAsC0PlusSeed()
    {
        var kg = new KeyGenerator(P);
        using SecretKey sk = kg.CreateSecretKey();
        Ciphertext ct = new Encryptor(P, sk).Encrypt(new CkksCoefficientEncoder(P).Encode([1.5, -2.25]));
        byte[] bytes = LatticeSerializer.Write(ct);
        Assert.Equal(HeaderSize + 8 + 1 + 1 + LatticeSerializer.PolynomialSize(P) + 32, bytes.Length);
        Ciphertext back = LatticeSerializer.ReadCiphertext(bytes, P);
        Assert.True(back.IsSeeded);
        Assert.True(back.C1.ContentEquals(ct.C1));
        double[] y = new CkksCoefficientEncoder(P).Decode(new Decryptor(P, sk).Decrypt(back));
        Assert.Equal(1.5, y[0], 1e-4);
        Assert.Equal(-2.25, y[1], 1e-4);
    }

    [Fact]
    public void KeysAndSharesRoundTrip()
    {
        (SecretKey sk, PublicKey pk) = Keys();
        using (sk)
        {
            PublicKey pk2 = LatticeSerializer.ReadPublicKey(LatticeSerializer.Write(pk), P);
            Assert.True(pk2.P0.ContentEquals(pk.P0));
            Assert.True(pk2.P1.ContentEquals(pk.P1));

            var cpk = new CollectivePublicKeyProtocol(P);
            PublicKeyCrp crp = cpk.SampleCrp(CommonReferenceString.Derive("s", "pk"));
            PublicKeyShare ps = cpk.GenerateShare(sk, crp);
            PublicKeyShare ps2 = LatticeSerializer.ReadPublicKeyShare(LatticeSerializer.Write(ps), P);
            Assert.True(ps2.Value.ContentEquals(ps.Value));

            using var key = AdditiveKeyShare.FromSecretKey(new KeyGenerator(P).CreateSecretKey());
            var dec = new CollectiveDecryptionProtocol(P, 20);
            DecryptionShare ds = dec.GenerateShare(key, Encrypt(pk, [1]));
            DecryptionShare ds2 = LatticeSerializer.ReadDecryptionShare(LatticeSerializer.Write(ds), P);
            Assert.True(ds2.Value.ContentEquals(ds.Value));
            Assert.True(ds2.CiphertextId.SequenceEqual(ds.CiphertextId));

            ShamirShare sh = new ShamirKeySharing(P, 2, 3).Split(key, 1)[2];
            ShamirShare sh2 = LatticeSerializer.ReadShamirShare(LatticeSerializer.Write(sh), P);
            Assert.Equal((1, 3), (sh2.Dealer, sh2.Recipient));
            Assert.True(sh2.Value.ContentEquals(sh.Value));
        }
    }

    [Fact]
    public void PackedBfvCiphertextRoundTripsAndItsParametersAreValidated()
    {
        var lit = new PackedBfvParametersLiteral { LogN = 8, LogQ = [55, 55], PlainBits = 60, LaneBits = 12 };
        PackedBfvParameters p = PackedBfvParameters.CreateInsecureForTesting(lit);
        Assert.Equal(5, p.Lanes);
        Assert.Throws<ArgumentException>(() => PackedBfvParameters.Create(lit));                    // N = 256 is insecure
        Assert.Throws<ArgumentOutOfRangeException>(() => PackedBfvParameters.CreateInsecureForTesting(lit with { PlainBits = 100 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => PackedBfvParameters.CreateInsecureForTesting(lit with { LaneBits = 63 }));
        var kg = new KeyGenerator(p);
        using SecretKey sk = kg.CreateSecretKey();
        var enc = new PackedBfvEncoder(p, 1000);
        long[] x = Enumerable.Range(0, enc.Capacity).Select(i => (long)(i % 2001) - 1000).ToArray();
        Ciphertext ct = LatticeSerializer.ReadCiphertext(LatticeSerializer.Write(new Encryptor(p, kg.CreatePublicKey(sk)).Encrypt(enc.Encode(x))), p);
        var y = new long[x.Length];
        enc.Decode(new Decryptor(p, sk).Decrypt(ct), 1, y);
        Assert.Equal(x, y);
        Assert.Throws<MalformedMessageException>(() => LatticeSerializer.ReadCiphertext(LatticeSerializer.Write(ct), TestParameters.Bfv1024));
    }

    private static void AssertMalformed(byte[] bytes, string fieldFragment)
    {
        var e = Assert.Throws<MalformedMessageException>(() => LatticeSerializer.ReadCiphertext(bytes, P));
        Assert.Contains(fieldFragment, e.Message);
    }

    [Fact]
    public void EveryTruncationIsRefused()
    {
        (SecretKey sk, PublicKey pk) = Keys();
        sk.Dispose();
        byte[] bytes = LatticeSerializer.Write(Encrypt(pk, [1, 2, 3]));
        for (int len = 0; len < bytes.Length; len++)
        {
            Assert.Throws<MalformedMessageException>(() => LatticeSerializer.ReadCiphertext(bytes.AsSpan(0, len), P));
        }
    }

    [Fact]
    public void BadHeadersAndFieldsAreRefusedNamingTheField()
    {
        (SecretKey sk, PublicKey pk) = Keys();
        sk.Dispose();
        byte[] good = LatticeSerializer.Write(Encrypt(pk, [1, 2, 3]));
        byte[] Mut(Action<byte[]> f)
        {
            byte[] b = (byte[])good.Clone();
            f(b);
            return b;
        }

        AssertMalformed(Mut(b => b[0] = 0), "magic");
        AssertMalformed(Mut(b => b[2] = 2), "version");
        AssertMalformed(Mut(b => b[3] = 2), "kind");
        AssertMalformed(Mut(b => b[10] ^= 1), "parameter-set id");
        AssertMalformed(Mut(b => b[20] = 0x81), "N");                   // N = 257 (varint 0x81 0x02)
        AssertMalformed(Mut(b => b[22] = 2), "limbs");
        AssertMalformed(Mut(b => BitConverter.GetBytes(double.NaN).CopyTo(b, HeaderSize)), "scale");
        AssertMalformed(Mut(b => BitConverter.GetBytes(Math.ScaleB(1, 80)).CopyTo(b, HeaderSize)), "scale");
        AssertMalformed(Mut(b => b[HeaderSize + 8] = 0), "summands");
        AssertMalformed(Mut(b => b[HeaderSize + 9] = 4), "flags");
        // First residue of c0 set to all ones: 2^55 − 1 ≥ q.
        AssertMalformed(Mut(b => { for (int i = 0; i < 7; i++) { b[HeaderSize + 10 + i] = 0xFF; } b[HeaderSize + 17] |= 0x7F; }), "c0[0]");
        var trailing = good.Concat(new byte[] { 0 }).ToArray();
        Assert.Throws<MalformedMessageException>(() => LatticeSerializer.ReadCiphertext(trailing, P));
        // Another parameter set's object is refused by id before any allocation of its size.
        Assert.Throws<MalformedMessageException>(() => LatticeSerializer.ReadCiphertext(good, TestParameters.Ckks1024));
        // Reading a ciphertext as a public key is refused by kind.
        Assert.Throws<MalformedMessageException>(() => LatticeSerializer.ReadPublicKey(good, P));
    }

    [Fact]
    public void RandomGarbageNeverEscapesAsAnotherException()
    {
        (SecretKey sk, PublicKey pk) = Keys();
        sk.Dispose();
        byte[] good = LatticeSerializer.Write(Encrypt(pk, [1, 2, 3]));
        var r = new Random(12);
        for (int i = 0; i < 300; i++)
        {
            byte[] b = (byte[])good.Clone();
            int flips = r.Next(1, 4);
            for (int f = 0; f < flips; f++)
            {
                b[r.Next(HeaderSize + 12)] = (byte)r.Next(256); // header and leading fields, where structure lives
            }

            try
            {
                LatticeSerializer.ReadCiphertext(b, P);
            }
            catch (MalformedMessageException)
            {
            }
        }

        for (int i = 0; i < 300; i++)
        {
            var b = new byte[r.Next(0, 64)];
            r.NextBytes(b);
            Assert.Throws<MalformedMessageException>(() => LatticeSerializer.ReadDecryptionShare(b, P));
        }
    }
}
