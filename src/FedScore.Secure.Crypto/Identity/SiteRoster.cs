using System.Text;
using System.Text.Json;

namespace FedScore.Secure.Crypto.Identity;

/// <summary>
/// The out-of-band list of the sites of a federation and their Ed25519 identity keys. Every party loads the same
/// file, so the coordinating server cannot invent or substitute a site: a message that does not verify against the
/// roster key of the site it claims to come from is refused.
/// File format (JSON): <c>{"sessionName": "optional", "sites": [{"id": "site-1", "publicKey": "base64"}, ...]}</c>.
/// </summary>
public sealed class SiteRoster
{
    /// <summary>Refuse roster files above this size before parsing (a roster of 10 000 sites is well under 2 MiB).</summary>
    public const int MaxFileBytes = 4 << 20;

    private readonly SortedDictionary<ParticipantId, SiteVerificationKey> _sites;

    private SiteRoster(string? sessionName, SortedDictionary<ParticipantId, SiteVerificationKey> sites)
    {
        SessionName = sessionName;
        _sites = sites;
    }

    /// <summary>Optional name of the federation/session the roster was issued for.</summary>
    public string? SessionName { get; }

    /// <summary>The sites, sorted ordinally.</summary>
    public IReadOnlyList<ParticipantId> Sites => _sites.Keys.ToArray();

    public int Count => _sites.Count;

    public bool Contains(ParticipantId site) => _sites.ContainsKey(site);

    public bool TryGetKey(ParticipantId site, out SiteVerificationKey key) => _sites.TryGetValue(site, out key!);

    public SiteVerificationKey this[ParticipantId site] =>
        _sites.TryGetValue(site, out SiteVerificationKey? key)
            ? key
            : throw new KeyNotFoundException($"site '{site}' is not in the roster");

    /// <summary>Builds a roster in memory (e.g. for a demo that generates its own keys). Duplicates are refused.</summary>
    public static SiteRoster Create(string? sessionName, IEnumerable<KeyValuePair<ParticipantId, SiteVerificationKey>> sites)
    {
        var map = new SortedDictionary<ParticipantId, SiteVerificationKey>();
        foreach ((ParticipantId id, SiteVerificationKey key) in sites)
        {
            ArgumentNullException.ThrowIfNull(key);
            if (!map.TryAdd(id, key))
            {
                throw new ArgumentException($"site '{id}' is listed twice", nameof(sites));
            }
        }

        CheckDistinctKeys(map, problem => new ArgumentException(problem, nameof(sites)));
        if (map.Count == 0)
        {
            throw new ArgumentException("a roster needs at least one site", nameof(sites));
        }

        return new SiteRoster(sessionName, map);
    }

    /// <summary>Loads and validates a roster file; every error names the file and the entry.</summary>
    public static SiteRoster Load(string path)
    {
        byte[] content;
        try
        {
            var info = new FileInfo(path);
            if (info.Exists && info.Length > MaxFileBytes)
            {
                throw new InvalidRosterException(path, $"is {info.Length} bytes, larger than the maximum {MaxFileBytes}");
            }

            content = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidRosterException(path, $"cannot be read: {e.Message}", e);
        }

        return Parse(content, path);
    }

    /// <summary>Parses roster JSON; <paramref name="source"/> names it in errors (a file path, or "inline").</summary>
    public static SiteRoster Parse(ReadOnlySpan<byte> json, string source)
    {
        if (json.Length > MaxFileBytes)
        {
            throw new InvalidRosterException(source, $"is {json.Length} bytes, larger than the maximum {MaxFileBytes}");
        }

        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, MaxDepth = 8 });
            using JsonDocument doc = JsonDocument.ParseValue(ref reader);
            return FromDocument(doc.RootElement, source);
        }
        catch (JsonException e)
        {
            throw new InvalidRosterException(source, $"is not valid JSON: {e.Message}", e);
        }
    }

    public static SiteRoster Parse(string json, string source) => Parse(Encoding.UTF8.GetBytes(json), source);

    /// <summary>The roster as JSON in the file format (public keys only, nothing secret).</summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            if (SessionName is not null)
            {
                w.WriteString("sessionName", SessionName);
            }

            w.WriteStartArray("sites");
            foreach ((ParticipantId id, SiteVerificationKey key) in _sites)
            {
                w.WriteStartObject();
                w.WriteString("id", id.Value);
                w.WriteString("publicKey", key.ToBase64());
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public void Save(string path) => File.WriteAllText(path, ToJson());

    private static SiteRoster FromDocument(JsonElement root, string source)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidRosterException(source, "must be a JSON object with a \"sites\" array");
        }

        string? sessionName = null;
        if (root.TryGetProperty("sessionName", out JsonElement nameElement) && nameElement.ValueKind != JsonValueKind.Null)
        {
            if (nameElement.ValueKind != JsonValueKind.String)
            {
                throw new InvalidRosterException(source, "\"sessionName\" must be a string");
            }

            sessionName = nameElement.GetString();
        }

        if (!root.TryGetProperty("sites", out JsonElement sites) || sites.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidRosterException(source, "has no \"sites\" array");
        }

        var map = new SortedDictionary<ParticipantId, SiteVerificationKey>();
        int index = 0;
        foreach (JsonElement entry in sites.EnumerateArray())
        {
            string where = $"sites[{index}]";
            if (entry.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidRosterException(source, $"{where} is not an object");
            }

            if (!entry.TryGetProperty("id", out JsonElement idElement) || idElement.ValueKind != JsonValueKind.String)
            {
                throw new InvalidRosterException(source, $"{where} has no string \"id\"");
            }

            string idText = idElement.GetString()!;
            if (!ParticipantId.IsValid(idText))
            {
                throw new InvalidRosterException(source, $"{where}: id '{Printable(idText)}' is invalid (1 to {ParticipantId.MaxLength} characters from [A-Za-z0-9._-])");
            }

            var id = new ParticipantId(idText);
            where = $"{where} ('{id}')";
            if (!entry.TryGetProperty("publicKey", out JsonElement keyElement) || keyElement.ValueKind != JsonValueKind.String)
            {
                throw new InvalidRosterException(source, $"{where} has no string \"publicKey\"");
            }

            SiteVerificationKey key;
            try
            {
                key = SiteVerificationKey.FromBase64(keyElement.GetString()!);
            }
            catch (ArgumentException e)
            {
                throw new InvalidRosterException(source, $"{where}: publicKey is unusable: {e.Message}", e);
            }

            if (!map.TryAdd(id, key))
            {
                throw new InvalidRosterException(source, $"{where}: site '{id}' is listed twice");
            }

            index++;
        }

        if (map.Count == 0)
        {
            throw new InvalidRosterException(source, "lists no sites");
        }

        CheckDistinctKeys(map, problem => new InvalidRosterException(source, problem));
        return new SiteRoster(sessionName, map);
    }

    /// <summary>Two sites sharing a key would let one impersonate the other: refuse.</summary>
    private static void CheckDistinctKeys(SortedDictionary<ParticipantId, SiteVerificationKey> map, Func<string, Exception> error)
    {
        var seen = new Dictionary<string, ParticipantId>(StringComparer.Ordinal);
        foreach ((ParticipantId id, SiteVerificationKey key) in map)
        {
            if (!seen.TryAdd(key.ToBase64(), id))
            {
                throw error($"sites '{seen[key.ToBase64()]}' and '{id}' have the same public key");
            }
        }
    }

    private static string Printable(string s)
    {
        string cut = s.Length > 40 ? s[..40] + "…" : s;
        return new string(cut.Select(c => char.IsControl(c) ? '?' : c).ToArray());
    }
}

/// <summary>A roster that cannot be used; the message names the source file and the entry at fault.</summary>
public sealed class InvalidRosterException : Exception
{
    public InvalidRosterException(string source, string problem, Exception? inner = null)
        : base($"roster '{source}' {problem}", inner)
    {
        RosterSource = source;
    }

    public string RosterSource { get; }
}
