namespace FedScore.Secure.Federation;

/// <summary>
/// What the coordinator asks every site to compute. It is public: the server chooses it and every site sees it.
/// <see cref="Kind"/> selects the site-side computation; <see cref="Payload"/> carries its parameters as JSON
/// (variables, cut points, current coefficients…), so the same request travels in-process and over gRPC.
/// </summary>
public sealed record StatisticRequest
{
    public const int MaxPayloadChars = 4 * 1024 * 1024;

    public StatisticRequest(string kind, string payload)
    {
        if (string.IsNullOrEmpty(kind) || kind.Length > 64)
        {
            throw new ArgumentException("statistic kind must be 1 to 64 characters", nameof(kind));
        }

        ArgumentNullException.ThrowIfNull(payload);
        if (payload.Length > MaxPayloadChars)
        {
            throw new ArgumentException($"statistic payload exceeds {MaxPayloadChars} characters", nameof(payload));
        }

        Kind = kind;
        Payload = payload;
    }

    public string Kind { get; }

    public string Payload { get; }
}

/// <summary>A site's private contribution to a secure sum: values x and weight w (the sum released is Σ w·x).</summary>
public sealed record SiteContribution(double[] Values, double Weight = 1);
