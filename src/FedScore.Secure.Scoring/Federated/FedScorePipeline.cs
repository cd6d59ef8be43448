using FedScore.Secure.Federation;
using FedScore.Secure.Scoring.Binning;
using FedScore.Secure.Scoring.Data;
using FedScore.Secure.Scoring.Evaluation;
using FedScore.Secure.Scoring.Modeling;

namespace FedScore.Secure.Scoring.Federated;

public enum FederatedRankingMethod
{
    /// <summary>Random forest Gini importance at each site (AutoScore method "rf").</summary>
    RandomForest,

    /// <summary>Univariable AUC on each site's validation part (AutoScore method "auc").</summary>
    Auc,
}

public enum CutPointMethod
{
    /// <summary>Type-7 quantiles of the POOLED data from secure counts (bisection): equals AutoScore on pooled data.</summary>
    PooledExact,

    /// <summary>FedScore: (weighted) mean of the sites' own cut vectors.</summary>
    FedScoreCompatible,
}

public enum CutRounding
{
    /// <summary>The mean as is (binning applies signif 3).</summary>
    None,

    /// <summary>floor of the mean (FedScore-R binary <c>get_uni_cut</c>).</summary>
    Floor,

    /// <summary>round half-even (FedScore-R survival).</summary>
    Round,
}

/// <summary>Options of the federated AutoScore pipeline.</summary>
public sealed record FedScoreOptions
{
    public FederatedRankingMethod Ranking { get; init; } = FederatedRankingMethod.RandomForest;

    public int Trees { get; init; } = 100;

    public int Seed { get; init; } = 4;

    /// <summary>Candidate variables in order (skips ranking when set).</summary>
    public IReadOnlyList<string>? Variables { get; init; }

    /// <summary>Parsimony curve from 1 to this many variables (AutoScore n_max, default 20).</summary>
    public int MaxVariables { get; init; } = 20;

    /// <summary>Number of variables of the final score (AutoScore: the user's choice); null = best validation AUC (fewest on ties).</summary>
    public int? FinalVariableCount { get; init; }

    public bool RunParsimony { get; init; } = true;

    public CutPointMethod CutPoints { get; init; } = CutPointMethod.PooledExact;

    public IReadOnlyList<double> Quantiles { get; init; } = CutPointCalculator.DefaultProbabilities;

    /// <summary>FedScore-compatible cuts: weight each site by its n (true) or equally (false, FedScore-R binary).</summary>
    public bool WeightCutsBySampleSize { get; init; } = true;

    public CutRounding CompatibleCutRounding { get; init; } = CutRounding.None;

    /// <summary>Fine-tuning: user cut vectors replacing the derived ones, by variable name.</summary>
    public IReadOnlyDictionary<string, double[]>? FixedCuts { get; init; }

    public FederatedFitMethod Fit { get; init; } = FederatedFitMethod.PooledNewton;

    public int MaxScore { get; init; } = 100;

    /// <summary>Ask each site for its own test AUC (released by the site about itself, with its n).</summary>
    public bool PerSiteMetrics { get; init; } = true;
}

public sealed record RankedMean(string Variable, double MeanRank);

public sealed record ParsimonyPoint(int VariableCount, double? Auc, string? Refusal);

public sealed record SiteMetric(string Site, double Auc, double Lower, double Upper, long N);

/// <summary>Pooled test-set evaluation from secure score-count tables (null parts refused by disclosure control).</summary>
public sealed record FederatedEvaluation(AucResult? Auc, BinaryMetrics? Youden, ConversionTable? Conversion, IReadOnlyList<SiteMetric> PerSite, string? Refusal)
{
    /// <summary>The released pooled test score-count table (for the ROC plot: <see cref="RocAnalysis.Curve"/>); null when refused.</summary>
    public ScoreCounts? Counts { get; init; }
}

public sealed record FedScoreResult(
    IReadOnlyList<RankedMean> Ranking,
    IReadOnlyList<string> Variables,
    IReadOnlyDictionary<string, CutVector> CutPoints,
    ScoringTable ScoreTable,
    LogisticFit FinalFit,
    IReadOnlyList<ParsimonyPoint> Parsimony,
    FederatedEvaluation Evaluation,
    IReadOnlyDictionary<string, double> ImputationMedians,
    IReadOnlyDictionary<string, string> ImputationModes,
    IReadOnlyList<string> Warnings)
{
    /// <summary>Final-model coefficients by name ("(Intercept)", "Age[49,76)", …), after change of reference.</summary>
    public IReadOnlyDictionary<string, double> Coefficients =>
        FinalFit.ColumnNames.Select((n, i) => (n, i)).ToDictionary(t => t.n, t => FinalFit.Coefficients[t.i], StringComparer.Ordinal);
}

/// <summary>
/// FedScore (binary outcome) as a coordinator that sees only secure aggregates: it holds an
/// <see cref="ISecureFederation"/> and never any site data. Modules:
/// 1. ranking — each site ranks on its own training data (RF or AUC, after imputation with the POOLED medians/modes
///    from secure counts); the coordinator gets Σ n_i·rank_i and Σ n_i and sorts by the weighted mean rank;
/// 2. cut points — pooled-exact type-7 quantiles by bisection on secure counts (<see cref="CutPointCalculator"/>), or
///    FedScore-compatible weighted means of the sites' own cut vectors;
/// 3. score derivation — AutoScore's two-step logistic regression with change of reference and points scaled to 100,
///    fitted by pooled Newton (exact), FedAvg or ODAL2;
/// 4. parsimony — validation AUC for 1..MaxVariables variables from secure score-count tables;
/// 5. evaluation — pooled test AUC with DeLong CI, Youden threshold and metrics, score→risk table from the same counts;
///    per-site AUCs released by the sites themselves.
/// With <see cref="CutPointMethod.PooledExact"/> and <see cref="FederatedFitMethod.PooledNewton"/> every step equals
/// AutoScore on the pooled data (same library code, pooled statistics).
/// </summary>
public sealed class FedScorePipeline
{
    private readonly SecurePooledStatistics _stats;
    private readonly FedScoreOptions _options;
    private readonly List<string> _warnings = [];

    public FedScorePipeline(ISecureFederation federation, FedScoreOptions? options = null, DisclosurePolicy? policy = null, FederatedOptions? federatedOptions = null)
    {
        _stats = new SecurePooledStatistics(federation, policy, federatedOptions);
        _options = options ?? new FedScoreOptions();
    }

    public SecurePooledStatistics Statistics => _stats;

    public FedScoreResult Run()
    {
        var schema = _stats.Schema;
        var all = _options.Variables?.ToList() ?? schema.Select(p => p.Name).ToList();
        foreach (var v in all)
        {
            if (schema.All(p => p.Name != v))
            {
                throw new KeyNotFoundException($"variable '{v}' is not in the sites' common schema.");
            }
        }

        _stats.RowAndEventCounts(DataPart.Train);
        var imputer = MissingValueImputer.Fit(_stats, DataPart.Train);
        var ranking = _options.Variables is null ? Rank(all, imputer) : [.. all.Select((v, i) => new RankedMean(v, i + 1))];
        var ordered = ranking.Select(r => r.Variable).ToList();
        var maxVars = Math.Clamp(_options.MaxVariables, 1, ordered.Count);
        var candidates = ordered.Take(Math.Max(maxVars, _options.FinalVariableCount ?? 0)).ToList();
        var cuts = CutPoints(candidates);

        var parsimony = new List<ParsimonyPoint>();
        if (_options.RunParsimony)
        {
            _stats.RowAndEventCounts(DataPart.Validation);
            for (var i = 1; i <= maxVars; i++)
            {
                var table = Derive(candidates.Take(i).ToList(), cuts).Table;
                parsimony.Add(TryAuc(DataPart.Validation, table, i));
            }
        }

        var count = _options.FinalVariableCount
            ?? (parsimony.Any(p => p.Auc is not null)
                ? parsimony.Where(p => p.Auc is not null).OrderByDescending(p => p.Auc).ThenBy(p => p.VariableCount).First().VariableCount
                : maxVars);
        var final = candidates.Take(Math.Clamp(count, 1, candidates.Count)).ToList();
        var derived = Derive(final, cuts);
        var evaluation = Evaluate(derived.Table);
        var finalCuts = final.Where(cuts.ContainsKey).ToDictionary(v => v, v => cuts[v], StringComparer.Ordinal);
        return new FedScoreResult(ranking, final, finalCuts, derived.Table, derived.SecondFit, parsimony, evaluation,
            imputer.Medians, imputer.Modes, [.. _warnings, .. derived.Warnings]);
    }

    /// <summary>Module 1: Σ n_i·rank_i / Σ n_i over sites; ascending, ties in schema order.</summary>
    public IReadOnlyList<RankedMean> Rank(IReadOnlyList<string> variables, MissingValueImputer imputer)
    {
        var request = new RankRequest([.. variables], _options.Ranking == FederatedRankingMethod.Auc ? "auc" : "rf", _options.Trees, _options.Seed)
        {
            Medians = imputer.Medians.ToDictionary(),
            Modes = imputer.Modes.ToDictionary(),
        };
        var sum = _stats.SumReals(RequestKinds.Rank, request, variables.Count + 1, variables.Count, _stats.Options.MaxRowsPerSite);
        var n = sum[^1];
        return [.. variables.Select((v, i) => new RankedMean(v, sum[i] / n)).Select((r, i) => (r, i)).OrderBy(t => t.r.MeanRank).ThenBy(t => t.i).Select(t => t.r)];
    }

    /// <summary>Module 2 for the numeric variables among <paramref name="variables"/> (categoricals keep their levels).</summary>
    public Dictionary<string, CutVector> CutPoints(IReadOnlyList<string> variables)
    {
        var numeric = variables.Where(v => _stats.Schema.First(p => p.Name == v).Kind == PredictorKind.Numeric).ToList();
        var cuts = _options.CutPoints == CutPointMethod.PooledExact
            ? CutPointCalculator.CutVectors(_stats, DataPart.Train, numeric, _options.Quantiles)
            : CompatibleCuts(numeric);
        if (_options.FixedCuts is not null)
        {
            foreach (var (v, c) in _options.FixedCuts)
            {
                cuts[v] = CutVector.Numeric(v, c);
            }
        }

        return cuts;
    }

    private Dictionary<string, CutVector> CompatibleCuts(IReadOnlyList<string> numeric)
    {
        var result = new Dictionary<string, CutVector>(StringComparer.Ordinal);
        if (numeric.Count == 0)
        {
            return result;
        }

        var m = _options.Quantiles.Count - 2;
        var weight = _options.WeightCutsBySampleSize ? _stats.Options.MaxRowsPerSite : 1;
        var sum = _stats.SumReals(RequestKinds.SiteCuts, new SiteCutsRequest([.. numeric], [.. _options.Quantiles], _options.WeightCutsBySampleSize),
            numeric.Count * (m + 1) + 1, Math.Max(1, _stats.Options.MaxAbsPredictor), weight);
        var total = sum[^1];
        for (var k = 0; k < numeric.Count; k++)
        {
            var offset = k * (m + 1);
            if (sum[offset] > 0.5 / Math.Max(total, 1))
            {
                result[numeric[k]] = CutVector.LetBinary(numeric[k]);
                continue;
            }

            var c = new double[m];
            for (var i = 0; i < m; i++)
            {
                var mean = sum[offset + 1 + i] / total;
                c[i] = _options.CompatibleCutRounding switch
                {
                    CutRounding.Floor => Math.Floor(mean + 1e-9),
                    CutRounding.Round => Math.Round(mean, MidpointRounding.ToEven),
                    _ => mean,
                };
            }

            result[numeric[k]] = CutVector.Numeric(numeric[k], c);
        }

        return result;
    }

    /// <summary>Module 3 on the training part: pooled Newton = the library's AutoScore derivation on pooled statistics.</summary>
    public ScoreDerivationResult Derive(IReadOnlyList<string> variables, IReadOnlyDictionary<string, CutVector> cuts)
    {
        var binnings = CutPointCalculator.Binnings(_stats, DataPart.Train, variables, cuts);
        return _options.Fit == FederatedFitMethod.PooledNewton
            ? ScoreDerivation.Derive(_stats, DataPart.Train, binnings, _options.MaxScore)
            : TwoStepScoreDerivation.Derive(_stats, DataPart.Train, binnings, _options.Fit, _options.MaxScore);
    }

    private ParsimonyPoint TryAuc(DataPart part, ScoringTable table, int count)
    {
        try
        {
            return new ParsimonyPoint(count, RocAnalysis.Auc(_stats.ScoreCounts(part, table)).Auc, null);
        }
        catch (DisclosureRefusedException e)
        {
            _warnings.Add($"parsimony with {count} variable(s): {e.Message}");
            return new ParsimonyPoint(count, null, e.Message);
        }
    }

    /// <summary>Module 5 on the test part.</summary>
    public FederatedEvaluation Evaluate(ScoringTable table)
    {
        var perSite = new List<SiteMetric>();
        if (_options.PerSiteMetrics)
        {
            var request = FederatedJson.Request(RequestKinds.EvaluateLocally, new ScoreCountsRequest(DataPart.Test, ScoringTableSpec.From(table), table.MaxTotal));
            var replies = SecurePooledStatistics.Wait(_stats.Federation.BroadcastAsync(request));
            foreach (var (site, json) in replies.OrderBy(r => r.Key))
            {
                var e = FederatedJson.Parse<SiteEvaluation>(json, $"evaluation of {site}");
                perSite.Add(new SiteMetric(site.Value, e.Auc, e.Lower, e.Upper, e.N));
            }
        }

        try
        {
            _stats.RowAndEventCounts(DataPart.Test);
            var counts = _stats.ScoreCounts(DataPart.Test, table);
            return new FederatedEvaluation(RocAnalysis.Auc(counts), RocAnalysis.Youden(counts), ConversionTable.Create(counts), perSite, null) { Counts = counts };
        }
        catch (DisclosureRefusedException e)
        {
            _warnings.Add("evaluation: " + e.Message);
            return new FederatedEvaluation(null, null, null, perSite, e.Message);
        }
    }
}
