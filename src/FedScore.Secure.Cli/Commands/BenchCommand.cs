using System.CommandLine;
using System.Globalization;
using FedScore.Secure.Aggregation;
using FedScore.Secure.Cli.Bench;
using Spectre.Console;

namespace FedScore.Secure.Cli.Commands;

/// <summary>`fedscore bench`: every scheme against plain aggregation over a matrix of sites, lengths and dropout rates.</summary>
internal static class BenchCommand
{
    public static Command Create(CliContext context)
    {
        var quick = new Option<bool>("--quick") { Description = "A small matrix that finishes in a few minutes (sites 5,20; lengths 1000,10000; dropouts 0,0.1)" };
        var schemes = new Option<string?>("--schemes") { Description = $"Comma-separated schemes (default: all of this build: {string.Join(", ", AggregationSchemes.Names)})" };
        var sites = new Option<string?>("--sites") { Description = "Comma-separated site counts (default 10,100,500; quick 5,20)" };
        var lengths = new Option<string?>("--lengths") { Description = "Comma-separated vector lengths; k and M suffixes allowed (default 1000,100k,1M; quick 1000,10000)" };
        var dropouts = new Option<string?>("--dropouts") { Description = "Comma-separated dropout rates, e.g. 0,0.1 or 0,10% (default 0,0.1)" };
        var repeat = new Option<int>("--repeat") { Description = "Rounds per cell and scheme; medians are reported", DefaultValueFactory = _ => 1 };
        var seed = new Option<int>("--seed") { Description = "Seed for the synthetic inputs and dropped sites (not for cryptography)", DefaultValueFactory = _ => 1 };
        var budget = new Option<double?>("--cell-budget") { Description = $"Skip cells predicted to take longer than this many seconds (default {BenchOptions.FullCellBudgetSeconds:F0}; quick {BenchOptions.QuickCellBudgetSeconds:F0})" };
        var output = new Option<string>("--out") { Description = "Directory for results.md, results.csv, stages.csv and the PNG plots (with --pipeline: pipeline.md, pipeline.csv, pipeline.png)", Required = true };
        var dryRun = new Option<bool>("--dry-run") { Description = "Calibrate, then print each cell's predicted time and memory and the predicted total, without running any cell" };
        var pipeline = new Option<bool>("--pipeline") { Description = "Instead of the matrix: run the whole FedScore pipeline (as `fedscore train`) with each scheme against plain on the site CSVs" };
        var data = new Option<FileInfo[]>("--data") { Description = "With --pipeline: a site's CSV (repeat; default data/site1.csv and data/site2.csv)", AllowMultipleArgumentsPerToken = false };
        var demo = new Option<bool>("--demo-hospitals") { Description = "With --pipeline: also run on the three built-in demo hospitals" };
        var maxVariables = new Option<int>("--max-variables") { Description = "With --pipeline: parsimony curve from 1 to M variables (as `fedscore train`)", DefaultValueFactory = _ => 20 };

        var command = new Command("bench", "Measure each scheme's overhead against plain aggregation of the same inputs in the same run; write tables and plots")
        {
            quick, schemes, sites, lengths, dropouts, repeat, seed, budget, output, dryRun, pipeline, data, demo, maxVariables,
        };

        command.SetAction(parse =>
        {
            bool isQuick = parse.GetValue(quick);
            var options = new BenchOptions
            {
                Quick = isQuick,
                Schemes = ParseList(parse.GetValue(schemes), "--schemes", s => s) ?? AggregationSchemes.Names,
                Sites = ParseList(parse.GetValue(sites), "--sites", ParseCount) ?? (isQuick ? BenchOptions.QuickSites : BenchOptions.FullSites),
                Lengths = ParseList(parse.GetValue(lengths), "--lengths", ParseCount) ?? (isQuick ? BenchOptions.QuickLengths : BenchOptions.FullLengths),
                Dropouts = ParseList(parse.GetValue(dropouts), "--dropouts", ParseRate) ?? (isQuick ? BenchOptions.QuickDropouts : BenchOptions.FullDropouts),
                Repeat = parse.GetValue(repeat),
                Seed = parse.GetValue(seed),
                CellBudgetSeconds = parse.GetValue(budget) ?? (isQuick ? BenchOptions.QuickCellBudgetSeconds : BenchOptions.FullCellBudgetSeconds),
            };
            string directory = Path.GetFullPath(parse.GetValue(output)!);
            if (parse.GetValue(pipeline))
            {
                Directory.CreateDirectory(directory);
                return PipelineBench.RunCommand(context, options.Schemes, parse.GetValue(data), parse.GetValue(demo), parse.GetValue(maxVariables), parse.GetValue(repeat), directory);
            }

            options.Validate();
            if (parse.GetValue(dryRun))
            {
                BenchPlan plan = new BenchRunner(options).Plan(p => context.Console.MarkupLine(Markup.Escape(p.Current)));
                PrintPlan(context, plan, detailed: true);
                return 0;
            }

            Directory.CreateDirectory(directory);
            BenchReport report = Run(context, new BenchRunner(options));
            BenchReportWriter.WriteCsv(Path.Combine(directory, BenchReportWriter.CsvFile), report);
            BenchReportWriter.WriteStagesCsv(Path.Combine(directory, BenchReportWriter.StagesCsvFile), report);
            IReadOnlyList<string> plots = BenchPlots.WriteAll(directory, report);
            BenchReportWriter.WriteMarkdown(Path.Combine(directory, BenchReportWriter.MarkdownFile), report, plots);

            int measured = report.Cells.Count(c => c.Status == CellStatus.Measured);
            int failed = report.Cells.Count(c => c.Status == CellStatus.Failed);
            int skipped = report.Cells.Count(c => c.Status is CellStatus.Skipped or CellStatus.Unavailable);
            context.Console.MarkupLine(Markup.Escape(
                $"{measured} cells measured, {skipped} skipped or unavailable, {failed} failed in {BenchRunner.Seconds(report.Elapsed.TotalSeconds)}; " +
                $"wrote {BenchReportWriter.MarkdownFile}, {BenchReportWriter.CsvFile}, {BenchReportWriter.StagesCsvFile}, {string.Join(", ", plots)} to {directory}"));
            return failed == 0 ? 0 : 1;
        });
        return command;
    }

    /// <summary>A progress bar on a terminal; one line per finished cell in logs, pipes and tests.</summary>
    private static BenchReport Run(CliContext context, BenchRunner runner)
    {
        if (!context.Console.Profile.Capabilities.Interactive)
        {
            return runner.Run(p =>
            {
                if (p.Finished is { } c)
                {
                    context.Console.MarkupLine(Markup.Escape($"[{p.Completed,3}/{p.Total}] {Describe(c)}"));
                }
            }, plan => PrintPlan(context, plan, detailed: false));
        }

        BenchReport? report = null;
        context.Console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                ProgressTask task = ctx.AddTask("starting", maxValue: 1);
                report = runner.Run(p =>
                {
                    task.MaxValue = p.Total;
                    task.Value = p.Completed;
                    task.Description = Markup.Escape(p.Current);
                    if (p.Finished is { } c)
                    {
                        context.Console.MarkupLine(Markup.Escape(Describe(c)));
                    }
                }, plan => PrintPlan(context, plan, detailed: false));
                task.Value = task.MaxValue;
            });
        return report!;
    }

    /// <summary>The predicted total after calibration (always); with <paramref name="detailed"/>, every cell's prediction.</summary>
    internal static void PrintPlan(CliContext context, BenchPlan plan, bool detailed)
    {
        int run = plan.Cells.Count(c => c.WillRun);
        context.Console.MarkupLine(Markup.Escape(
            $"Predicted total: {BenchRunner.Seconds(plan.PredictedSeconds)} for the {run} cells to run (scheme and plain rounds; calibration took {BenchRunner.Seconds(plan.Calibration.TotalSeconds)}); " +
            $"{plan.Cells.Count - run} cells will be skipped as impractical or unavailable. Predictions are refitted as cells finish."));
        foreach (PlannedCell c in plan.Cells.Where(c => detailed || !c.WillRun))
        {
            string predicted = string.Create(CultureInfo.InvariantCulture,
                $"{(c.PredictedSeconds is { } s ? BenchRunner.Seconds(s) : "?")}, {(c.PredictedMemoryBytes is { } m ? BenchRunner.Gib(m) : "?")}");
            context.Console.MarkupLine(Markup.Escape(c.WillRun ? $"  run  {c.Cell}: {predicted}" : $"  skip {c.Cell}: {c.Reason}"));
        }
    }

    private static string Describe(CellResult c) => c.Secure is { } s && c.Ok
        ? string.Create(CultureInfo.InvariantCulture, $"{c.Cell}: site {s.ClientMillis:F3} ms ({c.ClientRatio:F1}× plain), server {s.ServerMillis:F3} ms ({c.ServerRatio:F1}×), {s.BytesUploadedPerSite:N0} B/site")
        : $"{c.Cell}: {c.Status.ToString().ToLowerInvariant()} — {c.Reason}";

    private static IReadOnlyList<T>? ParseList<T>(string? text, string option, Func<string, T> parse)
    {
        if (text is null)
        {
            return null;
        }

        string[] parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
        {
            throw new ArgumentException($"{option} needs at least one value");
        }

        try
        {
            return parts.Select(parse).ToArray();
        }
        catch (FormatException e)
        {
            throw new ArgumentException($"{option}: {e.Message}");
        }
    }

    /// <summary>An integer, optionally with a k (×1,000) or M (×1,000,000) suffix and _ separators.</summary>
    internal static int ParseCount(string s)
    {
        string t = s.Replace("_", "", StringComparison.Ordinal);
        long scale = 1;
        if (t.EndsWith('k') || t.EndsWith('K'))
        {
            (scale, t) = (1_000, t[..^1]);
        }
        else if (t.EndsWith('M'))
        {
            (scale, t) = (1_000_000, t[..^1]);
        }

        if (!long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out long v) || v * scale > int.MaxValue)
        {
            throw new FormatException($"'{s}' is not a whole number (k and M suffixes allowed)");
        }

        return (int)(v * scale);
    }

    /// <summary>A rate as a fraction (0.1) or a percentage (10%).</summary>
    internal static double ParseRate(string s)
    {
        bool percent = s.EndsWith('%');
        string t = percent ? s[..^1] : s;
        if (!double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
        {
            throw new FormatException($"'{s}' is not a rate (write 0.1 or 10%)");
        }

        return percent ? v / 100 : v;
    }
}
