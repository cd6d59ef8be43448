using System.Text.Json;
using System.Text.Json.Serialization;
using FedScore.Secure.Aggregation;

namespace FedScore.Secure.Transport.Grpc.Federation;

/// <summary>
/// Application tasks the coordinator sends to sites (inside <see cref="FrameKind.Task"/> frames), as JSON:
/// "configure" (the session: scheme, sites, threshold), "sum" (compute a statistic and hold it as the input of the
/// named aggregation round), "broadcast" (local work, returns what the site releases about itself) and "result"
/// (the final score, which the site keeps). Everything in a task is public.
/// </summary>
public sealed record FederationTask
{
    public const string Configure = "configure";
    public const string Sum = "sum";
    public const string Broadcast = "broadcast";
    public const string Result = "result";

    public required string Op { get; init; }

    public string? Scheme { get; init; }

    public string? SessionId { get; init; }

    public IReadOnlyList<string>? Sites { get; init; }

    public int? Threshold { get; init; }

    public string? RoundId { get; init; }

    public string? Kind { get; init; }

    public string? Payload { get; init; }

    public int? Length { get; init; }

    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        MaxDepth = 16,
    };

    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    /// <exception cref="MalformedMessageException">The bytes are not a task.</exception>
    public static FederationTask Parse(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return JsonSerializer.Deserialize<FederationTask>(bytes, Json) ?? throw new MalformedMessageException("federation task: empty");
        }
        catch (JsonException e)
        {
            throw new MalformedMessageException($"federation task: not valid JSON ({e.Message})", e);
        }
    }

    public SessionConfig ToSessionConfig()
    {
        if (SessionId is null || Sites is null || Threshold is null)
        {
            throw new MalformedMessageException("configure task: sessionId, sites and threshold are required");
        }

        return new SessionConfig(SessionId, Sites.Select(s => ParticipantId.IsValid(s) ? new ParticipantId(s) : throw new MalformedMessageException($"configure task: '{s}' is not a valid site id")), Threshold.Value);
    }
}

/// <summary>A site's answer to a task: ok, or the reason it refused.</summary>
public sealed record FederationTaskReply(bool Ok, string? Error = null, string? Released = null)
{
    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this, FederationTask.Json);

    public static FederationTaskReply Parse(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return JsonSerializer.Deserialize<FederationTaskReply>(bytes, FederationTask.Json) ?? new FederationTaskReply(false, "empty reply");
        }
        catch (JsonException e)
        {
            return new FederationTaskReply(false, $"reply is not valid JSON ({e.Message})");
        }
    }
}
