using System.Numerics;
using System.Security.Cryptography;
using FedScore.Secure.Crypto.Paillier;
using FedScore.Secure.Wire;

namespace FedScore.Secure.Crypto.Tests.Paillier;

public sealed class PaillierEncryptionTests : IClassFixture<PaillierTestKeys>
{
    private readonly PaillierKeyPair _keys;
    private readonly PaillierKeyPair _other;

    public PaillierEncryptionTests(PaillierTestKeys keys)
    {
        _keys = keys.Small;
        _other = keys.Other;
    }

    private BigInteger N => _keys.PublicKey.Modulus;

    private static BigInteger RandomBelow(BigInteger bound)
    {
        byte[] bytes = new byte[bound.GetByteCount(isUnsigned: true) + 8];
        RandomNumberGenerator.Fill(bytes);
        return new BigInteger(bytes, isUnsigned: true) % bound;
    }

    [Fact]
    public void DecryptionInvertsEncryption()
    {
        BigInteger[] values = [BigInteger.Zero, BigInteger.One, 42, N - 1, N / 2, RandomBelow(N), RandomBelow(N)];
        foreach (BigInteger m in values)
        {
            PaillierCiphertext c = _keys.PublicKey.Encrypt(m);
            Assert.Equal(m, _keys.PrivateKey.Decrypt(c));
        }
    }

    [Fact]
    public void EncryptionIsRandomised()
    {
        PaillierCiphertext a = _keys.PublicKey.Encrypt(7);
        PaillierCiphertext b = _keys.PublicKey.Encrypt(7);
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void MultiplyingCiphertextsAddsPlaintextsModuloN()
    {
        BigInteger a = RandomBelow(N);
        BigInteger b = RandomBelow(N);
        PaillierCiphertext sum = _keys.PublicKey.Add(_keys.PublicKey.Encrypt(a), _keys.PublicKey.Encrypt(b));
        Assert.Equal((a + b) % N, _keys.PrivateKey.Decrypt(sum));
    }

    [Fact]
    public void AccumulatorFoldsVectorsIntoElementwiseSums()
    {
        var acc = new PaillierAccumulator(_keys.PublicKey, 3);
        BigInteger[] expected = new BigInteger[3];
        for (int site = 0; site < 5; site++)
        {
            var vector = new PaillierCiphertext[3];
            for (int i = 0; i < 3; i++)
            {
                BigInteger m = site * 1000 + i;
                expected[i] += m;
                vector[i] = _keys.PublicKey.Encrypt(m);
            }

            acc.Add(vector);
        }

        PaillierCiphertext[] folded = acc.ToCiphertexts();
        Assert.Equal(5, acc.Count);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(expected[i], _keys.PrivateKey.Decrypt(folded[i]));
        }
    }

    [Fact]
    public void CrtDecryptionEqualsTextbookDecryptionForEveryUnit()
    {
        for (int i = 0; i < 8; i++)
        {
            // Fresh encryptions and arbitrary units of Z*_{n²} (all of which are ciphertexts of something).
            PaillierCiphertext c = i % 2 == 0
                ? _keys.PublicKey.Encrypt(RandomBelow(N))
                : ReadOne(_keys.PublicKey, RandomUnitModN2());
            Assert.Equal(_keys.PrivateKey.DecryptTextbook(c), _keys.PrivateKey.Decrypt(c));
        }
    }

    [Fact]
    public void FixedBaseExponentiationEqualsModPow()
    {
        BigInteger n2 = _keys.PublicKey.Modulus * _keys.PublicKey.Modulus;
        BigInteger b = RandomUnitModN2();
        var table = new FixedBaseExponentiator(b, n2, 300);
        for (int i = 0; i < 5; i++)
        {
            byte[] e = new byte[38];
            RandomNumberGenerator.Fill(e);
            e[^1] &= 0x0F; // 300 bits
            Assert.Equal(BigInteger.ModPow(b, new BigInteger(e, isUnsigned: true), n2), table.Pow(e));
        }

        Assert.Equal(BigInteger.One, table.Pow(new byte[38]));
        byte[] tooLong = new byte[38];
        tooLong[^1] = 0x10;
        Assert.Throws<ArgumentOutOfRangeException>(() => table.Pow(tooLong));
    }

    [Fact]
    public void PlaintextOutsideZeroToNIsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _keys.PublicKey.Encrypt(N));
        Assert.Throws<ArgumentOutOfRangeException>(() => _keys.PublicKey.Encrypt(BigInteger.MinusOne));
    }

    [Fact]
    public void CiphertextsOfAnotherKeyAreRefused()
    {
        PaillierCiphertext foreign = _other.PublicKey.Encrypt(1);
        Assert.Throws<ArgumentException>(() => _keys.PublicKey.Add(foreign, _keys.PublicKey.Encrypt(1)));
        Assert.Throws<ArgumentException>(() => _keys.PrivateKey.Decrypt(foreign));
    }

    [Fact]
    public void GeneratedModulusIsAdmissible()
    {
        (BigInteger p, BigInteger q) = ExportedPrimes(_keys.PrivateKey);
        Assert.Equal(1024, _keys.PublicKey.ModulusBits);
        Assert.Equal(512, (int)p.GetBitLength());
        Assert.Equal(512, (int)q.GetBitLength());
        Assert.Equal(N, p * q);
        Assert.Equal(3, (int)(p % 4));
        Assert.Equal(3, (int)(q % 4));
        Assert.Equal(2, (int)BigInteger.GreatestCommonDivisor(p - 1, q - 1));
        Assert.True(BigInteger.Abs(p - q).GetBitLength() > 512 - 100);
        Assert.Equal(512, _keys.PublicKey.RandomnessBits);
    }

    [Fact]
    public void RealKeyOf2048BitsRoundTripsAndAdds()
    {
        using PaillierKeyPair real = PaillierKeyPair.Generate(2048);
        Assert.Equal(2048, real.PublicKey.ModulusBits);
        Assert.Equal(1024, real.PublicKey.RandomnessBits);
        BigInteger n = real.PublicKey.Modulus;
        BigInteger a = RandomBelow(n);
        BigInteger b = RandomBelow(n);
        PaillierCiphertext sum = real.PublicKey.Add(real.PublicKey.Encrypt(a), real.PublicKey.Encrypt(b));
        Assert.Equal((a + b) % n, real.PrivateKey.Decrypt(sum));
        Assert.Equal(real.PrivateKey.DecryptTextbook(sum), real.PrivateKey.Decrypt(sum));
    }

    [Fact]
    public void ProductionGenerationRefusesModuliBelow2048Bits()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PaillierKeyPair.Generate(1024));
        Assert.Throws<ArgumentOutOfRangeException>(() => PaillierKeyPair.Generate(2046));
        Assert.Throws<ArgumentOutOfRangeException>(() => PaillierKeyPair.Generate(1024, null, PaillierKeyPolicy.Production));
        Assert.Throws<ArgumentOutOfRangeException>(() => PaillierKeyPair.GenerateInsecureForTests(256));
    }

    [Fact]
    public void RandomnessShorterThan256BitsIsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PaillierKeyPair.Generate(2048, 255));
    }

    [Fact]
    public void ProductionPolicyRefusesASmallPublicKeyFromTheWire()
    {
        byte[] encoded = _keys.PublicKey.Export();
        var e = Assert.Throws<MalformedMessageException>(() => PaillierPublicKey.Import(encoded, PaillierKeyPolicy.Production));
        Assert.Contains("2048", e.Message);
        Assert.Equal(_keys.PublicKey, PaillierPublicKey.Import(encoded, PaillierKeyPolicy.InsecureForTests));
    }

    [Fact]
    public void PrivateKeyNeverPrintsItsSecrets()
    {
        (BigInteger p, BigInteger q) = ExportedPrimes(_keys.PrivateKey);
        foreach (string text in new[] { _keys.PrivateKey.ToString(), _keys.ToString() })
        {
            Assert.DoesNotContain(p.ToString(), text);
            Assert.DoesNotContain(q.ToString(), text);
            Assert.DoesNotContain(p.ToString("X"), text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(q.ToString("x"), text, StringComparison.OrdinalIgnoreCase);
        }

        // No public property of the private key is a number (a secret could only leak through one).
        Assert.DoesNotContain(
            typeof(PaillierPrivateKey).GetProperties(),
            prop => prop.PropertyType == typeof(BigInteger) || prop.PropertyType == typeof(byte[]));
    }

    [Fact]
    public void ExportedPrivateKeyImportsToAWorkingKey()
    {
        byte[] exported = _keys.PrivateKey.ExportPrivateKey();
        try
        {
            using PaillierPrivateKey imported = PaillierPrivateKey.ImportPrivateKey(exported, PaillierKeyPolicy.InsecureForTests);
            Assert.Equal(_keys.PublicKey, imported.PublicKey);
            Assert.Equal(12345, imported.Decrypt(_keys.PublicKey.Encrypt(12345)));
            Assert.Throws<MalformedMessageException>(() => PaillierPrivateKey.ImportPrivateKey(exported, PaillierKeyPolicy.Production));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(exported);
        }
    }

    [Fact]
    public void DisposedPrivateKeyRefusesToDecrypt()
    {
        using PaillierKeyPair keys = PaillierKeyPair.GenerateInsecureForTests(512);
        PaillierCiphertext c = keys.PublicKey.Encrypt(5);
        keys.Dispose();
        Assert.Throws<ObjectDisposedException>(() => keys.PrivateKey.Decrypt(c));
        Assert.Throws<ObjectDisposedException>(() => keys.PrivateKey.ExportPrivateKey());
    }

    internal static (BigInteger P, BigInteger Q) ExportedPrimes(PaillierPrivateKey key)
    {
        byte[] exported = key.ExportPrivateKey();
        var r = new WireReader(exported, "test");
        BigInteger p = new(r.ReadBytes("p", 2048), isUnsigned: true);
        BigInteger q = new(r.ReadBytes("q", 2048), isUnsigned: true);
        CryptographicOperations.ZeroMemory(exported);
        return (p, q);
    }

    private BigInteger RandomUnitModN2()
    {
        BigInteger n2 = N * N;
        while (true)
        {
            BigInteger c = RandomBelow(n2);
            if (c.Sign > 0 && BigInteger.GreatestCommonDivisor(c, N).IsOne)
            {
                return c;
            }
        }
    }

    private static PaillierCiphertext ReadOne(PaillierPublicKey key, BigInteger value)
    {
        var w = new WireWriter();
        w.WriteVarUInt(1);
        byte[] bytes = new byte[key.CiphertextBytes];
        value.TryWriteBytes(bytes, out _, isUnsigned: true);
        w.WriteRaw(bytes);
        var r = new WireReader(w.ToArray(), "test");
        return PaillierWire.ReadCiphertexts(ref r, key, 1)[0];
    }
}
