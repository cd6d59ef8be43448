using System.Security.Cryptography;
using CsCheck;
using FedScore.Secure.Crypto.Sharing;

namespace FedScore.Secure.Crypto.Tests.Sharing;

public class ShamirSecretSharingTests
{
    [Fact]
    public void AnyThresholdSharesReconstructAndFewerDoNot()
    {
        Gen.Select(Gen.Int[1, 12], Gen.Int[0, 12], Gen.Int[1, 64], Gen.Int)
            .Sample((t, extra, len, seed) =>
            {
                int n = t + extra;
                byte[] secret = RandomNumberGenerator.GetBytes(len);
                int[] indices = Enumerable.Range(0, n).Select(i => 3 * i + 1).ToArray();
                ShamirShare[] shares = ShamirSecretSharing.Split(secret, t, indices);
                var rnd = new Random(seed);
                ShamirShare[] subset = shares.OrderBy(_ => rnd.Next()).Take(t).ToArray();
                byte[] got = new byte[len];
                ShamirSecretSharing.Reconstruct(subset, t, got);
                Assert.Equal(secret, got);

                if (t >= 2)
                {
                    // t−1 shares interpolated as if the threshold were t−1 give a different value (with
                    // overwhelming probability: the missing coefficient is uniform in a 127-bit field).
                    byte[] wrong = new byte[len];
                    bool reconstructed;
                    try
                    {
                        ShamirSecretSharing.Reconstruct(subset.Take(t - 1).ToArray(), t - 1, wrong);
                        reconstructed = wrong.AsSpan().SequenceEqual(secret);
                    }
                    catch (ArgumentException)
                    {
                        reconstructed = false;
                    }

                    Assert.False(reconstructed);
                    Assert.Throws<ArgumentException>(() => ShamirSecretSharing.Reconstruct(subset.Take(t - 1).ToArray(), t, wrong));
                }
            }, iter: 200);
    }

    [Fact]
    public void SharesOfTwoSecretsBelowThresholdAreIdenticallyDistributedInTheirLowBits()
    {
        // With t = 2, one share is f(x) = s + a·x for uniform a: its distribution must not depend on s.
        int[] ones = new int[2];
        for (int trial = 0; trial < 2000; trial++)
        {
            for (int s = 0; s < 2; s++)
            {
                byte[] secret = new byte[15];
                secret[0] = (byte)(s * 255);
                using ShamirShare share = ShamirSecretSharing.Split(secret, 2, [1, 2])[0];
                byte[] bytes = new byte[share.SerializedLength];
                share.WriteTo(bytes);
                ones[s] += bytes[0] & 1;
            }
        }

        Assert.InRange(ones[0], 850, 1150);
        Assert.InRange(ones[1], 850, 1150);
    }

    [Fact]
    public void DuplicateOrZeroIndicesAreRefused()
    {
        byte[] secret = new byte[32];
        Assert.Throws<ArgumentException>(() => ShamirSecretSharing.Split(secret, 2, [1, 1, 2]));
        Assert.Throws<ArgumentException>(() => ShamirSecretSharing.Split(secret, 2, [0, 1, 2]));
        ShamirShare[] shares = ShamirSecretSharing.Split(secret, 2, [1, 2, 3]);
        Assert.Throws<ArgumentException>(() => ShamirSecretSharing.Reconstruct([shares[0], shares[0]], 2, new byte[32]));
    }

    [Fact]
    public void CorruptedShareIsDetectedOrRefusedWhenParsed()
    {
        byte[] secret = RandomNumberGenerator.GetBytes(32);
        ShamirShare[] shares = ShamirSecretSharing.Split(secret, 3, [1, 2, 3, 4]);
        byte[] raw = new byte[shares[1].SerializedLength];
        shares[1].WriteTo(raw);
        // Flip a bit in the element of the 2-byte last chunk: its interpolated value leaves [0, 2^16), which the
        // range check catches. (A small error in a 15-byte chunk can stay in range: callers that need certainty
        // verify the reconstructed secret against a commitment, as the masking protocol does.)
        raw[32 + 3] ^= 0x40;
        ShamirShare bad = ShamirShare.TryRead(2, raw, shares[1].Elements)!;
        byte[] got = new byte[32];
        Assert.Throws<ArgumentException>(() => ShamirSecretSharing.Reconstruct([shares[0], bad, shares[2]], 3, got));

        byte[] unreduced = Enumerable.Repeat((byte)0xFF, raw.Length).ToArray();
        Assert.Null(ShamirShare.TryRead(2, unreduced, shares[1].Elements));
        Assert.Null(ShamirShare.TryRead(2, raw[..^1], shares[1].Elements));
        Assert.Null(ShamirShare.TryRead(0, raw, shares[1].Elements));
    }

    [Fact]
    public void PrecomputedLagrangeCoefficientsReconstructManySecrets()
    {
        int[] points = [2, 5, 9, 11];
        LagrangeCoefficients l = ShamirSecretSharing.LagrangeAtZero(points[..3]);
        for (int k = 0; k < 5; k++)
        {
            byte[] secret = RandomNumberGenerator.GetBytes(32);
            ShamirShare[] shares = ShamirSecretSharing.Split(secret, 3, points);
            byte[] got = new byte[32];
            ShamirSecretSharing.Reconstruct(shares, l, got);
            Assert.Equal(secret, got);
        }
    }

    [Fact]
    public void FieldMultiplicationAgreesWithBigInteger()
    {
        var p = System.Numerics.BigInteger.Pow(2, 127) - 1;
        Gen.Select(Gen.UInt128, Gen.UInt128).Sample((a, b) =>
        {
            UInt128 ar = a % Field127.P, br = b % Field127.P;
            var expected = (System.Numerics.BigInteger)ar * br % p;
            Assert.Equal(expected, (System.Numerics.BigInteger)Field127.Mul(ar, br));
            Assert.Equal(System.Numerics.BigInteger.One, (System.Numerics.BigInteger)Field127.Mul(ar == 0 ? 1 : ar, Field127.Inverse(ar == 0 ? 1 : ar)));
        }, iter: 500);
    }
}
