using System.Globalization;
using System.Text;

namespace FedScore.Secure.Cli.Reproduction;

/// <summary>Writes experiment (b): per-site test AUCs of every model, mean ± SD, plots, README section.</summary>
internal static class MultiSiteOutput
{
    public static string Write(string dir, string folder, IReadOnlyList<MultiSiteResult> results)
    {
        string root = Path.Combine(dir, folder);
        Directory.CreateDirectory(root);
        var perSite = new CsvTable("design", "model", "kind", "variables", "site", "n_test", "test_auc", "auc_lower", "auc_upper");
        var summary = new CsvTable("design", "model", "kind", "n_variables", "mean_test_auc", "sd_test_auc", "min_test_auc", "max_test_auc");
        var sites = new CsvTable("design", "site", "rows", "prevalence", "mean_age");
        var sb = new StringBuilder();
        sb.AppendLine("Design (FedScore paper, on AutoScore's simulated sample instead of the private cohort): each site splits its rows 70/10/20 (train/validation/test); every score is evaluated by **every** site on its own test part; mean ± SD are over the sites (sample SD). " +
                      "Local = AutoScore on one site's data only; FedScore pooled-exact = ours (equal to AutoScore on the pooled rows for the same variables; its ranking is the secure n-weighted mean of site ranks); " +
                      "FedScore-compatible = mean site cuts with ODAL2 (FedScore-R) or FedAvg (FedScore-Python); pooled = AutoScore with all rows in one place (ranking by one forest on all rows).");
        sb.AppendLine();
        foreach (MultiSiteResult r in results)
        {
            foreach (var s in r.Sites)
            {
                sites.Add(r.Design, s.Site, s.Rows, s.Prevalence, s.MeanAge);
            }

            foreach (SiteModel m in r.Models)
            {
                foreach (var (site, rep) in m.Test)
                {
                    perSite.Add(r.Design, m.Model, m.Kind, string.Join(' ', m.Variables), site, rep.N, rep.Auc, rep.Lower, rep.Upper);
                }

                summary.Add(r.Design, m.Model, m.Kind, m.Variables.Count, m.Mean, m.Sd, m.Test.Values.Min(x => x.Auc), m.Test.Values.Max(x => x.Auc));
            }

            var local = r.Models.Where(m => m.Kind == "local").ToList();
            SiteModel exact = r.Models.First(m => m.Model.StartsWith("FedScore pooled-exact", StringComparison.Ordinal));
            int lowerSd = local.Count(m => m.Sd > exact.Sd);
            sb.AppendLine($"### {r.Design}");
            sb.AppendLine();
            sb.AppendLine($"{r.Description}. Site prevalence {r.Sites.Min(s => s.Prevalence):P1}–{r.Sites.Max(s => s.Prevalence):P1}, mean age {r.Sites.Min(s => s.MeanAge):F1}–{r.Sites.Max(s => s.MeanAge):F1}. Secure sums: **{r.SecureSums}** ({r.Scheme}); bytes at the server: **{r.BytesAtServer:N0}**.");
            sb.AppendLine();
            sb.AppendLine("| model | variables | test AUC mean ± SD over sites | min–max |");
            sb.AppendLine("|---|---|---|---|");
            foreach (SiteModel m in r.Models.Where(m => m.Kind != "local"))
            {
                sb.AppendLine($"| {m.Model} | {m.Variables.Count} ({string.Join(", ", m.Variables)}) | **{m.Mean:0.000} ± {m.Sd:0.000}** | {m.Test.Values.Min(x => x.Auc):0.000}–{m.Test.Values.Max(x => x.Auc):0.000} |");
            }

            sb.AppendLine($"| local models (each site's own AutoScore), mean of their means | {local.Average(m => m.Variables.Count):0.#} on average | {local.Average(m => m.Mean):0.000} ± {local.Average(m => m.Sd):0.000} (mean SD) | best {local.Max(m => m.Mean):0.000}, worst {local.Min(m => m.Mean):0.000} |");
            var own = local.Select(m => m.Test[m.Model["local ".Length..]].Auc).ToList();
            double ownMean = own.Average();
            sb.AppendLine($"| local models on their own site's test part only | | {ownMean:0.000} ± {Math.Sqrt(own.Sum(x => (x - ownMean) * (x - ownMean)) / Math.Max(1, own.Count - 1)):0.000} | |");
            sb.AppendLine();
            sb.AppendLine($"The paper reports FedScore at **0.763 ± 0.020** on its private data (not comparable in value). Here the federated pooled-exact score has mean {exact.Mean:0.000}, " +
                          $"{(exact.Mean >= local.Average(m => m.Mean) ? "above" : "below")} the average local model ({local.Average(m => m.Mean):0.000}), and an SD lower than {lowerSd} of the {local.Count} local models' SDs (the paper: lower than most).");
            sb.AppendLine();
            string png = $"test_auc_{r.Design}.png";
            ReproPlots.MeanSd(Path.Combine(root, png), [.. r.Models.Select(m => (m.Model, m.Mean, m.Sd))], $"Test AUC across {r.Sites.Count} sites ({r.Design})", PublishedReference.PaperFedScoreMeanAuc, "paper's FedScore (private data): 0.763");
            sb.AppendLine($"![test AUC]({folder}/{png})");
            sb.AppendLine();
        }

        perSite.Write(Path.Combine(root, "test_auc_per_site.csv"));
        summary.Write(Path.Combine(root, "test_auc_summary.csv"));
        sites.Write(Path.Combine(root, "sites.csv"));
        return sb.ToString();
    }
}
