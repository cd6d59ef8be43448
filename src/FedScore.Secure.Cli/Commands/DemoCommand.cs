using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using FedScore.Secure.Aggregation;
using FedScore.Secure.Aggregation.Federation;
using FedScore.Secure.Aggregation.Simulation;
using FedScore.Secure.Cli.Demo;
using FedScore.Secure.Cli.Training;
using FedScore.Secure.Federation;
using FedScore.Secure.Scoring;
using FedScore.Secure.Scoring.Data;
using FedScore.Secure.Scoring.Federated;
using FedScore.Secure.Scoring.Statistics;
using Spectre.Console;

namespace FedScore.Secure.Cli.Commands;

/// <summary>
/// `fedscore demo`: three simulated hospitals on built-in data build a score together through the secure pipeline;
/// prints the score table, the federated AUC next to the pooled one, and what the server saw.
/// </summary>
internal static class DemoCommand
{
    public static Command Create(CliContext context)
    {
        var scheme = TrainCommand.SchemeOption();
        var variables = new Option<int>("--variables") { Description = "Variables in the final score", DefaultValueFactory = _ => 6 };
        var maxVariables = new Option<int>("--max-variables") { Description = "Parsimony curve from 1 to M variables", DefaultValueFactory = _ => 10 };
        var outDir = new Option<DirectoryInfo>("--out") { Description = "Where to write score table, plots and summary", DefaultValueFactory = _ => new DirectoryInfo(Path.Combine("out", "demo")) };
        var command = new Command("demo", "Three simulated hospitals build a clinical score together from secure aggregates (built-in data)")
        {
            scheme, variables, maxVariables, outDir,
        };

        command.SetAction(parse => Run(context, parse.GetValue(scheme)!, parse.GetValue(variables), parse.GetValue(maxVariables), parse.GetValue(outDir)!));
        return command;
    }

    private static int Run(CliContext context, string schemeName, int finalVariables, int maxVariables, DirectoryInfo outDir)
    {
        IAnsiConsole console = context.Console;
        var clock = Stopwatch.StartNew();
        IAggregationScheme scheme = AggregationSchemes.Create(schemeName);
        console.Write(new Rule("[bold]FedScore.Secure demo[/]").LeftJustified());
        console.MarkupLine($"Scheme [bold]{Markup.Escape(scheme.Name)}[/]: {Markup.Escape(scheme.ThreatModel)}");

        Dataset pooled = DemoHospitals.Pooled(out IReadOnlyDictionary<string, Dataset> hospitals);
        var overview = new Table().AddColumn("hospital").AddColumn(new TableColumn("patients").RightAligned())
            .AddColumn(new TableColumn("deaths").RightAligned()).AddColumn(new TableColumn("train / validation / test").RightAligned());
        foreach ((string name, Dataset data) in hospitals)
        {
            overview.AddRow(name, data.RowCount.ToString("N0", CultureInfo.InvariantCulture), data.EventCount.ToString("N0", CultureInfo.InvariantCulture),
                $"{data.Part(DataPart.Train).RowCount} / {data.Part(DataPart.Validation).RowCount} / {data.Part(DataPart.Test).RowCount}");
        }

        overview.Title = new TableTitle("Built-in data: AutoScore's simulated ICU admissions, outcome in-hospital death; each hospital keeps its rows");
        console.Write(overview);

        var sites = hospitals.ToDictionary(h => new ParticipantId(h.Key), h => (ISiteStatistics)FedScoreSiteStatistics.FromSplit(h.Value));
        using var federation = new InProcessFederation(scheme, sites);
        var options = new FedScoreOptions { MaxVariables = maxVariables, FinalVariableCount = finalVariables };
        FedScoreResult result = TrainCommand.Run(context, federation, options, DisclosurePolicy.Default, quiet: false);
        TrainSummary summary = TrainSummary.From(result);
        console.MarkupLine($"Federated training finished: [bold]{federation.Releases.Count}[/] secure sums in {clock.Elapsed.TotalSeconds:F1} s.");

        console.MarkupLine("Parsimony (validation AUC as variables are added in the federated ranking order):");
        var chart = new BarChart().Width(70);
        foreach (var point in result.Parsimony.Where(p => p.Auc is not null))
        {
            chart.AddItem(result.Ranking[point.VariableCount - 1].Variable, Math.Round(point.Auc!.Value, 3), point.VariableCount == result.Variables.Count ? Color.Green : Color.SteelBlue);
        }

        console.Write(chart);
        TrainingOutput.Print(console, summary);

        // What pooling all hospitals' rows in one place would give (never possible in practice): the same variables and
        // AutoScore run on the pooled data. With pooled-exact cut points and Newton the score tables must coincide.
        var pooledPipeline = new AutoScorePipeline(SiteStatistics.FromSplit(pooled));
        var pooledScore = pooledPipeline.DeriveScore(result.Variables);
        var pooledReport = pooledPipeline.Evaluate(pooledScore.Table, DataPart.Test, bootstrap: false);
        bool identical = pooledScore.Table.Rows().SequenceEqual(result.ScoreTable.Rows());

        var auc = new Table().AddColumn("score").AddColumn(new TableColumn("test AUC (95 % CI)").RightAligned());
        auc.AddRow("federated (secure sums only)", summary.AucPooled is { } a ? $"{a:F4} ({summary.AucCi![0]:F4}–{summary.AucCi[1]:F4})" : Markup.Escape(summary.Refusal ?? "refused"));
        auc.AddRow("pooled data (reference)", $"{pooledReport.Auc.Auc:F4} ({pooledReport.Auc.Lower:F4}–{pooledReport.Auc.Upper:F4})");
        foreach (SiteAucSummary s in summary.AucPerSite)
        {
            auc.AddRow($"  {Markup.Escape(s.Site)}, own test set", $"{s.Auc:F4} ({s.Lower:F4}–{s.Upper:F4})");
        }

        console.Write(auc);
        console.MarkupLine(identical
            ? "[green]The federated score table is identical to AutoScore on the pooled data.[/]"
            : "[yellow]The federated score table differs from AutoScore on the pooled data.[/]");

        WhatTheServerSaw(console, federation);
        IReadOnlyList<string> written = TrainingOutput.Write(outDir, result, summary, $"demo, {scheme.Name}");
        console.MarkupLine($"Wrote {written.Count} files to {Markup.Escape(outDir.FullName)} in {clock.Elapsed.TotalSeconds:F1} s in all.");
        return identical ? 0 : 1;
    }

    private static void WhatTheServerSaw(IAnsiConsole console, InProcessFederation federation)
    {
        var byStage = federation.Transcript.Received
            .GroupBy(e => e.Stage)
            .Select(g => (Stage: g.Key, Messages: g.Count(), Bytes: g.Sum(e => (long)e.Bytes.Length)))
            .ToList();
        var table = new Table().AddColumn("what the server received").AddColumn(new TableColumn("messages").RightAligned()).AddColumn(new TableColumn("bytes").RightAligned());
        foreach (var s in byStage)
        {
            table.AddRow(Markup.Escape(Describe(federation.SchemeName, s.Stage)), s.Messages.ToString("N0", CultureInfo.InvariantCulture), s.Bytes.ToString("N0", CultureInfo.InvariantCulture));
        }

        table.Title = new TableTitle($"What the server saw over {federation.Releases.Count} secure sums");
        console.Write(table);
        console.MarkupLine(federation.SchemeName == "plain"
            ? "[red]Scheme plain: every site's statistics crossed in clear (baseline only).[/]"
            : "No site statistic reached the server in clear: it saw masked vectors or ciphertexts, key material, and the released sums.");
    }

    private static string Describe(string scheme, string stage) => (scheme, stage) switch
    {
        (_, "upload") when scheme is "masking" or "secagg+" => "masked vectors (upload)",
        (_, "upload") when scheme is "plain" => "vectors in clear (upload)",
        (_, "upload") => "ciphertexts (upload)",
        (_, "advertise-keys") => "public keys (advertise-keys)",
        (_, "share-keys") => "encrypted Shamir shares (share-keys)",
        (_, "unmasking") => "shares for unmasking",
        _ => stage,
    };
}
