using FedScore.Secure.Crypto.Primitives;

namespace FedScore.Secure.Crypto.Tests.Primitives;

public class X25519Tests
{
    // RFC 7748 §5.2, the two single-step test vectors (scalar, input u, output u).
    public static TheoryData<string, string, string> Section52 => new()
    {
        {
            "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
            "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
            "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552"
        },
        {
            "4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
            "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
            "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957"
        },
    };

    [Theory]
    [MemberData(nameof(Section52))]
    public void ScalarMultiplicationMatchesRfc7748Section52(string scalar, string u, string expected)
    {
        using var k = X25519PrivateKey.Import(Convert.FromHexString(scalar));
        using SharedSecret? s = X25519.Agree(k, new X25519PublicKey(Convert.FromHexString(u)));
        Assert.NotNull(s);
        Assert.True(s!.Matches(Convert.FromHexString(expected)));
    }

    [Fact]
    public void DiffieHellmanMatchesRfc7748Section61()
    {
        using var alice = X25519PrivateKey.Import(Convert.FromHexString("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"));
        using var bob = X25519PrivateKey.Import(Convert.FromHexString("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"));
        Assert.Equal("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a", Convert.ToHexStringLower(alice.PublicKey.Bytes.Span));
        Assert.Equal("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f", Convert.ToHexStringLower(bob.PublicKey.Bytes.Span));
        byte[] k = Convert.FromHexString("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
        using SharedSecret ab = X25519.Agree(alice, bob.PublicKey)!;
        using SharedSecret ba = X25519.Agree(bob, alice.PublicKey)!;
        Assert.True(ab.Matches(k));
        Assert.True(ba.Matches(k));
    }

    [Fact]
    public void SmallOrderPublicKeyIsRejected()
    {
        // u = 0 and u = 1 are points of small order (RFC 7748 §6.1: the all-zero output must be checked for).
        var zero = new X25519PublicKey(new byte[32]);
        byte[] oneBytes = new byte[32];
        oneBytes[0] = 1;
        var one = new X25519PublicKey(oneBytes);
        using var k = X25519PrivateKey.Generate();
        Assert.False(X25519.IsValidPublicKey(zero));
        Assert.False(X25519.IsValidPublicKey(one));
        Assert.Null(X25519.Agree(k, zero));
        Assert.True(X25519.IsValidPublicKey(k.PublicKey));
    }

    [Fact]
    public void EveryListedSmallOrderEncodingGivesAnAllZeroSharedValueWithAndWithoutBit255()
    {
        using var k = X25519PrivateKey.Generate();
        foreach (byte[] bad in X25519.SmallOrderEncodings)
        {
            byte[] high = (byte[])bad.Clone();
            high[31] |= 0x80;
            foreach (byte[] encoding in new[] { bad, high })
            {
                var key = new X25519PublicKey(encoding);
                Assert.Null(X25519.Agree(k, key));
                Assert.False(X25519.IsValidPublicKey(key));
            }
        }
    }

    [Fact]
    public void KeyValidationAgreesWithTheLadderOnRandomAndNearbyEncodings()
    {
        // The table replaced a scalar multiplication; check both decide alike on random keys, random byte strings
        // and the neighbours of every listed encoding (off-by-one slips in the table would show here).
        using var k = X25519PrivateKey.Generate();
        var candidates = new List<byte[]>();
        for (int i = 0; i < 200; i++)
        {
            candidates.Add(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        }

        foreach (byte[] bad in X25519.SmallOrderEncodings)
        {
            foreach (int delta in new[] { -1, 1 })
            {
                byte[] near = (byte[])bad.Clone();
                near[0] = unchecked((byte)(near[0] + delta));
                candidates.Add(near);
            }
        }

        foreach (byte[] c in candidates)
        {
            var key = new X25519PublicKey(c);
            using SharedSecret? shared = X25519.Agree(k, key);
            Assert.Equal(shared is not null, X25519.IsValidPublicKey(key));
        }
    }

    [Fact]
    public void PrivateKeyToStringDoesNotPrintTheSecret()
    {
        using var k = X25519PrivateKey.Generate();
        byte[] secret = new byte[32];
        k.Export(secret);
        Assert.DoesNotContain(Convert.ToHexStringLower(secret)[..16], k.ToString());
    }
}
