using System.Text.Json;
using System.Text.Json.Serialization;

namespace FedScore.Secure.Cli;

/// <summary>JSON as the command-line contracts promise it: camelCase names, one object, nulls for undefined numbers.</summary>
internal static class CliJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = false,
    };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);
}
