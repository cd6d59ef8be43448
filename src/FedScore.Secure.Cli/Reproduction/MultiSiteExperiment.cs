using FedScore.Secure.Scoring;
using FedScore.Secure.Scoring.Binning;
using FedScore.Secure.Scoring.Data;
using FedScore.Secure.Scoring.Federated;
using FedScore.Secure.Scoring.Modeling;
using FedScore.Secure.Scoring.Ranking;
using FedScore.Secure.Scoring.Statistics;

namespace FedScore.Secure.Cli.Reproduction;

/// <summary>One score of experiment (b), with the test AUC each site measured on its own test part.</summary>
internal sealed record SiteModel(string Model, string Kind, IReadOnlyList<string> Variables, ScoringTable Table, IReadOnlyDictionary<string, SiteReport> Test)
{
    public double Mean => Test.Values.Average(r => r.Auc);

    /// <summary>Sample standard deviation across sites (n − 1).</summary>
    public double Sd
    {
        get
        {
            double m = Mean;
            return Math.Sqrt(Test.Values.Sum(r => (r.Auc - m) * (r.Auc - m)) / Math.Max(1, Test.Count - 1));
        }
    }
}

internal sealed record MultiSiteResult(string Design, string Description, IReadOnlyList<(string Site, long Rows, double Prevalence, double MeanAge)> Sites,
    IReadOnlyList<SiteModel> Models, int SecureSums, long BytesAtServer, string Scheme);

/// <summary>
/// Experiment (b), the FedScore paper's design on AutoScore's sample data: K simulated sites (homogeneous = random
/// deal; heterogeneous = consecutive blocks of the rows sorted by Age), each split 70/10/20. Compared scores: each
/// site's local AutoScore, FedScore pooled-exact (ours), FedScore-compatible (ODAL2 and FedAvg), and AutoScore on the
/// pooled data; each is evaluated by every site on its own test part (mean ± SD across sites, as the paper reports).
/// Every model uses the same selection rule: the fewest variables within a tolerance of the best validation AUC.
/// </summary>
internal static class MultiSiteExperiment
{
    public const string Homogeneous = "homogeneous";
    public const string Heterogeneous = "heterogeneous-age";

    public static MultiSiteResult Run(Dataset sample, string design, ReproductionSettings settings, Action<string> status)
    {
        var sites = SiteDesign.Split(sample, design, settings.Sites, settings.Seed);
        using var federation = new SimulatedFederation(settings.Scheme, sites, status);
        var models = new List<SiteModel>();
        var forest = new RandomForestOptions { Trees = settings.Trees, Seed = settings.Seed };
        var autoOptions = new AutoScoreOptions { Forest = forest, MaxVariables = settings.MaxVariables };

        // Local: each site alone (AutoScore), then every site evaluates that score on its own test part.
        foreach (var (name, site) in sites)
        {
            status($"{design}: local AutoScore at {name}");
            var pipeline = new AutoScorePipeline(site, autoOptions);
            var ranking = VariableRanker.ByRandomForest(site.Data(DataPart.Train), forest);
            var curve = pipeline.Parsimony(ranking);
            var vars = ranking.Top(Select(curve.Select(p => (p.VariableCount, p.Validation.Auc)), settings.SelectionTolerance));
            ScoringTable table = pipeline.DeriveScore(vars).Table;
            models.Add(new SiteModel($"local {name}", "local", vars, table, federation.Evaluate(table, DataPart.Test)));
        }

        // Federated: ranking = n-weighted mean of site ranks (secure), then cuts and fits per method.
        var baseOptions = new FedScoreOptions { Trees = settings.Trees, Seed = settings.Seed };
        FedScorePipeline pooledExact = federation.Pipeline(baseOptions);
        SecurePooledStatistics stats = pooledExact.Statistics;
        status($"{design}: federated ranking");
        var all = stats.Schema.Select(p => p.Name).ToList();
        var order = pooledExact.Rank(all, MissingValueImputer.Fit(stats, DataPart.Train)).Select(r => r.Variable).Take(settings.MaxVariables).ToList();
        stats.RowAndEventCounts(DataPart.Validation);
        var variants = new (string Model, FedScorePipeline Pipeline)[]
        {
            ("FedScore pooled-exact (ours)", pooledExact),
            ("FedScore-compatible ODAL2", federation.Pipeline(baseOptions with { CutPoints = CutPointMethod.FedScoreCompatible, WeightCutsBySampleSize = false, CompatibleCutRounding = CutRounding.Floor, Fit = FederatedFitMethod.Odal2 })),
            ("FedScore-compatible FedAvg", federation.Pipeline(baseOptions with { CutPoints = CutPointMethod.FedScoreCompatible, Fit = FederatedFitMethod.FedAvg })),
        };
        foreach (var (model, pipeline) in variants)
        {
            status($"{design}: {model}");
            Dictionary<string, CutVector> cuts = pipeline.CutPoints(order);
            var curve = new List<(int, double)>();
            var tables = new List<ScoringTable>();
            for (int i = 1; i <= order.Count; i++)
            {
                ScoringTable t = pipeline.Derive(order.Take(i).ToList(), cuts).Table;
                tables.Add(t);
                curve.Add((i, SimulatedFederation.PooledAuc(stats, t, DataPart.Validation).Auc));
            }

            int count = Select(curve, settings.SelectionTolerance);
            models.Add(new SiteModel(model, "federated", order.Take(count).ToList(), tables[count - 1], federation.Evaluate(tables[count - 1], DataPart.Test)));
        }

        // Pooled: AutoScore on all rows centrally (the paper's upper reference; needs the data in one place).
        status($"{design}: AutoScore on the pooled data");
        Dataset Concat(DataPart part) => sites.Select(s => s.Site.Data(part)).Aggregate(Dataset.Concat);
        var pooledSite = new SiteStatistics(Concat(DataPart.Train), Concat(DataPart.Validation), Concat(DataPart.Test));
        var pooledPipeline = new AutoScorePipeline(pooledSite, autoOptions);
        var pooledRanking = VariableRanker.ByRandomForest(pooledSite.Data(DataPart.Train), forest);
        var pooledCurve = pooledPipeline.Parsimony(pooledRanking);
        var pooledVars = pooledRanking.Top(Select(pooledCurve.Select(p => (p.VariableCount, p.Validation.Auc)), settings.SelectionTolerance));
        ScoringTable pooledTable = pooledPipeline.DeriveScore(pooledVars).Table;
        models.Add(new SiteModel("AutoScore on pooled data", "pooled", pooledVars, pooledTable, federation.Evaluate(pooledTable, DataPart.Test)));

        var described = sites.Select(s =>
        {
            var d = new[] { DataPart.Train, DataPart.Validation, DataPart.Test }.Select(s.Site.Data).Aggregate(Dataset.Concat);
            return (s.Name, (long)d.RowCount, (double)d.EventCount / d.RowCount, d["Age"].Values.ToArray().Where(double.IsFinite).Average());
        }).ToList();
        return new MultiSiteResult(design, SiteDesign.Describe(design, settings.Sites), described, models, federation.SecureSums, federation.BytesAtServer, federation.SchemeName);
    }

    /// <summary>The fewest variables whose validation AUC is within <paramref name="tolerance"/> of the best.</summary>
    public static int Select(IEnumerable<(int Count, double Auc)> curve, double tolerance)
    {
        var list = curve.ToList();
        double best = list.Max(p => p.Auc);
        return list.Where(p => p.Auc >= best - tolerance).Min(p => p.Count);
    }
}

/// <summary>How experiment (b) carves AutoScore's sample data into simulated sites.</summary>
internal static class SiteDesign
{
    public static IReadOnlyList<(string Name, SiteStatistics Site)> Split(Dataset sample, string design, int sites, int seed)
    {
        // Statistics RNG with a fixed seed (not cryptographic): which rows go to which site, and each site's split.
        var random = new Random(seed);
        int[] order = Enumerable.Range(0, sample.RowCount).ToArray();
        random.Shuffle(order);
        if (design == MultiSiteExperiment.Heterogeneous)
        {
            // Sorted by Age (ties in the shuffled order): site 1 the youngest tenth, …, site K the oldest.
            var age = sample["Age"].Values.ToArray();
            order = [.. order.OrderBy(r => age[r])];
        }
        else if (design != MultiSiteExperiment.Homogeneous)
        {
            throw new ArgumentException($"unknown site design '{design}'.");
        }

        var result = new List<(string, SiteStatistics)>();
        for (int k = 0; k < sites; k++)
        {
            int start = (int)((long)sample.RowCount * k / sites);
            int end = (int)((long)sample.RowCount * (k + 1) / sites);
            int[] rows = order[start..end];
            Array.Sort(rows);
            var (train, validation, test) = DataSplitter.Split(sample.SelectRows(rows), seed: seed + 1 + k);
            result.Add(($"site{k + 1:D2}", new SiteStatistics(train, validation, test)));
        }

        return result;
    }

    public static string Describe(string design, int sites) => design == MultiSiteExperiment.Heterogeneous
        ? $"{sites} sites of equal size from the rows sorted by Age (site01 youngest … site{sites:D2} oldest): age-heterogeneous, as FedScore's binary \"hete\" demo splits by age"
        : $"{sites} sites of equal size from a seeded random permutation of the rows (homogeneous)";
}
