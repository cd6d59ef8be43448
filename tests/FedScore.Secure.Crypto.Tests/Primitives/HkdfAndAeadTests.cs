using FedScore.Secure.Crypto.Primitives;

namespace FedScore.Secure.Crypto.Tests.Primitives;

public class HkdfAndAeadTests
{
    [Fact]
    public void HkdfMatchesRfc5869TestCase1()
    {
        byte[] ikm = Convert.FromHexString("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
        byte[] salt = Convert.FromHexString("000102030405060708090a0b0c");
        byte[] info = Convert.FromHexString("f0f1f2f3f4f5f6f7f8f9");
        byte[] okm = new byte[42];
        HkdfSha256.DeriveKey(ikm, salt, info, okm);
        Assert.Equal("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865", Convert.ToHexStringLower(okm));
    }

    [Fact]
    public void SealedMessageOpensWithTheSameKeyAndAssociatedData()
    {
        using AeadKey key = NewKey(1);
        byte[] ct = key.Seal("share"u8, "ad"u8);
        byte[] pt = new byte[5];
        Assert.True(key.TryOpen(ct, "ad"u8, pt));
        Assert.Equal("share"u8.ToArray(), pt);
    }

    [Fact]
    public void TamperedCiphertextOrAssociatedDataIsRefused()
    {
        using AeadKey key = NewKey(1);
        byte[] ct = key.Seal("share"u8, "sender=a;recipient=b"u8);
        byte[] pt = new byte[5];
        for (int i = 0; i < ct.Length; i++)
        {
            byte[] bad = (byte[])ct.Clone();
            bad[i] ^= 0x01;
            Assert.False(key.TryOpen(bad, "sender=a;recipient=b"u8, pt));
        }

        Assert.False(key.TryOpen(ct, "sender=b;recipient=a"u8, pt));
        Assert.False(key.TryOpen(ct[..^1], "sender=a;recipient=b"u8, pt[..4]));
        using AeadKey other = NewKey(2);
        Assert.False(other.TryOpen(ct, "sender=a;recipient=b"u8, pt));
    }

    private static AeadKey NewKey(byte fill)
    {
        byte[] k = new byte[AeadKey.KeySize + AeadKey.NonceSize];
        Array.Fill(k, fill);
        return AeadKey.Import(k);
    }
}
