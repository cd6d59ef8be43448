using System.Text.Json;
using System.Text.Json.Serialization;
using FedScore.Secure.Federation;
using FedScore.Secure.Scoring.Data;

namespace FedScore.Secure.Scoring.Federated;

/// <summary>
/// The statistic kinds a FedScore coordinator asks sites for. Every kind is answered by
/// <see cref="FedScoreSiteStatistics"/>; each payload is one of the records below, serialized with
/// <see cref="FederatedJson"/>. Kinds marked "count" are integer vectors (exact sums) and pass the
/// <see cref="DisclosurePolicy"/> before the coordinator uses them.
/// </summary>
public static class RequestKinds
{
    /// <summary>count: [rows, events] of a part. Payload <see cref="PartRequest"/>.</summary>
    public const string RowsAndEvents = "fedscore.rows";

    /// <summary>count: for each (variable, threshold), #non-missing values ≤ threshold. Payload <see cref="CountAtOrBelowRequest"/>.</summary>
    public const string CountAtOrBelow = "fedscore.count-le";

    /// <summary>count: per listed level, then missing. Payload <see cref="LevelCountsRequest"/>.</summary>
    public const string LevelCounts = "fedscore.level-counts";

    /// <summary>count: per binning, per level: [rows, events]. Payload <see cref="BinCountsRequest"/>.</summary>
    public const string BinOutcomeCounts = "fedscore.bin-counts";

    /// <summary>count: controls[0..M], cases[0..M] of the total score. Payload <see cref="ScoreCountsRequest"/>.</summary>
    public const string ScoreCounts = "fedscore.score-counts";

    /// <summary>real: [n, deviance, gradient, upper(X'WX)] at β. Payload <see cref="LogisticRequest"/>.</summary>
    public const string Logistic = "fedscore.logistic";

    /// <summary>real: per predictor Σx and Σ(x−c)² (0 when no center is given) over complete cases, then n. Payload <see cref="MomentsRequest"/>.</summary>
    public const string Moments = "fedscore.moments";

    /// <summary>real, weight n: the site's ranks of the listed variables, then 1. Payload <see cref="RankRequest"/>.</summary>
    public const string Rank = "fedscore.rank";

    /// <summary>real, weight n or 1: the site's own cut vectors (FedScore-compatible). Payload <see cref="SiteCutsRequest"/>.</summary>
    public const string SiteCuts = "fedscore.site-cuts";

    /// <summary>real, weight n: the site's local MLE of a design, then 1 (FedAvg). Payload <see cref="LocalFitRequest"/>.</summary>
    public const string LocalFit = "fedscore.local-fit";

    /// <summary>broadcast: the site's predictor names, kinds and level names (public metadata). Payload "{}".</summary>
    public const string Schema = "fedscore.schema";

    /// <summary>broadcast: ODAL2 surrogate maximised on the site's own data; releases {beta}. Payload <see cref="Odal2Request"/>.</summary>
    public const string Odal2Surrogate = "fedscore.odal2";

    /// <summary>broadcast: the site evaluates a scoring table on its own part; releases {auc, lower, upper, n}. Payload <see cref="ScoreCountsRequest"/>.</summary>
    public const string EvaluateLocally = "fedscore.evaluate";
}

public sealed record PartRequest(DataPart Part);

public sealed record CountAtOrBelowRequest(DataPart Part, string[] Variables, double[] Thresholds);

public sealed record LevelCountsRequest(DataPart Part, string Variable, string[] Levels);

public sealed record BinCountsRequest(DataPart Part, BinningSpec[] Binnings);

public sealed record ScoreCountsRequest(DataPart Part, ScoringTableSpec Table, int MaxScore);

public sealed record LogisticRequest(DataPart Part, DesignSpec Design, double[] Beta);

public sealed record MomentsRequest(DataPart Part, string[] Predictors, double[]? Center);

/// <summary>Ranking method "rf" (random forest, Gini) or "auc" (univariable AUC on the validation part).</summary>
/// <summary>Missing values are first replaced by the POOLED medians/modes given here (AutoScore_impute on pooled data).</summary>
public sealed record RankRequest(string[] Variables, string Method, int Trees = 100, int Seed = 4)
{
    public Dictionary<string, double>? Medians { get; init; }

    public Dictionary<string, string>? Modes { get; init; }
}

public sealed record SiteCutsRequest(string[] Variables, double[] Probabilities, bool WeightBySampleSize);

public sealed record LocalFitRequest(DataPart Part, DesignSpec Design);

/// <summary>β̄, the pooled mean gradient ḡ = Σ∇ℓ/N and the pooled mean information Ī = ΣX'WX/N (upper triangle) at β̄.</summary>
public sealed record Odal2Request(DataPart Part, DesignSpec Design, double[] BetaBar, double[] MeanGradient, double[] MeanInformationUpper);

/// <summary>What a site releases about itself after <see cref="RequestKinds.EvaluateLocally"/>.</summary>
public sealed record SiteEvaluation(double Auc, double Lower, double Upper, long N);

/// <summary>What a site releases for <see cref="RequestKinds.Schema"/>: names, kinds, level names — never counts.</summary>
public sealed record SiteSchema(SiteSchemaEntry[] Predictors);

public sealed record SiteSchemaEntry(string Name, PredictorKind Kind, string[] Levels);

/// <summary>JSON settings shared by coordinator and sites (camelCase, enum names, ±Infinity allowed for thresholds).</summary>
public static class FederatedJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        MaxDepth = 16,
    };

    public static StatisticRequest Request<T>(string kind, T payload) =>
        new(kind, JsonSerializer.Serialize(payload, Options));

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    /// <summary>Parses a payload; malformed JSON or a null payload becomes an <see cref="ArgumentException"/> naming the kind.</summary>
    public static T Parse<T>(StatisticRequest request)
        where T : class => Parse<T>(request.Payload, request.Kind);

    public static T Parse<T>(string json, string what)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, Options) ?? throw new ArgumentException($"'{what}': empty payload.");
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"'{what}': malformed payload ({e.Message}).", e);
        }
    }
}
