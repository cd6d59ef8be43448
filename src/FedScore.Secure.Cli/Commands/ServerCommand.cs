using System.CommandLine;
using System.Net;
using FedScore.Secure.Aggregation;
using FedScore.Secure.Aggregation.Masking;
using FedScore.Secure.Cli.Training;
using FedScore.Secure.Crypto.Identity;
using FedScore.Secure.Scoring.Federated;
using FedScore.Secure.Transport.Grpc.Federation;
using FedScore.Secure.Transport.Grpc.Server;
using Spectre.Console;

namespace FedScore.Secure.Cli.Commands;

/// <summary>
/// `fedscore server`: the coordinating server. Waits for N sites of the roster, proposes the session, runs the whole
/// federated pipeline over gRPC (every cross-site quantity a secure sum) and writes the results.
/// </summary>
internal static class ServerCommand
{
    public static Command Create(CliContext context)
    {
        var port = new Option<int>("--port") { Description = "TCP port to listen on", DefaultValueFactory = _ => 50051 };
        var sites = new Option<int>("--sites") { Description = "How many sites to wait for", Required = true };
        var scheme = TrainCommand.SchemeOption();
        var threshold = new Option<int?>("--threshold") { Description = "Minimum surviving sites (default: a strict majority)" };
        var outDir = new Option<DirectoryInfo>("--out") { Description = "Where to write score table, plots and summary", DefaultValueFactory = _ => new DirectoryInfo(Path.Combine("out", "server")) };
        var roster = new Option<FileInfo>("--roster") { Description = "The sites' identity public keys (from fedscore keygen)", DefaultValueFactory = _ => new FileInfo("roster.json") };
        var session = new Option<string>("--session") { Description = "Session id (sites must name the same)", DefaultValueFactory = _ => "fedscore" };
        var timeout = new Option<double>("--timeout") { Description = "Seconds to wait for sites to connect, and for each protocol stage", DefaultValueFactory = _ => 120 };
        var bind = new Option<string>("--bind") { Description = "Address to listen on (non-loopback needs --cert)", DefaultValueFactory = _ => "127.0.0.1" };
        var cert = new Option<FileInfo?>("--cert") { Description = "TLS certificate (PKCS#12, or PEM with --cert-key)" };
        var certKey = new Option<FileInfo?>("--cert-key") { Description = "PEM private key for --cert" };
        var maxVariables = new Option<int>("--max-variables") { Description = "Parsimony curve from 1 to M variables", DefaultValueFactory = _ => 20 };
        var variables = new Option<int?>("--variables") { Description = "Number of variables in the final score (default: best validation AUC)" };
        var json = new Option<bool>("--json") { Description = "Print the training summary as one JSON object at the end" };

        var command = new Command("server", "Coordinate a federated training across site processes over gRPC")
        {
            port, sites, scheme, threshold, outDir, roster, session, timeout, bind, cert, certKey, maxVariables, variables, json,
        };

        command.SetAction(async (parse, cancellationToken) =>
        {
            SiteRoster siteRoster = SiteRoster.Load(parse.GetValue(roster)!.FullName);
            int n = parse.GetValue(sites);
            if (n < 1 || n > siteRoster.Count)
            {
                throw new ArgumentException($"--sites must be in [1, {siteRoster.Count}] (the roster lists {siteRoster.Count} sites)");
            }

            // The server checks the sites' signed key advertisements too (it cannot sign for them: no site key here).
            IAggregationScheme aggregation = AggregationSchemes.Create(parse.GetValue(scheme)!, new MaskingOptions { Verifier = new RosterAdvertisementVerifier(siteRoster) });
            TimeSpan wait = TimeSpan.FromSeconds(parse.GetValue(timeout));
            var options = new FederationServerOptions(parse.GetValue(session)!, siteRoster)
            {
                Port = parse.GetValue(port),
                BindAddress = IPAddress.Parse(parse.GetValue(bind)!),
                CertificatePath = parse.GetValue(cert)?.FullName,
                CertificateKeyPath = parse.GetValue(certKey)?.FullName,
            };

            await using FederationServerHost host = await FederationServerHost.StartAsync(options, cancellationToken);
            host.Event += e =>
            {
                if (e.Kind is FederationEventKind.SiteConnected or FederationEventKind.SiteDropped or FederationEventKind.ProtocolViolation)
                {
                    context.Console.MarkupLine($"[grey]{Markup.Escape(e.ToString())}[/]");
                }
            };
            context.Console.MarkupLine($"Listening on {host.Address} for {n} of {siteRoster.Count} sites (session {Markup.Escape(options.SessionId)}, scheme {aggregation.Name})");
            await host.WaitForSitesAsync(n, wait, cancellationToken);
            int t = parse.GetValue(threshold) ?? SessionConfig.MajorityThreshold(host.ConnectedSites.Count);
            context.Console.MarkupLine($"Sites connected: {string.Join(", ", host.ConnectedSites)}; threshold {t}");

            RemoteFederation federation = await RemoteFederation.StartAsync(host, aggregation, options.SessionId, t, wait, cancellationToken);
            var pipelineOptions = new FedScoreOptions { MaxVariables = parse.GetValue(maxVariables), FinalVariableCount = parse.GetValue(variables) };

            // The pipeline is synchronous (it waits on each secure sum); run it off the thread pool's request threads.
            // A pooled-exact statistic needs every site it started with: when a site drops out, the round itself is
            // recovered (so nothing leaks), and the pipeline starts again over the survivors while ≥ threshold remain,
            // so the final score is the pooled-exact score of the sites that finished.
            FedScoreResult result;
            while (true)
            {
                try
                {
                    result = await Task.Factory.StartNew(
                        () => TrainCommand.Run(context, federation, pipelineOptions, DisclosurePolicy.Default, quiet: false),
                        cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
                    break;
                }
                catch (SiteDroppedException e)
                {
                    int remaining = federation.Sites.Count - federation.Dropped.Count;
                    if (remaining < t)
                    {
                        throw new AggregationFailedException(
                            $"only {remaining} sites remain, threshold is {t}; missing: {string.Join(", ", federation.Dropped)}", [.. federation.Dropped]);
                    }

                    context.Console.MarkupLine($"[yellow]{Markup.Escape(e.Message)} Restarting the pipeline over the {remaining} remaining sites.[/]");
                }
            }
            TrainSummary summary = TrainSummary.From(result);
            IReadOnlyList<string> written = TrainingOutput.Write(parse.GetValue(outDir)!, result, summary, $"{federation.Sites.Count} sites over gRPC, {aggregation.Name}");
            await federation.PublishResultAsync(summary.ToJson(), cancellationToken);
            await host.SendShutdownAsync(TimeSpan.FromSeconds(5), cancellationToken);

            if (parse.GetValue(json))
            {
                context.Out.WriteLine(summary.ToJson());
            }
            else
            {
                TrainingOutput.Print(context.Console, summary);
                context.Console.MarkupLine(summary.AucPooled is { } auc
                    ? $"Pooled test AUC {auc:F4} (95 % CI {summary.AucCi![0]:F4}–{summary.AucCi[1]:F4}) from {federation.Releases.Count} secure sums"
                    : $"Pooled test AUC not released: {Markup.Escape(summary.Refusal ?? "refused")}");
                if (federation.Dropped.Count > 0)
                {
                    context.Console.MarkupLine($"[yellow]Dropped during the session: {string.Join(", ", federation.Dropped)}[/]");
                }

                context.Console.MarkupLine($"Wrote {written.Count} files to {Markup.Escape(parse.GetValue(outDir)!.FullName)}");
            }

            return 0;
        });
        return command;
    }
}
