using System.Runtime.InteropServices;
using System.Security.Cryptography;
using FedScore.Secure.Crypto.Primitives;

namespace FedScore.Secure.Crypto.Tests.Primitives;

public class AesCtrPrgTests
{
    // NIST SP 800-38A Appendix F.5.1 (CTR-AES128.Encrypt).
    private const string Key = "2b7e151628aed2a6abf7158809cf4f3c";
    private const string InitialCounter = "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";
    private const string Plaintext = "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710";
    private const string Ciphertext = "874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff5ae4df3edbd5d35e5b4f09020db03eab1e031dda2fbe03d1792170a0f3009cee";

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void KeystreamMatchesNistSp80038aF51(bool allowHardware)
    {
        using var prg = new AesCtrPrg(Convert.FromHexString(Key), Convert.FromHexString(InitialCounter), allowHardware);
        byte[] ks = new byte[64];
        prg.Fill(ks);
        byte[] pt = Convert.FromHexString(Plaintext);
        for (int i = 0; i < ks.Length; i++)
        {
            ks[i] ^= pt[i];
        }

        Assert.Equal(Ciphertext, Convert.ToHexStringLower(ks));
    }

    [Fact]
    public void HardwarePathIsActuallyUsedOnThisMachine()
    {
        using var prg = new AesCtrPrg(new byte[16], new byte[16]);
        Assert.Equal(AesCtrPrg.IsHardwareAccelerated, prg.UsesHardware);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(16)]
    [InlineData(127)]
    [InlineData(128)]
    [InlineData(4099)]
    [InlineData(100_003)]
    public void HardwareAndPortablePathsGiveIdenticalKeystreamAcrossCounterWrap(int bytes)
    {
        byte[] key = RandomNumberGenerator.GetBytes(16);
        // Low 64 bits near overflow: checks the carry into the high half of the 128-bit counter.
        byte[] iv = Convert.FromHexString("0102030405060708fffffffffffffffd");
        using var fast = new AesCtrPrg(key, iv, allowHardware: true);
        using var slow = new AesCtrPrg(key, iv, allowHardware: false);
        byte[] a = new byte[bytes], b = new byte[bytes];
        fast.Fill(a);
        slow.Fill(b);
        Assert.Equal(b, a);
        fast.Fill(a);
        slow.Fill(b);
        Assert.Equal(b, a);
    }

    [Fact]
    public void KeystreamEqualsDotNetAesEcbOverCounterBlocks()
    {
        byte[] key = RandomNumberGenerator.GetBytes(16);
        byte[] iv = RandomNumberGenerator.GetBytes(16);
        using var prg = new AesCtrPrg(key, iv);
        byte[] ks = new byte[16 * 40];
        prg.Fill(ks);

        using var aes = Aes.Create();
        aes.Key = key;
        byte[] counters = new byte[ks.Length];
        UInt128 c = System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(iv);
        for (int i = 0; i < 40; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt128BigEndian(counters.AsSpan(16 * i), c + (UInt128)i);
        }

        Assert.Equal(aes.EncryptEcb(counters, PaddingMode.None), ks);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AddThenSubtractRestoresTheVectorAndAddEqualsKeystreamWords(bool allowHardware)
    {
        byte[] key = RandomNumberGenerator.GetBytes(16), iv = RandomNumberGenerator.GetBytes(16);
        uint[] x = Enumerable.Range(0, 1003).Select(i => (uint)(i * 2654435761u)).ToArray();
        uint[] y = (uint[])x.Clone();
        using (var p = new AesCtrPrg(key, iv, allowHardware)) p.AddTo(y);
        byte[] ks = new byte[1003 * 4];
        using (var p = new AesCtrPrg(key, iv, allowHardware)) p.Fill(ks);
        uint[] words = MemoryMarshal.Cast<byte, uint>(ks).ToArray();
        for (int i = 0; i < x.Length; i++)
        {
            Assert.Equal(unchecked(x[i] + words[i]), y[i]);
        }

        using (var p = new AesCtrPrg(key, iv, allowHardware)) p.SubtractFrom(y);
        Assert.Equal(x, y);

        ulong[] z = new ulong[501];
        using (var p = new AesCtrPrg(key, iv, allowHardware)) p.AddTo(z);
        using (var p = new AesCtrPrg(key, iv, allowHardware)) p.SubtractFrom(z);
        Assert.All(z, v => Assert.Equal(0UL, v));
        using (var p = new AesCtrPrg(key, iv, allowHardware)) p.AddTo(z);
        Assert.Equal(MemoryMarshal.Cast<byte, ulong>(ks.AsSpan(0, 501 * 8)).ToArray(), z);
    }

    [Fact]
    public void KeystreamBitsAreBalanced()
    {
        using var prg = new AesCtrPrg(RandomNumberGenerator.GetBytes(16), new byte[16]);
        byte[] ks = new byte[1 << 16];
        prg.Fill(ks);
        long ones = ks.Sum(b => (long)System.Numerics.BitOperations.PopCount(b));
        double n = ks.Length * 8.0;
        double z = (ones - n / 2) / Math.Sqrt(n / 4);
        Assert.InRange(z, -5, 5);
    }
}
