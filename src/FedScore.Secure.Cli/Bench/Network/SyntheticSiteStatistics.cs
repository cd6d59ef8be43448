using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FedScore.Secure.Federation;

namespace FedScore.Secure.Cli.Bench.Network;

/// <summary>
/// What the coordinator asks of a benchmark site: a synthetic vector of <see cref="Length"/> values uniform in
/// [−MaxAbs, MaxAbs], drawn from a statistics RNG seeded by <see cref="Seed"/> and the site's id (never used for
/// cryptography). Public, like every statistic request; the server regenerates the same vectors to check the sum.
/// </summary>
public sealed record SyntheticVectorRequest(int Seed, int Length, double MaxAbs)
{
    public const string Kind = "bench.synthetic-vector";

    public StatisticRequest ToRequest() => new(Kind, JsonSerializer.Serialize(this, CliJson.Options));

    /// <summary>The vector site <paramref name="site"/> contributes.</summary>
    public double[] VectorOf(ParticipantId site)
    {
        // A stable per-site seed (string.GetHashCode is randomized per process, and sites may run in other processes).
        int siteSeed = BitConverter.ToInt32(SHA256.HashData(Encoding.UTF8.GetBytes(site.Value)), 0);
        var random = new Random(unchecked(Seed * 1_000_003 ^ siteSeed));
        var values = new double[Length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (random.NextDouble() * 2 - 1) * MaxAbs;
        }

        return values;
    }

    /// <summary>Largest |result − Σ of the contributors' vectors|, regenerating one vector at a time.</summary>
    public double MaxAbsError(ReadOnlySpan<double> result, IEnumerable<ParticipantId> contributors)
    {
        var expected = new double[Length];
        foreach (ParticipantId site in contributors)
        {
            double[] v = VectorOf(site);
            for (int i = 0; i < expected.Length; i++)
            {
                expected[i] += v[i];
            }
        }

        double max = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            max = Math.Max(max, Math.Abs(result[i] - expected[i]));
        }

        return max;
    }
}

/// <summary>A benchmark site's "data": it answers only <see cref="SyntheticVectorRequest"/>s.</summary>
public sealed class SyntheticSiteStatistics(ParticipantId site) : ISiteStatistics
{
    /// <summary>Bounds on what a (public) request may ask, so a hostile coordinator cannot make the site allocate without limit.</summary>
    public const int MaxLength = 1 << 24;

    public SiteContribution Compute(StatisticRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Kind != SyntheticVectorRequest.Kind)
        {
            throw new ArgumentException($"benchmark site {site} answers only '{SyntheticVectorRequest.Kind}', not '{request.Kind}'");
        }

        SyntheticVectorRequest? spec;
        try
        {
            spec = JsonSerializer.Deserialize<SyntheticVectorRequest>(request.Payload, CliJson.Options);
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"benchmark request is not valid JSON: {e.Message}", e);
        }

        if (spec is null || spec.Length < 1 || spec.Length > MaxLength || !(spec.MaxAbs > 0) || double.IsInfinity(spec.MaxAbs))
        {
            throw new ArgumentException($"benchmark request out of range (length in [1, {MaxLength}], maxAbs finite and positive)");
        }

        return new SiteContribution(spec.VectorOf(site));
    }

    public string HandleBroadcast(StatisticRequest request) => "{}";
}
