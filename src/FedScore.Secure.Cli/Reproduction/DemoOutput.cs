using System.Globalization;
using System.Text;
using FedScore.Secure.Scoring.Binning;
using FedScore.Secure.Scoring.Modeling;

namespace FedScore.Secure.Cli.Reproduction;

/// <summary>Writes the CSV tables and plots of experiment (a) or (c) and returns its README section.</summary>
internal static class DemoOutput
{
    public static string Write(string dir, string folder, DemoResult r, CsvTable? comparison)
    {
        string Path(string file) => System.IO.Path.Combine(dir, folder, file);
        Directory.CreateDirectory(System.IO.Path.Combine(dir, folder));

        var rankings = new CsvTable(["variable", .. r.SiteNames.SelectMany(s => new[] { $"{s}_rank", $"{s}_gini" }), "federated_mean_rank_unweighted", "federated_mean_rank_n_weighted"]);
        foreach (string v in r.SiteRankings[r.SiteNames[0]].Variables.Select(x => x.Name))
        {
            var cells = new List<object?> { v };
            foreach (string s in r.SiteNames)
            {
                var rv = r.SiteRankings[s].Variables.First(x => x.Name == v);
                cells.Add(rv.Rank);
                cells.Add(rv.Importance);
            }

            cells.Add(r.FederatedRankUnweighted.First(x => x.Variable == v).MeanRank);
            cells.Add(r.FederatedRankWeighted.First(x => x.Variable == v).MeanRank);
            rankings.Add([.. cells]);
        }

        rankings.Write(Path("rankings.csv"));

        var cuts = new CsvTable("source", "variable", "cuts");
        foreach (var (source, set) in r.CutVectors)
        {
            foreach (var (variable, cut) in set.OrderBy(c => c.Key, StringComparer.Ordinal))
            {
                cuts.Add(source, variable, cut.IsLetBinary ? "let_binary" : CsvTable.Cuts(cut.Cuts));
            }
        }

        cuts.Write(Path("cut_vectors.csv"));

        var tables = new CsvTable("method", "variables", "variable", "bin", "points");
        foreach (string method in DemoMethods.All)
        {
            AddTable(tables, method, r.Model(method, r.FinalCount).Table);
        }

        AddTable(tables, DemoMethods.Centralised, r.CentralisedTable);
        tables.Write(Path("score_tables.csv"));

        var models = new CsvTable("method", "model", "variables", "part", "site", "n", "cases", "auc", "auc_lower", "auc_upper", "threshold", "sensitivity", "specificity", "ppv", "npv");
        foreach (DemoModel m in r.Models)
        {
            foreach (var (part, reports, pooled) in new[] { ("validation", m.Validation, m.PooledValidation), ("test", m.Test, m.PooledTest) })
            {
                foreach (var (site, rep) in reports)
                {
                    models.Add(m.Method, m.Count, string.Join(' ', m.Variables), part, site, rep.N, rep.Cases, rep.Auc, rep.Lower, rep.Upper, rep.Threshold, rep.Sensitivity, rep.Specificity, rep.Ppv, rep.Npv);
                }

                models.Add(m.Method, m.Count, string.Join(' ', m.Variables), part, "pooled (secure score counts)", pooled.Cases + pooled.Controls, pooled.Cases, pooled.Auc, pooled.Lower, pooled.Upper, null, null, null, null, null);
            }
        }

        models.Write(Path("models.csv"));

        var parsimony = new CsvTable(["method", "model", "added_variable", .. r.SiteNames.Select(s => $"{s}_validation_auc"), "mean_validation_auc", "pooled_validation_auc"]);
        foreach (DemoModel m in r.Models)
        {
            parsimony.Add([m.Method, m.Count, m.Variables[^1], .. r.SiteNames.Select(s => (object?)m.Validation[s].Auc), m.Validation.Values.Average(x => x.Auc), m.PooledValidation.Auc]);
        }

        parsimony.Write(Path("parsimony.csv"));
        comparison?.Write(Path("published_comparison.csv"));

        int count = r.Models.Max(m => m.Count);
        var series = DemoMethods.All.Select(method => (method, r.Models.Where(m => m.Method == method).OrderBy(m => m.Count).Select(m => m.Validation.Values.Average(x => x.Auc)).ToArray())).ToList();
        if (comparison is not null)
        {
            series.Add(("published FedScore-R (fed.csv)", PublishedReference.ValidationAucMean.Take(count).ToArray()));
        }

        ReproPlots.Curves(Path("parsimony_mean.png"), r.Candidates.Take(count).ToList(), series, $"Parsimony, mean validation AUC over sites ({r.Name})", "validation AUC (mean of sites)");
        return Section(folder, r, comparison);
    }

    private static void AddTable(CsvTable csv, string method, ScoringTable table)
    {
        string vars = string.Join(' ', table.Variables.Select(v => v.Variable));
        foreach (var (variable, label, points) in table.Rows())
        {
            csv.Add(method, vars, variable, label, points);
        }
    }

    private static string F(double x) => x.ToString("0.0000", CultureInfo.InvariantCulture);

    private static string Section(string folder, DemoResult r, CsvTable? comparison)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"Sites: {string.Join(", ", r.SiteNames)}. Secure sums: **{r.SecureSums}** ({r.Scheme}); bytes received by the aggregation server: **{r.BytesAtServer:N0}**.");
        sb.AppendLine();
        sb.AppendLine("Rankings (random forest Gini importance on each site's training part; federated = secure sum of site ranks):");
        sb.AppendLine();
        sb.AppendLine("| variable | " + string.Join(" | ", r.SiteNames.Select(s => s + " rank")) + " | federated mean rank (1/K, FedScore-R) | federated mean rank (n-weighted, ours) |");
        sb.AppendLine("|---|" + string.Concat(r.SiteNames.Select(_ => "---|")) + "---|---|");
        foreach (var v in r.FederatedRankWeighted.Take(10))
        {
            sb.AppendLine($"| {v.Variable} | " + string.Join(" | ", r.SiteNames.Select(s => r.SiteRankings[s].Variables.First(x => x.Name == v.Variable).Rank.ToString(CultureInfo.InvariantCulture)))
                + $" | {r.FederatedRankUnweighted.First(x => x.Variable == v.Variable).MeanRank:0.##} | {v.MeanRank:0.###} |");
        }

        sb.AppendLine();
        sb.AppendLine($"Candidate variables of the nested models (FedScore-R: `rank.fed$var[1:9]`, the lead site's order): {string.Join(", ", r.Candidates)}.");
        sb.AppendLine();
        sb.AppendLine("Cut vectors of the candidates (type-7 quantiles 5/20/80/95 %, 3 significant digits):");
        sb.AppendLine();
        var sources = r.CutVectors.Keys.ToList();
        sb.AppendLine("| variable | " + string.Join(" | ", sources) + " |");
        sb.AppendLine("|---|" + string.Concat(sources.Select(_ => "---|")));
        foreach (string v in r.Candidates)
        {
            sb.AppendLine($"| {v} | " + string.Join(" | ", sources.Select(s => r.CutVectors[s].TryGetValue(v, out var c) ? (c.IsLetBinary ? "let_binary" : CsvTable.Cuts(c.Cuts)) : "")) + " |");
        }

        sb.AppendLine();
        sb.AppendLine("Methods:");
        sb.AppendLine();
        foreach (string m in DemoMethods.All.Append(DemoMethods.Centralised))
        {
            sb.AppendLine($"- `{m}`: {DemoMethods.Describe(m)}.");
        }

        sb.AppendLine();
        sb.AppendLine("Parsimony (validation AUC, mean of the sites' own AUCs, as FedScore-R's plot):");
        sb.AppendLine();
        int count = r.Models.Max(m => m.Count);
        sb.AppendLine("| model | added | " + string.Join(" | ", DemoMethods.All) + (comparison is not null ? " | published (fed.csv) |" : " |"));
        sb.AppendLine("|---|---|" + string.Concat(DemoMethods.All.Select(_ => "---|")) + (comparison is not null ? "---|" : ""));
        for (int i = 1; i <= count; i++)
        {
            sb.Append($"| {i} | {r.Candidates[i - 1]} | ");
            sb.Append(string.Join(" | ", DemoMethods.All.Select(m => F(r.Model(m, i).Validation.Values.Average(x => x.Auc)))));
            sb.AppendLine(comparison is not null ? $" | {PublishedReference.ValidationAucMean[i - 1]:0.000} |" : " |");
        }

        sb.AppendLine();
        sb.AppendLine($"![parsimony]({folder}/parsimony_mean.png)");
        sb.AppendLine();
        sb.AppendLine($"Final model: {r.FinalCount} variables ({string.Join(", ", r.Candidates.Take(r.FinalCount))}). Test AUC (DeLong 95 % CI) each site measured on its own test part, and the pooled test AUC from secure score counts:");
        sb.AppendLine();
        sb.AppendLine("| method | " + string.Join(" | ", r.SiteNames) + " | pooled |");
        sb.AppendLine("|---|" + string.Concat(r.SiteNames.Select(_ => "---|")) + "---|");
        foreach (string m in DemoMethods.All)
        {
            DemoModel model = r.Model(m, r.FinalCount);
            sb.AppendLine($"| {m} | " + string.Join(" | ", r.SiteNames.Select(s => $"{F(model.Test[s].Auc)} ({F(model.Test[s].Lower)}–{F(model.Test[s].Upper)}), ≥{model.Test[s].Threshold}"))
                + $" | {F(model.PooledTest.Auc)} ({F(model.PooledTest.Lower)}–{F(model.PooledTest.Upper)}) |");
        }

        sb.AppendLine();
        sb.AppendLine("Final score tables (points per bin; all tables in `score_tables.csv`):");
        sb.AppendLine();
        var shown = new[] { DemoMethods.PooledExact, DemoMethods.Centralised, DemoMethods.FedScoreR };
        sb.AppendLine("| variable | bin | " + string.Join(" | ", shown) + " |");
        sb.AppendLine("|---|---|" + string.Concat(shown.Select(_ => "---|")));
        ScoringTable exact = r.Model(DemoMethods.PooledExact, r.FinalCount).Table;
        ScoringTable rTable = r.Model(DemoMethods.FedScoreR, r.FinalCount).Table;
        foreach (var (variable, label, points) in exact.Rows())
        {
            string central = Lookup(r.CentralisedTable, variable, label);
            string fromR = Lookup(rTable, variable, label);
            sb.AppendLine($"| {variable} | {label} | {points} | {central} | {fromR} |");
        }

        bool equal = exact.Rows().SequenceEqual(r.CentralisedTable.Rows());
        sb.AppendLine();
        sb.AppendLine(equal
            ? "The federated pooled-exact table is **identical** to AutoScore run on the pooled data (same cut points, same points)."
            : "**The federated pooled-exact table differs from AutoScore on the pooled data** — see the tables above.");
        sb.AppendLine("(FedScore-R's bins use its floored cut points, so its table has different bins; an empty cell means that bin does not exist there.)");
        return sb.ToString();
    }

    private static string Lookup(ScoringTable table, string variable, string label) =>
        table.Rows().Where(x => x.Variable == variable && x.Label == label).Select(x => x.Points.ToString(CultureInfo.InvariantCulture)).FirstOrDefault() ?? "";
}
