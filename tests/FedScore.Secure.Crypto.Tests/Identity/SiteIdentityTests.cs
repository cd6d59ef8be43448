using System.Text;
using FedScore.Secure.Crypto.Identity;

namespace FedScore.Secure.Crypto.Tests.Identity;

public sealed class SiteSigningKeyTests
{
    // RFC 8032 §7.1, TEST 1 (empty message) and TEST 2 (one byte 0x72).
    [Theory]
    [InlineData(
        "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
        "",
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b")]
    [InlineData(
        "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
        "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
        "72",
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00")]
    public void Rfc8032Section71VectorsAreReproduced(string secret, string publicKey, string message, string signature)
    {
        using SiteSigningKey key = SiteSigningKey.FromSeed("site-1", Convert.FromHexString(secret));
        Assert.Equal(publicKey, Convert.ToHexStringLower(key.VerificationKey.Bytes));
        byte[] sig = key.SignRaw(Convert.FromHexString(message));
        Assert.Equal(signature, Convert.ToHexStringLower(sig));
        Assert.True(key.VerificationKey.VerifyRaw(Convert.FromHexString(message), sig));
    }

    [Fact]
    public void SignatureVerifiesUnderItsContextOnly()
    {
        using SiteSigningKey key = SiteSigningKey.Generate("site-1");
        byte[] message = Encoding.UTF8.GetBytes("hello");
        byte[] sig = key.Sign("fedscore/hello", message);
        Assert.True(key.VerificationKey.Verify("fedscore/hello", message, sig));
        Assert.False(key.VerificationKey.Verify("fedscore/reply", message, sig));
        // The framing is not the raw message: a pure signature of the message does not pass as a contextual one.
        Assert.False(key.VerificationKey.Verify("fedscore/hello", message, key.SignRaw(message)));
    }

    [Fact]
    public void TamperedSignatureOrMessageIsRefused()
    {
        using SiteSigningKey key = SiteSigningKey.Generate("site-1");
        byte[] message = Encoding.UTF8.GetBytes("payload");
        byte[] sig = key.Sign("ctx", message);
        for (int i = 0; i < sig.Length; i += 7)
        {
            byte[] bad = (byte[])sig.Clone();
            bad[i] ^= 0x01;
            Assert.False(key.VerificationKey.Verify("ctx", message, bad));
        }

        byte[] otherMessage = Encoding.UTF8.GetBytes("payloaD");
        Assert.False(key.VerificationKey.Verify("ctx", otherMessage, sig));
        Assert.False(key.VerificationKey.Verify("ctx", message, sig.AsSpan(0, 63)));
        using SiteSigningKey other = SiteSigningKey.Generate("site-2");
        Assert.False(other.VerificationKey.Verify("ctx", message, sig));
    }

    [Fact]
    public void ToStringShowsNoSecret()
    {
        byte[] seed = Convert.FromHexString("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
        using SiteSigningKey key = SiteSigningKey.FromSeed("site-1", seed);
        string text = key.ToString();
        Assert.Contains("site-1", text);
        Assert.DoesNotContain("9d61b1", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Convert.ToBase64String(seed)[..8], text);
    }

    [Fact]
    public void DisposedKeyRefusesToSign()
    {
        SiteSigningKey key = SiteSigningKey.Generate("site-1");
        key.Dispose();
        Assert.Throws<ObjectDisposedException>(() => key.Sign("ctx", [1, 2, 3]));
    }

    [Fact]
    public void KeyFileRoundTripsAndRefusesOverwriteAndTampering()
    {
        string dir = Directory.CreateTempSubdirectory("fedscore-key-").FullName;
        try
        {
            string path = Path.Combine(dir, "site-1.key");
            using SiteSigningKey key = SiteSigningKey.Generate("site-1");
            key.WriteKeyFile(path);
            Assert.Throws<IOException>(() => key.WriteKeyFile(path));
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            }

            using SiteSigningKey loaded = SiteSigningKey.LoadKeyFile(path);
            Assert.Equal(key.Site, loaded.Site);
            Assert.Equal(key.VerificationKey, loaded.VerificationKey);
            byte[] sig = loaded.Sign("ctx", [9]);
            Assert.True(key.VerificationKey.Verify("ctx", [9], sig));

            string edited = Path.Combine(dir, "edited.key");
            using (SiteSigningKey other = SiteSigningKey.Generate("site-1"))
            {
                string text = File.ReadAllText(path).Replace(key.VerificationKey.ToBase64(), other.VerificationKey.ToBase64());
                File.WriteAllText(edited, text);
            }

            var e = Assert.Throws<InvalidKeyFileException>(() => SiteSigningKey.LoadKeyFile(edited));
            Assert.Contains("edited.key", e.Message);
            Assert.Contains("publicKey", e.Message);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}

public sealed class SiteRosterTests
{
    private static string Key(string site)
    {
        using SiteSigningKey k = SiteSigningKey.Generate(site);
        return k.VerificationKey.ToBase64();
    }

    [Fact]
    public void WellFormedRosterLoadsAndRoundTrips()
    {
        string json = $$"""{"sessionName": "s1", "sites": [{"id": "b-site", "publicKey": "{{Key("b")}}"}, {"id": "a-site", "publicKey": "{{Key("a")}}"}]}""";
        SiteRoster roster = SiteRoster.Parse(json, "inline");
        Assert.Equal("s1", roster.SessionName);
        Assert.Equal(["a-site", "b-site"], roster.Sites.Select(s => s.Value));
        SiteRoster again = SiteRoster.Parse(roster.ToJson(), "again");
        Assert.Equal(roster["a-site"], again["a-site"]);
        Assert.Equal(roster["b-site"], again["b-site"]);
    }

    [Theory]
    [InlineData("[]", "JSON object")]
    [InlineData("{\"sites\": 3}", "no \"sites\" array")]
    [InlineData("{\"sites\": []}", "lists no sites")]
    [InlineData("{\"sites\": [{\"publicKey\": \"AAAA\"}]}", "sites[0] has no string \"id\"")]
    [InlineData("{\"sites\": [{\"id\": \"bad id!\", \"publicKey\": \"AAAA\"}]}", "sites[0]: id 'bad id!' is invalid")]
    [InlineData("{\"sites\": [{\"id\": \"s1\"}]}", "sites[0] ('s1') has no string \"publicKey\"")]
    [InlineData("{\"sites\": [{\"id\": \"s1\", \"publicKey\": \"not base64!\"}]}", "sites[0] ('s1'): publicKey is unusable")]
    [InlineData("{\"sites\": [{\"id\": \"s1\", \"publicKey\": \"AAAA\"}]}", "32 bytes")]
    [InlineData("{\"sites\": [", "not valid JSON")]
    [InlineData("{\"sessionName\": 5, \"sites\": []}", "sessionName")]
    public void MalformedRosterIsRefusedWithAClearMessage(string json, string expected)
    {
        var e = Assert.Throws<InvalidRosterException>(() => SiteRoster.Parse(json, "roster.json"));
        Assert.Contains("roster.json", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void PublicKeyThatIsNotACurvePointIsRefused()
    {
        // y = 2 is not the y-coordinate of a point of edwards25519 (x² has no square root), RFC 8032 §5.1.3 step 3.
        byte[] bad = new byte[32];
        bad[0] = 2;
        string json = $$"""{"sites": [{"id": "s1", "publicKey": "{{Convert.ToBase64String(bad)}}"}]}""";
        var e = Assert.Throws<InvalidRosterException>(() => SiteRoster.Parse(json, "roster.json"));
        Assert.Contains("('s1')", e.Message);
    }

    [Fact]
    public void DuplicateSitesOrSharedKeysAreRefused()
    {
        string k = Key("x");
        string dupId = $$"""{"sites": [{"id": "s1", "publicKey": "{{k}}"}, {"id": "s1", "publicKey": "{{Key("y")}}"}]}""";
        Assert.Contains("listed twice", Assert.Throws<InvalidRosterException>(() => SiteRoster.Parse(dupId, "r")).Message);
        string dupKey = $$"""{"sites": [{"id": "s1", "publicKey": "{{k}}"}, {"id": "s2", "publicKey": "{{k}}"}]}""";
        Assert.Contains("same public key", Assert.Throws<InvalidRosterException>(() => SiteRoster.Parse(dupKey, "r")).Message);
    }

    [Fact]
    public void MissingFileNamesThePath()
    {
        string path = Path.Combine(Path.GetTempPath(), $"no-such-roster-{Guid.NewGuid():N}.json");
        var e = Assert.Throws<InvalidRosterException>(() => SiteRoster.Load(path));
        Assert.Contains(path, e.Message);
    }
}
