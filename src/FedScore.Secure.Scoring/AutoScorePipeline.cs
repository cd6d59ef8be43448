using FedScore.Secure.Scoring.Binning;
using FedScore.Secure.Scoring.Data;
using FedScore.Secure.Scoring.Evaluation;
using FedScore.Secure.Scoring.Modeling;
using FedScore.Secure.Scoring.Ranking;
using FedScore.Secure.Scoring.Statistics;

namespace FedScore.Secure.Scoring;

/// <summary>Settings of an AutoScore run.</summary>
public sealed record AutoScoreOptions
{
    public RandomForestOptions Forest { get; init; } = new();

    public IReadOnlyList<double> Quantiles { get; init; } = CutPointCalculator.DefaultProbabilities;

    public int MaxScore { get; init; } = 100;

    /// <summary>Parsimony range (AutoScore: 1..20, clipped to the number of variables).</summary>
    public int MinVariables { get; init; } = 1;

    public int MaxVariables { get; init; } = 20;

    public int BootstrapReplicates { get; init; } = 2000;

    public int BootstrapSeed { get; init; } = 1;

    public LogisticFitOptions Fit { get; init; } = new();
}

/// <summary>One point of the parsimony curve.</summary>
public sealed record ParsimonyPoint(int VariableCount, IReadOnlyList<string> Variables, AucResult Validation);

/// <summary>Module 6 output on a test (or validation) part.</summary>
public sealed record PerformanceReport(
    AucResult Auc,
    BinaryMetrics AtYouden,
    MetricIntervals? Bootstrap,
    IReadOnlyList<RocPoint> Roc,
    ConversionTable Conversion,
    ScoreCounts Counts);

/// <summary>Everything one local AutoScore run produces.</summary>
public sealed record AutoScoreRun(
    VariableRanking Ranking,
    IReadOnlyList<ParsimonyPoint> Parsimony,
    IReadOnlyList<string> FinalVariables,
    IReadOnlyDictionary<string, CutVector> CutVectors,
    ScoreDerivationResult Score,
    PerformanceReport Test);

/// <summary>
/// AutoScore, modules 2–6, on pooled statistics (<see cref="IPooledStatistics"/>): one site locally, or the sum over
/// sites. Module 1 (ranking) is local by nature (<see cref="VariableRanker"/>); give its result to <see cref="Parsimony"/>.
/// Typical local use:
/// <code>
/// var site = SiteStatistics.FromSplit(CsvDatasetLoader.Load("site1.csv"));
/// var ranking = VariableRanker.ByRandomForest(site.Data(DataPart.Train));
/// var pipeline = new AutoScorePipeline(site);
/// var curve = pipeline.Parsimony(ranking);               // AUC vs number of variables on validation
/// var cuts = pipeline.CutVectors(ranking.Top(4));        // module 5 (weighting)
/// cuts["Age"] = CutVector.Numeric("Age", [35, 50, 75]);   // user fine-tuning, keyed by name
/// var score = pipeline.DeriveScore(ranking.Top(4), cuts);
/// var report = pipeline.Evaluate(score.Table, DataPart.Test);
/// </code>
/// </summary>
public sealed class AutoScorePipeline
{
    private readonly IPooledStatistics _stats;
    private Dictionary<string, CutVector>? _trainCuts;

    public AutoScorePipeline(IPooledStatistics stats, AutoScoreOptions? options = null)
    {
        _stats = stats;
        Options = options ?? new AutoScoreOptions();
    }

    public AutoScoreOptions Options { get; }

    /// <summary>Module 2: cut vectors of the given variables on the training part (keyed by name).</summary>
    public Dictionary<string, CutVector> CutVectors(IEnumerable<string> variables)
    {
        _trainCuts ??= CutPointCalculator.CutVectors(_stats, DataPart.Train, _stats.Schema.Select(p => p.Name), Options.Quantiles);
        var result = new Dictionary<string, CutVector>(StringComparer.Ordinal);
        foreach (var v in variables)
        {
            if (_trainCuts.TryGetValue(v, out var c))
            {
                result[v] = c;
            }
        }

        return result;
    }

    /// <summary>Modules 2+3 (and 5 with user cut vectors): bins on train, two-step logistic regression, points.</summary>
    public ScoreDerivationResult DeriveScore(IReadOnlyList<string> variables, IReadOnlyDictionary<string, CutVector>? cutVectors = null)
    {
        cutVectors ??= CutVectors(variables);
        var binnings = CutPointCalculator.Binnings(_stats, DataPart.Train, variables, cutVectors);
        return ScoreDerivation.Derive(_stats, DataPart.Train, binnings, Options.MaxScore, Options.Fit);
    }

    /// <summary>
    /// Module 4: for i = MinVariables..min(MaxVariables, #ranked), derive the score on train from the top-i variables
    /// and compute its AUC on the validation part. (R re-derives the cut vectors for every i; a cut vector depends
    /// only on its own variable, so computing them once is the same.)
    /// </summary>
    public IReadOnlyList<ParsimonyPoint> Parsimony(VariableRanking ranking)
    {
        var max = Math.Min(Options.MaxVariables, ranking.Variables.Count);
        var points = new List<ParsimonyPoint>();
        for (var i = Options.MinVariables; i <= max; i++)
        {
            var vars = ranking.Top(i);
            var derived = DeriveScore(vars);
            var counts = _stats.ScoreCounts(DataPart.Validation, derived.Table);
            points.Add(new ParsimonyPoint(i, vars, RocAnalysis.Auc(counts)));
        }

        return points;
    }

    /// <summary>
    /// The whole local workflow on one site: rank (random forest on train) → parsimony curve on validation → score
    /// on the top <paramref name="finalVariableCount"/> variables (AutoScore's choice is manual: the caller reads the
    /// curve; null picks the smallest count within 0.01 of the best validation AUC) → optional fine-tuning with
    /// user cut vectors (keyed by name; they replace the computed ones) → test-set evaluation.
    /// </summary>
    public static AutoScoreRun RunLocal(
        SiteStatistics site,
        int? finalVariableCount = null,
        IReadOnlyDictionary<string, CutVector>? fineTunedCuts = null,
        AutoScoreOptions? options = null)
    {
        var pipeline = new AutoScorePipeline(site, options);
        var ranking = VariableRanker.ByRandomForest(site.Data(DataPart.Train), pipeline.Options.Forest);
        var curve = pipeline.Parsimony(ranking);
        var best = curve.Max(p => p.Validation.Auc);
        var count = finalVariableCount ?? curve.First(p => p.Validation.Auc >= best - 0.01).VariableCount;
        var variables = ranking.Top(count);
        var cuts = pipeline.CutVectors(variables);
        if (fineTunedCuts is not null)
        {
            foreach (var (name, cut) in fineTunedCuts)
            {
                cuts[name] = cut;
            }
        }

        var score = pipeline.DeriveScore(variables, cuts);
        var test = pipeline.Evaluate(score.Table, DataPart.Test);
        return new AutoScoreRun(ranking, curve, variables, cuts, score, test);
    }

    /// <summary>Module 6: AUC + DeLong CI, Youden threshold, metrics with bootstrap CIs, ROC, conversion table.</summary>
    public PerformanceReport Evaluate(ScoringTable table, DataPart part, bool bootstrap = true)
    {
        var counts = _stats.ScoreCounts(part, table);
        return new PerformanceReport(
            RocAnalysis.Auc(counts),
            RocAnalysis.Youden(counts),
            bootstrap ? BootstrapMetrics.Compute(counts, Options.BootstrapReplicates, Options.BootstrapSeed) : null,
            RocAnalysis.Curve(counts),
            ConversionTable.Create(counts),
            counts);
    }
}
