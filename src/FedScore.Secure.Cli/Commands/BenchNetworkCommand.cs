using System.CommandLine;
using System.Globalization;
using FedScore.Secure.Cli.Bench.Network;
using FedScore.Secure.Crypto.Identity;
using Spectre.Console;

namespace FedScore.Secure.Cli.Commands;

/// <summary>
/// `fedscore bench-network`: N sites and the server over gRPC on loopback complete a secure round (and the plain
/// baseline round in the same run); reports time, CPU, traffic, error and memory, and writes results.md/results.json.
/// </summary>
internal static class BenchNetworkCommand
{
    public static Command Create(CliContext context)
    {
        var sites = new Option<int>("--sites") { Description = "Number of sites", DefaultValueFactory = _ => 100 };
        var length = new Option<int>("--length") { Description = "Values each site contributes", DefaultValueFactory = _ => 100_000 };
        var scheme = new Option<string>("--scheme") { Description = "Secure scheme(s), comma-separated: masking, secagg+ (plain is the baseline of every run)", DefaultValueFactory = _ => "masking" };
        var dropouts = new Option<string>("--dropouts") { Description = "Sites that disconnect mid-round after sharing keys; comma-separated for several runs, e.g. 0,10", DefaultValueFactory = _ => "0" };
        var processes = new Option<int>("--processes") { Description = "Spread the sites over P child processes of fedscore (0: sites are tasks of this process)", DefaultValueFactory = _ => 0 };
        var threshold = new Option<int?>("--threshold") { Description = "Minimum surviving sites (default: a strict majority)" };
        var seed = new Option<int>("--seed") { Description = "Seed for the synthetic inputs and the dropped sites (not for cryptography)", DefaultValueFactory = _ => 1 };
        var maxAbs = new Option<double>("--max-abs") { Description = "Inputs are uniform in [-max-abs, max-abs]", DefaultValueFactory = _ => 1.0 };
        var maxError = new Option<double>("--max-error") { Description = "Target absolute error of the fixed-point encoding", DefaultValueFactory = _ => 1e-6 };
        var stageTimeout = new Option<double>("--stage-timeout") { Description = "Seconds a protocol stage may take", DefaultValueFactory = _ => 600 };
        var note = new Option<string?>("--note") { Description = "Free text recorded in results.md (e.g. that the machine was shared)" };
        var output = new Option<string>("--out") { Description = "Directory for results.md and results.json", Required = true };
        var json = new Option<bool>("--json") { Description = "Print the report as one JSON object instead of tables" };

        var command = new Command("bench-network", "Load benchmark: N sites and the server over gRPC on loopback complete a secure round, against plain in the same run")
        {
            sites, length, scheme, dropouts, processes, threshold, seed, maxAbs, maxError, stageTimeout, note, output, json,
            SiteWorker(context),
        };

        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = new NetworkBenchOptions
            {
                Sites = parse.GetValue(sites),
                Length = parse.GetValue(length),
                Schemes = parse.GetValue(scheme)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                Dropouts = parse.GetValue(dropouts)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Select(d => int.TryParse(d, NumberStyles.Integer, CultureInfo.InvariantCulture, out int k) ? k : throw new ArgumentException($"--dropouts: '{d}' is not a count of sites"))
                    .ToArray(),
                Processes = parse.GetValue(processes),
                Threshold = parse.GetValue(threshold),
                Seed = parse.GetValue(seed),
                MaxAbsValue = parse.GetValue(maxAbs),
                MaxAbsError = parse.GetValue(maxError),
                StageTimeout = TimeSpan.FromSeconds(parse.GetValue(stageTimeout)),
                Note = parse.GetValue(note),
            };
            options.Validate();
            string directory = Path.GetFullPath(parse.GetValue(output)!);
            bool asJson = parse.GetValue(json);

            var runner = new NetworkBenchRunner(options);
            if (!asJson)
            {
                runner.Progress += line => context.Console.MarkupLine($"[grey]{Markup.Escape(line)}[/]");
            }

            NetworkBenchReport report = await runner.RunAsync(cancellationToken);
            NetworkBenchReportWriter.Write(directory, report);
            if (asJson)
            {
                context.Out.WriteLine(NetworkBenchReportWriter.ToJson(report, indented: false));
            }
            else
            {
                NetworkBenchReportWriter.WriteTable(context.Console, report);
                context.Console.MarkupLine(Markup.Escape($"Sites ran {report.Mode}. Wrote {NetworkBenchReportWriter.MarkdownFile} and {NetworkBenchReportWriter.JsonFile} to {directory}"));
            }

            return report.Ok ? 0 : 1;
        });
        return command;
    }

    /// <summary>`fedscore bench-network site-worker`: runs a share of the benchmark's sites in a child process.</summary>
    private static Command SiteWorker(CliContext context)
    {
        var server = new Option<string>("--server") { Required = true };
        var session = new Option<string>("--session") { Required = true };
        var roster = new Option<FileInfo>("--roster") { Required = true };
        var keys = new Option<DirectoryInfo>("--keys") { Description = "Directory with NAME.key files", Required = true };
        var names = new Option<string>("--names") { Description = "Comma-separated sites to run", Required = true };
        var drop = new Option<string?>("--drop") { Description = "Comma-separated sites that disconnect mid-round" };
        var dropAt = new Option<int>("--drop-at-message") { Description = "Index of the aggregation message at which dropping sites disconnect", DefaultValueFactory = _ => 0 };
        var command = new Command("site-worker", "Internal: run some of bench-network's sites in this process")
        {
            server, session, roster, keys, names, drop, dropAt,
        };
        command.Hidden = true;
        command.SetAction(async (parse, cancellationToken) =>
        {
            SiteRoster siteRoster = SiteRoster.Load(parse.GetValue(roster)!.FullName);
            ParticipantId[] mine = parse.GetValue(names)!.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(n => new ParticipantId(n)).ToArray();
            var dropped = (parse.GetValue(drop) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(n => new ParticipantId(n)).ToHashSet();
            var loaded = new List<SiteSigningKey>();
            foreach (ParticipantId site in mine)
            {
                SiteSigningKey key = SiteSigningKey.LoadKeyFile(Path.Combine(parse.GetValue(keys)!.FullName, $"{site}.key"));
                loaded.Add(key);
                if (key.Site != site)
                {
                    loaded.ForEach(k => k.Dispose());
                    throw new ArgumentException($"the key file of '{site}' holds the key of '{key.Site}'");
                }
            }

            using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            lifetime.CancelAfter(TimeSpan.FromHours(1));
            await using BenchSiteGroup group = BenchSiteGroup.Start(new Uri(parse.GetValue(server)!), parse.GetValue(session)!, siteRoster, loaded,
                ownsKeys: true, dropped, parse.GetValue(dropAt), lifetime.Token);
            IReadOnlyList<string> failures = await group.WaitAsync(TimeSpan.FromHours(1));
            foreach (string f in failures)
            {
                context.Error.WriteLine(f);
            }

            context.Out.WriteLine(ProcessSiteFleet.PeakRssLine + (ResourceSampler.LifetimePeakRssBytes() ?? 0).ToString(CultureInfo.InvariantCulture));
            return failures.Count == 0 ? 0 : 1;
        });
        return command;
    }
}
