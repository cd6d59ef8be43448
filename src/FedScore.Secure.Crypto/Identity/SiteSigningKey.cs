using System.Security.Cryptography;
using System.Text.Json;
using Org.BouncyCastle.Math.EC.Rfc8032;

namespace FedScore.Secure.Crypto.Identity;

/// <summary>
/// A site's long-term Ed25519 signing key (RFC 8032). The 32-byte secret seed lives only inside this object, is
/// zeroed on <see cref="Dispose"/>, never appears in <see cref="ToString"/>, and leaves the process only through
/// the explicit <see cref="WriteKeyFile"/>.
/// </summary>
public sealed class SiteSigningKey : IDisposable
{
    /// <summary>RFC 8032 §5.1.5: the Ed25519 secret key is a 32-byte seed.</summary>
    public const int SeedLength = 32;

    internal const string KeyFileFormat = "fedscore-secure/ed25519-signing-key/v1";

    private readonly byte[] _seed;
    private bool _disposed;

    private SiteSigningKey(ParticipantId site, byte[] seed)
    {
        Site = site;
        _seed = seed;
        byte[] pk = new byte[SiteVerificationKey.Length];
        Ed25519.GeneratePublicKey(_seed, 0, pk, 0);
        VerificationKey = SiteVerificationKey.FromTrustedBytes(pk);
    }

    /// <summary>The site this key identifies.</summary>
    public ParticipantId Site { get; }

    /// <summary>The public half, to be listed in the roster.</summary>
    public SiteVerificationKey VerificationKey { get; }

    /// <summary>A fresh key from the CSPRNG.</summary>
    public static SiteSigningKey Generate(ParticipantId site)
    {
        byte[] seed = new byte[SeedLength];
        RandomNumberGenerator.Fill(seed);
        return new SiteSigningKey(site, seed);
    }

    /// <summary>Rebuilds a key from its 32-byte seed (key import, known-answer tests). The caller should zero its copy.</summary>
    public static SiteSigningKey FromSeed(ParticipantId site, ReadOnlySpan<byte> seed)
    {
        if (seed.Length != SeedLength)
        {
            throw new ArgumentException($"an Ed25519 seed is {SeedLength} bytes, got {seed.Length}", nameof(seed));
        }

        return new SiteSigningKey(site, seed.ToArray());
    }

    /// <summary>Signs <paramref name="message"/> under the domain-separation <paramref name="context"/>.</summary>
    public byte[] Sign(string context, ReadOnlySpan<byte> message)
    {
        byte[] framed = SigningContext.Frame(context, message);
        return SignRaw(framed);
    }

    /// <summary>Plain RFC 8032 Ed25519 over <paramref name="message"/> as is (no context framing).</summary>
    internal byte[] SignRaw(byte[] message)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        byte[] signature = new byte[SiteVerificationKey.SignatureLength];
        byte[] pk = VerificationKey.Bytes.ToArray();
        Ed25519.Sign(_seed, 0, pk, 0, message, 0, message.Length, signature, 0);
        return signature;
    }

    /// <summary>
    /// Writes the secret key to <paramref name="path"/> (JSON: format, site id, base64 seed). On Unix the file is
    /// created readable by the owner only. Refuses to overwrite an existing file.
    /// </summary>
    public void WriteKeyFile(string path)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(path, options);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        json.WriteStartObject();
        json.WriteString("format", KeyFileFormat);
        json.WriteString("siteId", Site.Value);
        json.WriteBase64String("seed", _seed);
        json.WriteString("publicKey", VerificationKey.ToBase64());
        json.WriteEndObject();
    }

    /// <summary>Reads a key file written by <see cref="WriteKeyFile"/>; errors name the file and the field.</summary>
    public static SiteSigningKey LoadKeyFile(string path)
    {
        byte[] content;
        try
        {
            content = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidKeyFileException(path, $"cannot be read: {e.Message}", e);
        }

        byte[]? seed = null;
        try
        {
            using JsonDocument doc = JsonDocument.Parse(content);
            JsonElement root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidKeyFileException(path, "is not a JSON object");
            }

            string format = RequireString(path, root, "format");
            if (format != KeyFileFormat)
            {
                throw new InvalidKeyFileException(path, $"has format '{format}', expected '{KeyFileFormat}'");
            }

            string siteText = RequireString(path, root, "siteId");
            if (!ParticipantId.IsValid(siteText))
            {
                throw new InvalidKeyFileException(path, "siteId is not a valid site id ([A-Za-z0-9._-], 1 to 64 characters)");
            }

            if (!root.TryGetProperty("seed", out JsonElement seedElement) || !seedElement.TryGetBytesFromBase64(out seed))
            {
                throw new InvalidKeyFileException(path, "seed is missing or not base64");
            }

            if (seed.Length != SeedLength)
            {
                throw new InvalidKeyFileException(path, $"seed is {seed.Length} bytes, expected {SeedLength}");
            }

            var key = new SiteSigningKey(new ParticipantId(siteText), seed);
            seed = null; // owned by the key now
            if (root.TryGetProperty("publicKey", out JsonElement pkElement) && pkElement.ValueKind == JsonValueKind.String
                && pkElement.GetString() != key.VerificationKey.ToBase64())
            {
                key.Dispose();
                throw new InvalidKeyFileException(path, "publicKey does not match the seed (file corrupted or edited)");
            }

            return key;
        }
        catch (JsonException e)
        {
            throw new InvalidKeyFileException(path, $"is not valid JSON: {e.Message}", e);
        }
        finally
        {
            if (seed is not null)
            {
                CryptographicOperations.ZeroMemory(seed);
            }

            CryptographicOperations.ZeroMemory(content);
        }
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            CryptographicOperations.ZeroMemory(_seed);
            _disposed = true;
        }
    }

    /// <summary>Never prints the secret: only the site and the public key's fingerprint.</summary>
    public override string ToString() => $"Ed25519 signing key of {Site} (public {VerificationKey.Fingerprint})";

    private static string RequireString(string path, JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out JsonElement e) || e.ValueKind != JsonValueKind.String)
        {
            throw new InvalidKeyFileException(path, $"{name} is missing or not a string");
        }

        return e.GetString()!;
    }
}

/// <summary>A signing-key file that cannot be used; the message names the file and what is wrong.</summary>
public sealed class InvalidKeyFileException : Exception
{
    public InvalidKeyFileException(string path, string problem, Exception? inner = null)
        : base($"key file '{path}' {problem}", inner)
    {
        FilePath = path;
    }

    public string FilePath { get; }
}
