using FedScore.Secure.Federation;
using FedScore.Secure.FixedPoint;
using FedScore.Secure.Scoring;
using FedScore.Secure.Scoring.Binning;
using FedScore.Secure.Scoring.Data;
using FedScore.Secure.Scoring.Evaluation;
using FedScore.Secure.Scoring.Federated;
using FedScore.Secure.Scoring.Modeling;
using FedScore.Secure.Scoring.Ranking;
using FedScore.Secure.Scoring.Statistics;

namespace FedScore.Secure.Cli.Reproduction;

/// <summary>The four ways of deriving the score that experiments (a) and (c) compare.</summary>
internal static class DemoMethods
{
    public const string FedScoreR = "fedscore-r";
    public const string PooledExact = "pooled-exact";
    public const string Odal2 = "odal2-textbook";
    public const string FedAvg = "fedavg";
    public const string Centralised = "autoscore-pooled-data";

    public static readonly string[] All = [FedScoreR, PooledExact, Odal2, FedAvg];

    public static string Describe(string method) => method switch
    {
        FedScoreR => "FedScore-R as published: floor of the unweighted mean site cuts, one-shot ODAL2 with R's quirks (remote derivatives only, Nelder–Mead reltol 1e-3), transform_score points",
        PooledExact => "ours: pooled-exact cuts (secure bisection), pooled Newton on secure sums, AutoScore two-step points",
        Odal2 => "FedScore-R cuts (floor), textbook one-shot ODAL2 (all sites' derivatives, Newton), AutoScore two-step points",
        FedAvg => "FedScore-Python style: n-weighted mean site cuts, FedAvg of local MLEs, AutoScore two-step points",
        Centralised => "AutoScore run centrally on the pooled data (what the federation must equal)",
        _ => method,
    };
}

/// <summary>One model (top-i variables) of one method, evaluated.</summary>
internal sealed record DemoModel(string Method, int Count, IReadOnlyList<string> Variables, ScoringTable Table,
    IReadOnlyDictionary<string, SiteReport> Validation, IReadOnlyDictionary<string, SiteReport> Test, AucResult PooledValidation, AucResult PooledTest);

internal sealed record DemoResult(
    string Name,
    IReadOnlyList<string> SiteNames,
    IReadOnlyDictionary<string, VariableRanking> SiteRankings,
    IReadOnlyList<RankedMean> FederatedRankWeighted,
    IReadOnlyList<RankedMean> FederatedRankUnweighted,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, CutVector>> CutVectors,
    IReadOnlyList<string> Candidates,
    IReadOnlyList<DemoModel> Models,
    int FinalCount,
    ScoringTable CentralisedTable,
    IReadOnlyList<RStyleFit> RFits,
    int SecureSums,
    long BytesAtServer,
    string Scheme)
{
    public DemoModel Model(string method, int count) => Models.First(m => m.Method == method && m.Count == count);
}

/// <summary>
/// Experiments (a) and (c): FedScore-R's two-site binary demo, step by step, with every cross-site quantity through
/// the secure federation: site and federated rankings, site / FedScore-compatible / pooled-exact cut vectors, the
/// nested models 1..9 of each method evaluated by each site on its validation and test parts, the final score tables.
/// </summary>
internal static class DemoExperiment
{
    public static DemoResult Run(string name, IReadOnlyList<(string Name, Dataset Data)> files, ReproductionSettings settings, IReadOnlyList<string>? publishedCandidates, int? finalCount, Action<string> status)
    {
        var sites = files.Select(f => (f.Name, SiteStatistics.FromSplit(f.Data))).ToList();
        using var federation = new SimulatedFederation(settings.Scheme, sites, status);
        string lead = sites[0].Name;
        var baseOptions = new FedScoreOptions { Trees = settings.Trees, Seed = settings.Seed };
        FedScorePipeline pooled = federation.Pipeline(baseOptions);
        SecurePooledStatistics stats = pooled.Statistics;
        var all = stats.Schema.Select(p => p.Name).ToList();

        // Module 1: each site's own forest (what FedScore-R's sites publish), and the federated mean rank.
        status($"{name}: ranking");
        var forest = new RandomForestOptions { Trees = settings.Trees, Seed = settings.Seed };
        var siteRankings = sites.ToDictionary(s => s.Name, s => VariableRanker.ByRandomForest(s.Item2.Data(DataPart.Train).WithPredictors(all), forest), StringComparer.Ordinal);
        var imputer = MissingValueImputer.Fit(stats, DataPart.Train);
        IReadOnlyList<RankedMean> weighted = pooled.Rank(all, imputer);
        IReadOnlyList<RankedMean> unweighted = UnweightedRank(federation.Federation, all, imputer, settings);

        // Module 2: cut vectors.
        status($"{name}: cut vectors");
        var cuts = new Dictionary<string, IReadOnlyDictionary<string, CutVector>>(StringComparer.Ordinal);
        foreach (var (siteName, site) in sites)
        {
            cuts[siteName] = CutPointCalculator.CutVectors(site, DataPart.Train, all);
        }

        var floorCuts = federation.Pipeline(baseOptions with { CutPoints = CutPointMethod.FedScoreCompatible, WeightCutsBySampleSize = false, CompatibleCutRounding = CutRounding.Floor }).CutPoints(all);
        var meanCuts = federation.Pipeline(baseOptions with { CutPoints = CutPointMethod.FedScoreCompatible, WeightCutsBySampleSize = true }).CutPoints(all);
        var pooledCuts = pooled.CutPoints(all);
        cuts["fedscore-r (floor of unweighted mean)"] = floorCuts;
        cuts["n-weighted mean"] = meanCuts;
        cuts["pooled-exact"] = pooledCuts;

        // Candidates: FedScore-R takes rank.fed$var[1:9] = the lead site's order (the binary version does not sort).
        IReadOnlyList<string> candidates = publishedCandidates ?? siteRankings[lead].Top(Math.Min(9, all.Count));
        int maxModels = Math.Min(settings.DemoModels, candidates.Count);
        var odal2 = federation.Pipeline(baseOptions with { Fit = FederatedFitMethod.Odal2 });
        var fedavg = federation.Pipeline(baseOptions with { Fit = FederatedFitMethod.FedAvg });
        long trainRows = stats.Rows(DataPart.Train);
        stats.RowAndEventCounts(DataPart.Validation);
        stats.RowAndEventCounts(DataPart.Test);

        var models = new List<DemoModel>();
        var rFits = new List<RStyleFit>();
        for (int i = 1; i <= maxModels; i++)
        {
            var vars = candidates.Take(i).ToList();
            status($"{name}: model {i} of {maxModels}");
            foreach (string method in DemoMethods.All)
            {
                ScoringTable table;
                switch (method)
                {
                    case DemoMethods.FedScoreR:
                        var binnings = CutPointCalculator.Binnings(stats, DataPart.Train, vars, floorCuts);
                        long[] counts = stats.BinOutcomeCounts(DataPart.Train, binnings);
                        var refs = new int[binnings.Count];
                        int offset = 0;
                        for (int v = 0; v < binnings.Count; v++)
                        {
                            long[] rows = [.. Enumerable.Range(0, binnings[v].LevelCount).Select(l => counts[offset + 2 * l])];
                            refs[v] = binnings[v].FirstLevelInStringOrder(rows);
                            offset += 2 * binnings[v].LevelCount;
                        }

                        var design = new BinnedDesign(binnings, refs);
                        RStyleFit fit = RStyleOdal2.Fit(federation.Federation, lead, DataPart.Train, design, trainRows);
                        rFits.Add(fit);
                        table = RStyleOdal2.TransformScore(design, fit.Beta);
                        break;
                    case DemoMethods.PooledExact:
                        table = pooled.Derive(vars, pooledCuts).Table;
                        break;
                    case DemoMethods.Odal2:
                        table = odal2.Derive(vars, floorCuts).Table;
                        break;
                    default:
                        table = fedavg.Derive(vars, meanCuts).Table;
                        break;
                }

                models.Add(new DemoModel(method, i, vars, table,
                    federation.Evaluate(table, DataPart.Validation), federation.Evaluate(table, DataPart.Test),
                    SimulatedFederation.PooledAuc(stats, table, DataPart.Validation), SimulatedFederation.PooledAuc(stats, table, DataPart.Test)));
            }
        }

        // Final model: the published choice when given, else the peak of the pooled-exact mean validation curve.
        int final = finalCount ?? models.Where(m => m.Method == DemoMethods.PooledExact)
            .OrderByDescending(m => Math.Round(m.Validation.Values.Average(r => r.Auc), 4)).ThenBy(m => m.Count).First().Count;
        final = Math.Min(final, maxModels);

        // Centralised AutoScore on the pooled rows (the reference the federated pooled-exact table must equal).
        status($"{name}: AutoScore on the pooled data");
        Dataset Concat(DataPart part) => sites.Select(s => s.Item2.Data(part)).Aggregate(Dataset.Concat);
        var pooledLocal = new SiteStatistics(Concat(DataPart.Train), Concat(DataPart.Validation), Concat(DataPart.Test));
        ScoringTable centralised = new AutoScorePipeline(pooledLocal).DeriveScore(candidates.Take(final).ToList()).Table;

        return new DemoResult(name, [.. sites.Select(s => s.Name)], siteRankings, weighted, unweighted, cuts, candidates, models, final,
            centralised, rFits, federation.SecureSums, federation.BytesAtServer, federation.SchemeName);
    }

    /// <summary>FedScore-R binary: rank_fed = Σ (1/K)·rank_k — one secure sum of the sites' ranks with weight 1 each.</summary>
    private static IReadOnlyList<RankedMean> UnweightedRank(ISecureFederation federation, IReadOnlyList<string> variables, MissingValueImputer imputer, ReproductionSettings settings)
    {
        var request = new RankRequest([.. variables], "rf", settings.Trees, settings.Seed) { Medians = imputer.Medians.ToDictionary(), Modes = imputer.Modes.ToDictionary() };
        FixedPointRequirements precision = SecurePrecision.Reals(variables.Count + 1, federation.Sites.Count);
        double[] sum = federation.SecureSumAsync(FederatedJson.Request(ReproductionSite.UnweightedRank, request), variables.Count + 1, precision).GetAwaiter().GetResult().Sum;
        double k = Math.Round(sum[^1]);
        return [.. variables.Select((v, i) => new RankedMean(v, Math.Round(sum[i] / k, 6)))];
    }
}
