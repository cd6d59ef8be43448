using System.CommandLine;
using FedScore.Secure.Aggregation;
using FedScore.Secure.Cli.Reproduction;
using Spectre.Console;

namespace FedScore.Secure.Cli.Commands;

/// <summary>
/// `fedscore reproduce --out papers/fedscore-binary [--scheme S] [--quick]`: regenerates the FedScore paper
/// reproduction (experiments a, b, c) — README.md, CSV tables and PNG plots — through the secure federation.
/// </summary>
internal static class ReproduceCommand
{
    public static Command Create(CliContext context)
    {
        var outDir = new Option<DirectoryInfo>("--out") { Description = "Output folder (README.md, CSV tables, PNG plots)", DefaultValueFactory = _ => new DirectoryInfo(Path.Combine("papers", "fedscore-binary")) };
        var scheme = TrainCommand.SchemeOption();
        var quick = new Option<bool>("--quick") { Description = "Small configuration for tests (fewer trees, models, variables); not the reported results" };
        var data = new Option<DirectoryInfo?>("--data-dir") { Description = "Folder with site1.csv, site2.csv, site1_hete.csv, site2_hete.csv, autoscore_sample_data.csv (default: the repository's data/)" };
        var command = new Command("reproduce", "Reproduce the FedScore paper's binary experiments (demo sites, 10 simulated sites, heterogeneous demo)")
        {
            outDir, scheme, quick, data,
        };

        command.SetAction(parse =>
        {
            string schemeName = parse.GetValue(scheme)!;
            if (!AggregationSchemes.Names.Contains(schemeName))
            {
                throw new ArgumentException($"unknown scheme '{schemeName}' (have: {string.Join(", ", AggregationSchemes.Names)})");
            }

            var settings = parse.GetValue(quick) ? ReproductionSettings.QuickRun(schemeName) : ReproductionSettings.Full(schemeName);
            string dataDir = parse.GetValue(data)?.FullName ?? FindDataDirectory();
            string dir = parse.GetValue(outDir)!.FullName;
            IReadOnlyList<string> written = [];
            void Log(string line) => context.Console.MarkupLine(Markup.Escape(line));
            if (context.Console.Profile.Capabilities.Interactive)
            {
                context.Console.Status().Start("Reproducing…", ctx => written = ReproductionRunner.Run(dir, dataDir, settings, line => ctx.Status(Markup.Escape(line)), Log));
            }
            else
            {
                string? last = null;
                written = ReproductionRunner.Run(dir, dataDir, settings, line =>
                {
                    // Plain logs: one line per step, not one per secure sum.
                    if (!line.StartsWith("secure sum", StringComparison.Ordinal) && line != last)
                    {
                        last = line;
                        Log("  " + line);
                    }
                }, Log);
            }

            context.Console.MarkupLine($"Wrote {written.Count} files to {Markup.Escape(dir)} (see README.md)");
            return 0;
        });
        return command;
    }

    /// <summary>The repository's data/ folder: searched upwards from the working directory, then from the program.</summary>
    private static string FindDataDirectory()
    {
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "data");
                if (File.Exists(Path.Combine(candidate, "site1.csv")) && File.Exists(Path.Combine(candidate, "autoscore_sample_data.csv")))
                {
                    return candidate;
                }
            }
        }

        throw new FileNotFoundException("cannot find the data/ folder (site1.csv, autoscore_sample_data.csv); give --data-dir");
    }
}
