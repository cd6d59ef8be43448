using System.Text.Json;

namespace FedScore.Secure.Scoring.Federated;

/// <summary>One row of the score table in the JSON summary.</summary>
public sealed record ScoreTableRow(string Variable, string Bin, int Points);

/// <summary>Per-site test AUC as released by the site itself.</summary>
public sealed record SiteAucSummary(string Site, double Auc, double Lower, double Upper, long N);

/// <summary>
/// The `fedscore train --json` contract: variables, cutPoints (variable → cuts, or "let_binary"), scoreTable,
/// coefficients (final model after change of reference, "(Intercept)" included), aucPooled and aucCi ([lower, upper],
/// DeLong; null when disclosure control refused the score-count table — see refusal), aucPerSite.
/// </summary>
public sealed record TrainSummary(
    IReadOnlyList<string> Variables,
    IReadOnlyDictionary<string, object> CutPoints,
    IReadOnlyList<ScoreTableRow> ScoreTable,
    IReadOnlyDictionary<string, double> Coefficients,
    double? AucPooled,
    double[]? AucCi,
    IReadOnlyList<SiteAucSummary> AucPerSite,
    string? Refusal)
{
    /// <summary>
    /// Estimated risk of each total score 0..max from the pooled score-to-risk model (built from secure per-score
    /// counts); null when disclosure control refused those counts. Sites store it with the score table so that a
    /// current case's risk comes from the pooled data, not from one site's test rows.
    /// </summary>
    public IReadOnlyList<double>? RiskByScore { get; init; }

    public static TrainSummary From(FedScoreResult r) => new(
        r.Variables,
        r.Variables.Where(r.CutPoints.ContainsKey).ToDictionary(v => v, v => r.CutPoints[v].IsLetBinary ? (object)"let_binary" : r.CutPoints[v].Cuts.ToArray(), StringComparer.Ordinal),
        [.. r.ScoreTable.Rows().Select(x => new ScoreTableRow(x.Variable, x.Label, x.Points))],
        r.Coefficients,
        r.Evaluation.Auc?.Auc,
        r.Evaluation.Auc is { } a ? [a.Lower, a.Upper] : null,
        [.. r.Evaluation.PerSite.Select(s => new SiteAucSummary(s.Site, s.Auc, s.Lower, s.Upper, s.N))],
        r.Evaluation.Refusal)
    {
        RiskByScore = r.Evaluation.Conversion?.RiskByScore,
    };

    public string ToJson() => JsonSerializer.Serialize(this, FederatedJson.Options);
}

/// <summary>The `fedscore glm --json` contract: coefficients and standardErrors (maps, "(Intercept)" first), iterations, deviance, n.</summary>
public sealed record GlmSummary(
    IReadOnlyDictionary<string, double> Coefficients,
    IReadOnlyDictionary<string, double> StandardErrors,
    int Iterations,
    double Deviance,
    long N)
{
    public static GlmSummary From(GlmResult r) => new(
        r.Names.ToDictionary(n => n, n => r.Coefficients[n]),
        r.Names.ToDictionary(n => n, n => r.StandardErrors[n]),
        r.Iterations,
        r.Deviance,
        r.N);

    public string ToJson() => JsonSerializer.Serialize(this, FederatedJson.Options);
}
