using System.Numerics;
using FedScore.Secure.Crypto.Paillier;
using FedScore.Secure.Wire;

namespace FedScore.Secure.Crypto.Tests.Paillier;

public sealed class PaillierWireTests : IClassFixture<PaillierTestKeys>
{
    private readonly PaillierKeyPair _keys;

    public PaillierWireTests(PaillierTestKeys keys) => _keys = keys.Small;

    private PaillierPublicKey Pk => _keys.PublicKey;

    private byte[] EncodeRaw(params BigInteger[] values)
    {
        var w = new WireWriter();
        w.WriteVarUInt((ulong)values.Length);
        foreach (BigInteger v in values)
        {
            byte[] bytes = new byte[Pk.CiphertextBytes];
            Assert.True(v.TryWriteBytes(bytes, out _, isUnsigned: true));
            w.WriteRaw(bytes);
        }

        return w.ToArray();
    }

    private PaillierCiphertext[] Read(byte[] bytes, int expected)
    {
        var r = new WireReader(bytes, "ciphertexts from site-1");
        PaillierCiphertext[] result = PaillierWire.ReadCiphertexts(ref r, Pk, expected);
        r.EnsureEnd();
        return result;
    }

    [Fact]
    public void CiphertextVectorsRoundTrip()
    {
        PaillierCiphertext[] cts = [Pk.Encrypt(1), Pk.Encrypt(2), Pk.Encrypt(3)];
        var w = new WireWriter();
        PaillierWire.WriteCiphertexts(w, Pk, cts);
        Assert.Equal(1 + 3 * Pk.CiphertextBytes, w.Length);
        Assert.Equal(cts, Read(w.ToArray(), 3));
    }

    [Fact]
    public void ZeroCiphertextIsRefused()
    {
        var e = Assert.Throws<MalformedMessageException>(() => Read(EncodeRaw(BigInteger.Zero), 1));
        Assert.Contains("site-1", e.Message);
        Assert.Contains("zero", e.Message);
    }

    [Fact]
    public void CiphertextNotBelowNSquaredIsRefused()
    {
        BigInteger n2 = Pk.Modulus * Pk.Modulus;
        Assert.Contains("n²", Assert.Throws<MalformedMessageException>(() => Read(EncodeRaw(n2), 1)).Message);
        Assert.Throws<MalformedMessageException>(() => Read(EncodeRaw(n2 + 1), 1));
    }

    [Fact]
    public void CiphertextThatIsNotAUnitIsRefused()
    {
        (BigInteger p, _) = PaillierEncryptionTests.ExportedPrimes(_keys.PrivateKey);
        Assert.Contains("unit", Assert.Throws<MalformedMessageException>(() => Read(EncodeRaw(Pk.Modulus), 1)).Message);
        Assert.Throws<MalformedMessageException>(() => Read(EncodeRaw(p * 12345), 1));
    }

    [Fact]
    public void TruncatedVectorIsRefused()
    {
        var w = new WireWriter();
        PaillierWire.WriteCiphertexts(w, Pk, [Pk.Encrypt(1), Pk.Encrypt(2)]);
        byte[] full = w.ToArray();
        Assert.Contains("truncated", Assert.Throws<MalformedMessageException>(() => Read(full[..^1], 2)).Message);
        Assert.Throws<MalformedMessageException>(() => Read(full[..1], 2));
        Assert.Throws<MalformedMessageException>(() => Read([], 2));
    }

    [Fact]
    public void OversizedOrWrongCountIsRefusedBeforeAllocating()
    {
        var w = new WireWriter();
        w.WriteVarUInt(int.MaxValue);
        Assert.Contains("exceeds", Assert.Throws<MalformedMessageException>(() => Read(w.ToArray(), 4)).Message);
        byte[] two = EncodeRaw(2, 3);
        Assert.Throws<MalformedMessageException>(() => Read(two, 3));
    }

    [Fact]
    public void TrailingBytesAreRefused()
    {
        var w = new WireWriter();
        PaillierWire.WriteCiphertexts(w, Pk, [Pk.Encrypt(1)]);
        w.WriteByte(0);
        Assert.Throws<MalformedMessageException>(() => Read(w.ToArray(), 1));
    }

    [Fact]
    public void PlaintextsNotBelowNAreRefused()
    {
        var w = new WireWriter();
        w.WriteVarUInt(1);
        byte[] bytes = new byte[Pk.PlaintextBytes];
        Pk.Modulus.TryWriteBytes(bytes, out _, isUnsigned: true);
        w.WriteRaw(bytes);
        byte[] encoded = w.ToArray();
        Assert.Throws<MalformedMessageException>(() =>
        {
            var r = new WireReader(encoded, "plaintexts from decryptor");
            PaillierWire.ReadPlaintexts(ref r, Pk, 1);
        });
    }

    [Fact]
    public void PublicKeyRoundTripsAndRefusesTampering()
    {
        byte[] encoded = Pk.Export();
        PaillierPublicKey back = PaillierPublicKey.Import(encoded, PaillierKeyPolicy.InsecureForTests);
        Assert.Equal(Pk, back);
        Assert.Equal(Pk.Fingerprint, back.Fingerprint);
        Assert.Equal(5, _keys.PrivateKey.Decrypt(back.Add(back.Encrypt(2), back.Encrypt(3))));

        Assert.Throws<MalformedMessageException>(() => PaillierPublicKey.Import(encoded[..^1], PaillierKeyPolicy.InsecureForTests));
        Assert.Throws<MalformedMessageException>(() => PaillierPublicKey.Import([.. encoded, 0], PaillierKeyPolicy.InsecureForTests));

        // Even modulus.
        byte[] even = (byte[])encoded.Clone();
        even[1] &= 0xFE;
        Assert.Throws<MalformedMessageException>(() => PaillierPublicKey.Import(even, PaillierKeyPolicy.InsecureForTests));

        // h_s = 0 is not a unit.
        byte[] zeroHs = (byte[])encoded.Clone();
        int nLen = Pk.PlaintextBytes;
        int hsStart = 2 + nLen + 2; // varint(len n = 128) + n + varint(len h_s = 256): both varints take two bytes
        Array.Clear(zeroHs, hsStart, Pk.CiphertextBytes);
        Assert.Contains("unit", Assert.Throws<MalformedMessageException>(() => PaillierPublicKey.Import(zeroHs, PaillierKeyPolicy.InsecureForTests)).Message);

        // Oversized modulus length prefix.
        var w = new WireWriter();
        w.WriteVarUInt(1 << 20);
        Assert.Contains("exceeds", Assert.Throws<MalformedMessageException>(() => PaillierPublicKey.Import(w.ToArray(), PaillierKeyPolicy.InsecureForTests)).Message);
    }

    [Fact]
    public void PublicKeyWithTooShortRandomnessIsRefused()
    {
        byte[] encoded = Pk.Export();
        // Last varint is ℓ = 512 (two bytes: 0x80 0x04); replace it with 255 (0xFF 0x01).
        encoded[^2] = 0xFF;
        encoded[^1] = 0x01;
        Assert.Contains("randomness", Assert.Throws<MalformedMessageException>(() => PaillierPublicKey.Import(encoded, PaillierKeyPolicy.InsecureForTests)).Message);
    }
}
