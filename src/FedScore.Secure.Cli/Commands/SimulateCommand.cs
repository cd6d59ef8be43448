using System.CommandLine;
using FedScore.Secure.Aggregation;
using FedScore.Secure.Cli.Simulation;
using Spectre.Console;

namespace FedScore.Secure.Cli.Commands;

/// <summary>`fedscore simulate`: one secure round among simulated sites, reported against plain aggregation.</summary>
internal static class SimulateCommand
{
    public static Command Create(CliContext context)
    {
        var scheme = new Option<string>("--scheme") { Description = $"Aggregation scheme: {string.Join(", ", AggregationSchemes.Names)}", DefaultValueFactory = _ => "masking" };
        var sites = new Option<int>("--sites") { Description = "Number of simulated sites", DefaultValueFactory = _ => 10 };
        var length = new Option<int>("--length") { Description = "Vector length each site contributes", DefaultValueFactory = _ => 1000 };
        var dropouts = new Option<int>("--dropouts") { Description = "How many sites drop out", DefaultValueFactory = _ => 0 };
        var dropoutStage = new Option<string>("--dropout-stage") { Description = "Stage (name) at which dropped sites go silent", DefaultValueFactory = _ => "upload" };
        var threshold = new Option<int?>("--threshold") { Description = "Minimum surviving sites (default: a strict majority)" };
        var seed = new Option<int>("--seed") { Description = "Seed for the synthetic inputs and the choice of dropped sites (not for cryptography)", DefaultValueFactory = _ => 1 };
        var weighted = new Option<bool>("--weighted") { Description = "Give each site a private weight in [1, 100]" };
        var json = new Option<bool>("--json") { Description = "Print exactly one JSON object" };

        var command = new Command("simulate", "Run one secure aggregation round among simulated sites and compare it with plain aggregation")
        {
            scheme, sites, length, dropouts, dropoutStage, threshold, seed, weighted, json,
        };

        command.SetAction(parse =>
        {
            var options = new SimulationOptions(
                parse.GetValue(scheme)!,
                parse.GetValue(sites),
                parse.GetValue(length),
                parse.GetValue(dropouts),
                parse.GetValue(dropoutStage)!,
                parse.GetValue(threshold),
                parse.GetValue(seed),
                parse.GetValue(weighted));

            SimulationReport report = SimulationRunner.Run(options);
            if (parse.GetValue(json))
            {
                context.Out.WriteLine(CliJson.Serialize(report));
            }
            else
            {
                WriteTable(context.Console, report);
            }

            return report.Ok ? 0 : 1;
        });
        return command;
    }

    private static void WriteTable(IAnsiConsole console, SimulationReport r)
    {
        var table = new Table().AddColumn("metric").AddColumn(new TableColumn("value").RightAligned());
        table.Title = new TableTitle($"{r.Scheme}: {r.Sites} sites × {r.Length} values, {r.Dropouts} dropped at '{r.DropoutStage}'");
        void Row(string k, string v) => table.AddRow(Markup.Escape(k), Markup.Escape(v));
        Row("result within bound", r.Ok ? "yes" : "NO");
        Row("max abs error", Fmt(r.MaxAbsError));
        Row("error bound", Fmt(r.ErrorBound));
        Row("threshold", r.Threshold.ToString());
        Row("bytes uploaded per site", $"{r.BytesUploadedPerSite:N0}");
        Row("expansion vs float32", $"{r.ExpansionVsFloat32:F2}×");
        Row("client ms (median)", $"{r.ClientMillis:F2}  (plain {r.PlainClientMillis:F2})");
        Row("server ms", $"{r.ServerMillis:F2}  (plain {r.PlainServerMillis:F2}, {Fmt(r.ServerOverhead)}×)");
        Row("protocol stages", r.Stages.ToString());
        if (r.Error is not null)
        {
            Row("error", r.Error);
        }

        console.Write(table);
        if (r.StageCosts.Count > 1)
        {
            var stages = new Table().AddColumn("stage")
                .AddColumn(new TableColumn("server ms").RightAligned())
                .AddColumn(new TableColumn("client ms (median)").RightAligned())
                .AddColumn(new TableColumn("bytes up").RightAligned())
                .AddColumn(new TableColumn("bytes down").RightAligned());
            stages.Title = new TableTitle("per protocol stage");
            foreach (StageCost c in r.StageCosts)
            {
                stages.AddRow(Markup.Escape(c.Stage), $"{c.ServerMillis:F2}", $"{c.MedianClientMillis:F2}", $"{c.BytesUploaded:N0}", $"{c.BytesDownloaded:N0}");
            }

            console.Write(stages);
        }
    }

    private static string Fmt(double? v) => v is { } x ? x.ToString("G3", System.Globalization.CultureInfo.InvariantCulture) : "–";
}
