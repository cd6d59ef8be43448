using System.CommandLine;
using System.Globalization;
using FedScore.Secure.Aggregation;
using FedScore.Secure.Aggregation.Federation;
using FedScore.Secure.Emr.CaseScoring;
using FedScore.Secure.Cli.Emr;
using FedScore.Secure.Cli.Federation;
using FedScore.Secure.Cli.Training;
using FedScore.Secure.Federation;
using FedScore.Secure.Scoring.Federated;
using Spectre.Console;

namespace FedScore.Secure.Cli.Commands;

/// <summary>`fedscore train`: the whole federated FedScore pipeline among simulated sites, one per CSV file.</summary>
internal static class TrainCommand
{
    public static Command Create(CliContext context)
    {
        var data = new Option<FileInfo[]>("--data") { Description = "A site's CSV file (repeat: one per site)", AllowMultipleArgumentsPerToken = false };
        var store = new Option<string[]>("--store") { Description = "A site's record store: SQLite file or postgres:CONNECTION (repeat; mixes with --data); each store keeps the final score table", AllowMultipleArgumentsPerToken = false };
        var scheme = SchemeOption();
        var outcome = new Option<string>("--outcome") { Description = "Outcome column (0/1)", DefaultValueFactory = _ => "label" };
        var maxVariables = new Option<int>("--max-variables") { Description = "Parsimony curve from 1 to M variables", DefaultValueFactory = _ => 20 };
        var variables = new Option<int?>("--variables") { Description = "Number of variables in the final score (default: best validation AUC)" };
        var ranking = new Option<string>("--ranking") { Description = "Variable ranking: rf (random forest) or auc", DefaultValueFactory = _ => "rf" };
        var cuts = new Option<string>("--cuts") { Description = "Cut points: pooled (exact pooled quantiles) or fedscore (weighted mean of site quantiles)", DefaultValueFactory = _ => "pooled" };
        var fit = new Option<string>("--fit") { Description = "Score derivation: newton (pooled-exact), fedavg or odal2", DefaultValueFactory = _ => "newton" };
        var minCell = new Option<int>("--min-cell") { Description = "Disclosure control: smallest released count (DataSHIELD nfilter.tab)", DefaultValueFactory = _ => 3 };
        var outDir = new Option<DirectoryInfo>("--out") { Description = "Where to write score table, plots and summary", DefaultValueFactory = _ => new DirectoryInfo(Path.Combine("out", "train")) };
        var json = new Option<bool>("--json") { Description = "Print exactly one JSON object" };

        var command = new Command("train", "Build a point-based score across sites (one per --data file) from secure aggregates only")
        {
            data, store, scheme, outcome, maxVariables, variables, ranking, cuts, fit, minCell, outDir, json,
        };

        command.SetAction(parse =>
        {
            FileInfo[] dataFiles = parse.GetValue(data) ?? [];
            string[] storeSpecs = parse.GetValue(store) ?? [];
            if (dataFiles.Length + storeSpecs.Length == 0)
            {
                throw new ArgumentException("give at least one --data FILE or --store STORE (one per site)");
            }

            var used = new HashSet<ParticipantId>();
            var files = new List<(ParticipantId Site, Scoring.Data.Dataset Data)>(dataFiles.Length > 0 ? SiteFiles.Load(dataFiles, parse.GetValue(outcome)!, used) : []);
            IReadOnlyList<StoreSite> stores = StoreSites.Load(storeSpecs, used);
            files.AddRange(stores.Select(s => (s.Site, s.Data)));
            var options = new FedScoreOptions
            {
                MaxVariables = parse.GetValue(maxVariables),
                FinalVariableCount = parse.GetValue(variables),
                Ranking = ParseRanking(parse.GetValue(ranking)!),
                CutPoints = ParseCuts(parse.GetValue(cuts)!),
                Fit = ParseFit(parse.GetValue(fit)!),
            };
            var policy = new DisclosurePolicy { MinCellCount = parse.GetValue(minCell) };
            bool asJson = parse.GetValue(json);

            var sites = files.ToDictionary(f => f.Site, f => (ISiteStatistics)FedScoreSiteStatistics.FromSplit(f.Data));
            using var inProcess = new InProcessFederation(AggregationSchemes.Create(parse.GetValue(scheme)!), sites, recordTranscript: false);
            FedScoreResult result = Run(context, inProcess, options, policy, asJson);
            TrainSummary summary = TrainSummary.From(result);
            IReadOnlyList<string> written = TrainingOutput.Write(parse.GetValue(outDir)!, result, summary, $"{files.Count} sites, {inProcess.SchemeName}");
            var provenance = new ScoreProvenance(inProcess.SchemeName, Session: StoreSites.NewRunId(), Sites: [.. files.Select(f => f.Site.Value)],
                Note: $"fedscore train; {StoreSites.Describe(result.Variables)}");
            var cards = stores.Select(s => (s, StoreSites.SaveCard(s, result, provenance))).ToList();

            if (asJson)
            {
                context.Out.WriteLine(summary.ToJson());
            }
            else
            {
                TrainingOutput.Print(context.Console, summary);
                context.Console.MarkupLine(summary.AucPooled is { } auc
                    ? $"Pooled test AUC [bold]{auc:F4}[/] (95 % CI {summary.AucCi![0]:F4}–{summary.AucCi[1]:F4}, DeLong, from secure score counts)"
                    : $"Pooled test AUC not released: {Markup.Escape(summary.Refusal ?? "refused")}");
                foreach (SiteAucSummary s in summary.AucPerSite)
                {
                    context.Console.MarkupLine($"  {Markup.Escape(s.Site)}: test AUC {s.Auc:F4} ({s.Lower:F4}–{s.Upper:F4}), n = {s.N}");
                }

                context.Console.MarkupLine($"Wrote {written.Count} files to {Markup.Escape(parse.GetValue(outDir)!.FullName)}");
                foreach (var (site, card) in cards)
                {
                    context.Console.MarkupLine($"Stored score table version {card.Version} in {Markup.Escape(site.Spec)} ({Markup.Escape(site.Site.Value)})");
                }
            }

            return 0;
        });
        return command;
    }

    internal static Option<string> SchemeOption() => new("--scheme")
    {
        Description = $"Aggregation scheme protecting every cross-site sum: {string.Join(", ", AggregationSchemes.Names)}",
        DefaultValueFactory = _ => "masking",
    };

    internal static FedScoreResult Run(CliContext context, ISecureFederation federation, FedScoreOptions options, DisclosurePolicy policy, bool quiet)
    {
        if (quiet)
        {
            return new FedScorePipeline(federation, options, policy).Run();
        }

        FedScoreResult? result = null;
        if (!context.Console.Profile.Capabilities.Interactive)
        {
            // Logs and pipes: one line per phase, no live redraws.
            var progress = new ProgressFederation(federation, null, line => context.Console.MarkupLine(Markup.Escape(line)));
            return new FedScorePipeline(progress, options, policy).Run();
        }

        context.Console.Status().Start("Starting federated training…", ctx =>
        {
            var progress = new ProgressFederation(federation, line => ctx.Status(Markup.Escape(line)), line => context.Console.MarkupLine(Markup.Escape(line)));
            result = new FedScorePipeline(progress, options, policy).Run();
        });
        return result!;
    }

    private static FederatedRankingMethod ParseRanking(string s) => s.ToLowerInvariant() switch
    {
        "rf" or "randomforest" => FederatedRankingMethod.RandomForest,
        "auc" => FederatedRankingMethod.Auc,
        _ => throw new ArgumentException($"--ranking must be rf or auc, got '{s}'"),
    };

    private static CutPointMethod ParseCuts(string s) => s.ToLowerInvariant() switch
    {
        "pooled" => CutPointMethod.PooledExact,
        "fedscore" => CutPointMethod.FedScoreCompatible,
        _ => throw new ArgumentException($"--cuts must be pooled or fedscore, got '{s}'"),
    };

    private static FederatedFitMethod ParseFit(string s) => s.ToLowerInvariant() switch
    {
        "newton" => FederatedFitMethod.PooledNewton,
        "fedavg" => FederatedFitMethod.FedAvg,
        "odal2" => FederatedFitMethod.Odal2,
        _ => throw new ArgumentException($"--fit must be newton, fedavg or odal2, got '{s}'"),
    };
}
