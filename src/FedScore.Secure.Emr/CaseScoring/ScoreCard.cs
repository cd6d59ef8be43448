using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using FedScore.Secure.Emr.Model;

namespace FedScore.Secure.Emr.CaseScoring;

/// <summary>How a bin decides whether a value falls in it.</summary>
public enum BinKind
{
    /// <summary>Lower ≤ value &lt; Upper; a null bound is unbounded.</summary>
    Range,

    /// <summary>value == Value (AutoScore's "let_binary" mode level).</summary>
    Equals,

    /// <summary>Any non-missing value not taken by an earlier bin ("not_mode").</summary>
    Otherwise,

    /// <summary>The value is missing ("*Unknown").</summary>
    Missing,
}

/// <summary>One bin of a variable and its points. Bins are tried in order; the first match wins.</summary>
public sealed record ScoreBin(string Label, int Points, BinKind Kind, double? Lower = null, double? Upper = null, double? Value = null)
{
    public bool Matches(double v) => Kind switch
    {
        BinKind.Missing => double.IsNaN(v),
        _ when double.IsNaN(v) => false,
        BinKind.Range => (Lower is not { } lo || v >= lo) && (Upper is not { } hi || v < hi),
        BinKind.Equals => v == Value,
        _ => true,
    };
}

/// <summary>The bins and points of one common-data-model variable.</summary>
public sealed record ScoreCardVariable(string Variable, IReadOnlyList<ScoreBin> Bins);

/// <summary>A row of the total-to-risk table: totals ≥ <paramref name="MinTotal"/> (up to the next row) have this risk.</summary>
public sealed record RiskPoint(int MinTotal, double Risk);

/// <summary>
/// The final score as a site stores and uses it: per variable an ordered list of (bin label, points), and a table from
/// total score to estimated risk (AutoScore's conversion table). A serialisable, self-contained form, independent of
/// the training code, so a stored score keeps working when the training code changes.
/// </summary>
public sealed record ScoreCard(IReadOnlyList<ScoreCardVariable> Variables, IReadOnlyList<RiskPoint> RiskTable)
{
    private static readonly JsonSerializerOptions s_json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public int MaxTotal => Variables.Sum(v => v.Bins.Count == 0 ? 0 : v.Bins.Max(b => b.Points));

    /// <summary>Throws <see cref="ArgumentException"/> naming the first problem: unknown variable, empty bins, bad risk table.</summary>
    public ScoreCard Validate()
    {
        if (Variables is null || Variables.Count == 0)
        {
            throw new ArgumentException("A score card needs at least one variable.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var v in Variables)
        {
            if (v?.Variable is null || CommonDataModel.IndexOf(v.Variable) < 0)
            {
                throw new ArgumentException($"Score card variable '{v?.Variable}' is not in the common data model.");
            }

            if (!seen.Add(v.Variable))
            {
                throw new ArgumentException($"Score card variable '{v.Variable}' appears twice.");
            }

            if (v.Bins is null || v.Bins.Count == 0 || v.Bins.Any(b => b is null || string.IsNullOrEmpty(b.Label)))
            {
                throw new ArgumentException($"Score card variable '{v.Variable}' needs labelled bins.");
            }

            foreach (var b in v.Bins)
            {
                if (b.Kind == BinKind.Equals && b.Value is not { } x)
                {
                    throw new ArgumentException($"Bin '{b.Label}' of '{v.Variable}' compares with no value.");
                }

                if (b.Lower is { } lo && b.Upper is { } hi && !(lo < hi))
                {
                    throw new ArgumentException($"Bin '{b.Label}' of '{v.Variable}' is empty (lower ≥ upper).");
                }
            }
        }

        if (RiskTable is null || RiskTable.Count == 0)
        {
            throw new ArgumentException("A score card needs a total-to-risk table.");
        }

        for (var i = 0; i < RiskTable.Count; i++)
        {
            if (RiskTable[i] is not { } p || !(p.Risk >= 0 && p.Risk <= 1))
            {
                throw new ArgumentException("Risks must lie in [0, 1].");
            }

            if (i > 0 && RiskTable[i].MinTotal <= RiskTable[i - 1].MinTotal)
            {
                throw new ArgumentException("The risk table must be sorted by strictly increasing total.");
            }
        }

        return this;
    }

    /// <summary>Risk of a total: the row with the largest MinTotal ≤ total (the first row for totals below it).</summary>
    public double RiskOf(int total)
    {
        var risk = RiskTable[0].Risk;
        foreach (var p in RiskTable)
        {
            if (p.MinTotal > total)
            {
                break;
            }

            risk = p.Risk;
        }

        return risk;
    }

    /// <summary>
    /// A risk table from a logistic model of the outcome on the total score, risk = 1/(1+exp(-(a+b·total))), one row per
    /// total 0..maxTotal (AutoScore's conversion_table fits this glm on the validation set).
    /// </summary>
    public static IReadOnlyList<RiskPoint> LogisticRiskTable(double intercept, double slope, int maxTotal) =>
        [.. Enumerable.Range(0, maxTotal + 1).Select(t => new RiskPoint(t, 1 / (1 + Math.Exp(-(intercept + slope * t)))))];

    public string ToJson() => JsonSerializer.Serialize(this, s_json);

    public static ScoreCard FromJson(string json)
    {
        ScoreCard? card;
        try
        {
            card = JsonSerializer.Deserialize<ScoreCard>(json, s_json);
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"The score card JSON is invalid: {e.Message}", e);
        }

        return (card ?? throw new ArgumentException("The score card JSON is empty.")).Validate();
    }

    /// <summary>Lower-case hex SHA-256 of the canonical JSON, to identify a score table in provenance records.</summary>
    public string Sha256() => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ToJson())));
}

/// <summary>Where a score table came from.</summary>
/// <param name="Scheme">Aggregation scheme of the training (e.g. "plain", "secagg+", "ckks").</param>
/// <param name="Round">Federated round or run identifier, if any.</param>
/// <param name="Session">Session identifier, if any.</param>
/// <param name="Sites">Participating sites, if known.</param>
public sealed record ScoreProvenance(string Scheme, string? Round = null, string? Session = null, IReadOnlyList<string>? Sites = null, string? Note = null);

/// <summary>A score table as stored at the site: a version number assigned by the store (1, 2, …), date and provenance.</summary>
public sealed record StoredScoreCard(int Version, DateTimeOffset CreatedAt, ScoreProvenance Provenance, ScoreCard Card, string Sha256);
