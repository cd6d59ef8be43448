using System.Globalization;
using System.Text;
using FedScore.Secure.Cli.Reporting;
using FedScore.Secure.Scoring.Evaluation;
using FedScore.Secure.Scoring.Federated;
using Spectre.Console;

namespace FedScore.Secure.Cli.Training;

/// <summary>Writes a federated training's results: score table, conversion table, JSON summary, parsimony and ROC plots.</summary>
internal static class TrainingOutput
{
    public static IReadOnlyList<string> Write(DirectoryInfo dir, FedScoreResult result, TrainSummary summary, string title)
    {
        dir.Create();
        var written = new List<string>();
        string Path(string name)
        {
            string p = System.IO.Path.Combine(dir.FullName, name);
            written.Add(p);
            return p;
        }

        File.WriteAllText(Path("summary.json"), summary.ToJson());

        var table = new StringBuilder("variable,bin,points\n");
        foreach (ScoreTableRow row in summary.ScoreTable)
        {
            table.Append(Csv(row.Variable)).Append(',').Append(Csv(row.Bin)).Append(',').Append(row.Points.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        File.WriteAllText(Path("score_table.csv"), table.ToString());

        if (result.Evaluation.Conversion is { } conversion)
        {
            var sb = new StringBuilder("predicted_risk,score_cutoff,percent_at_or_above,sensitivity,specificity,ppv,npv\n");
            foreach (ConversionRow r in conversion.Rows)
            {
                sb.Append(F(r.Risk)).Append(',').Append(r.ScoreCutoff?.ToString(CultureInfo.InvariantCulture) ?? "").Append(',').Append(F(r.PercentAtOrAbove));
                sb.Append(',').Append(F(r.Metrics?.Sensitivity)).Append(',').Append(F(r.Metrics?.Specificity)).Append(',').Append(F(r.Metrics?.Ppv)).Append(',').Append(F(r.Metrics?.Npv)).Append('\n');
            }

            File.WriteAllText(Path("conversion_table.csv"), sb.ToString());
        }

        var parsimony = result.Parsimony.Where(p => p.Auc is not null).ToList();
        if (parsimony.Count > 0)
        {
            Plots.Parsimony(
                Path("parsimony.png"),
                parsimony.Select(p => p.VariableCount <= result.Ranking.Count ? result.Ranking[p.VariableCount - 1].Variable : p.VariableCount.ToString(CultureInfo.InvariantCulture)).ToList(),
                parsimony.Select(p => p.Auc!.Value).ToList(),
                $"Parsimony ({title})");
        }

        if (result.Evaluation.Counts is { } counts)
        {
            IReadOnlyList<RocPoint> roc = RocAnalysis.Curve(counts);
            double[] fpr = roc.Select(p => 1 - p.Specificity).ToArray();
            double[] tpr = roc.Select(p => p.Sensitivity).ToArray();
            string auc = summary.AucPooled is { } a ? a.ToString("F3", CultureInfo.InvariantCulture) : "refused";
            Plots.Roc(Path("roc.png"), [($"pooled test set (AUC {auc})", fpr, tpr)], $"ROC ({title})");
        }

        return written;
    }

    public static void Print(IAnsiConsole console, TrainSummary summary)
    {
        var table = new Table().AddColumn("variable").AddColumn("bin").AddColumn(new TableColumn("points").RightAligned());
        table.Title = new TableTitle("Score table");
        string? last = null;
        foreach (ScoreTableRow row in summary.ScoreTable)
        {
            table.AddRow(Markup.Escape(row.Variable == last ? "" : row.Variable), Markup.Escape(row.Bin), row.Points.ToString(CultureInfo.InvariantCulture));
            last = row.Variable;
        }

        console.Write(table);
    }

    private static string F(double? v) => v is { } x ? x.ToString("G6", CultureInfo.InvariantCulture) : "";

    private static string Csv(string s) => s.Contains(',') || s.Contains('"') ? $"\"{s.Replace("\"", "\"\"")}\"" : s;
}
