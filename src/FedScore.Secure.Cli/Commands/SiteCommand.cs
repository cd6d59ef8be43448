using System.CommandLine;
using FedScore.Secure.Aggregation.Masking;
using FedScore.Secure.Cli.Emr;
using FedScore.Secure.Cli.Training;
using FedScore.Secure.Emr.CaseScoring;
using FedScore.Secure.Emr.Storage;
using FedScore.Secure.Crypto.Identity;
using FedScore.Secure.Scoring.Federated;
using FedScore.Secure.Transport.Grpc.Federation;
using FedScore.Secure.Transport.Grpc.Site;
using Spectre.Console;

namespace FedScore.Secure.Cli.Commands;

/// <summary>
/// `fedscore site`: a hospital's process. Its records never leave it: it answers the coordinator's statistic requests
/// with protected contributions only, and keeps its own outputs (its test metrics, the final score) locally.
/// </summary>
internal static class SiteCommand
{
    public static Command Create(CliContext context)
    {
        var server = new Option<string>("--server") { Description = "Coordinator address, e.g. http://127.0.0.1:50051 (https:// for another machine)", Required = true };
        var data = new Option<FileInfo?>("--data") { Description = "This site's CSV file (or give --store)" };
        var store = new Option<string?>("--store") { Description = "This site's record store (SQLite file or postgres:CONNECTION): training data from it, final score table into it" };
        var name = new Option<string>("--name") { Description = "This site's name, as in the roster", Required = true };
        var key = new Option<FileInfo?>("--key") { Description = "This site's identity key (default NAME.key, from fedscore keygen)" };
        var roster = new Option<FileInfo?>("--roster") { Description = "Roster of the sites this site agrees to work with (default roster.json if present)" };
        var session = new Option<string>("--session") { Description = "Session id (as the server's)", DefaultValueFactory = _ => "fedscore" };
        var outcome = new Option<string>("--outcome") { Description = "Outcome column (0/1)", DefaultValueFactory = _ => "label" };
        var outDir = new Option<DirectoryInfo?>("--out") { Description = "Where this site keeps its outputs (default out/NAME)" };
        var allowPlain = new Option<bool>("--allow-plain") { Description = "Accept the plain scheme (statistics in clear; testing only)" };
        var trustCert = new Option<FileInfo?>("--server-cert") { Description = "Trust exactly this server certificate (self-signed TLS)" };
        var command = new Command("site", "Take part in a federated training as one hospital, over gRPC")
        {
            server, data, store, name, key, roster, session, outcome, outDir, allowPlain, trustCert,
        };

        command.SetAction(async (parse, cancellationToken) =>
        {
            var site = new ParticipantId(parse.GetValue(name)!);
            FileInfo keyFile = parse.GetValue(key) ?? new FileInfo($"{site}.key");
            using SiteSigningKey signing = SiteSigningKey.LoadKeyFile(keyFile.FullName);
            if (signing.Site != site)
            {
                throw new ArgumentException($"{keyFile.FullName} is the key of site '{signing.Site}', not '{site}'");
            }

            FileInfo? rosterFile = parse.GetValue(roster) ?? (File.Exists("roster.json") ? new FileInfo("roster.json") : null);
            SiteRoster? siteRoster = rosterFile is null ? null : SiteRoster.Load(rosterFile.FullName);
            IReadOnlySet<ParticipantId>? expected = siteRoster?.Sites.ToHashSet();
            var allowed = new HashSet<string>(["masking", "secagg+", "ckks", "bfv"], StringComparer.OrdinalIgnoreCase);
            if (parse.GetValue(allowPlain))
            {
                allowed.Add("plain");
            }

            string? storeSpec = parse.GetValue(store);
            if ((parse.GetValue(data) is null) == (storeSpec is null))
            {
                throw new ArgumentException("give exactly one of --data FILE and --store STORE");
            }

            var dataset = storeSpec is null
                ? SiteFiles.Load([parse.GetValue(data)!], parse.GetValue(outcome)!)[0].Data
                : StoreSites.Load([storeSpec], new HashSet<ParticipantId>())[0].Data;
            DirectoryInfo outputs = parse.GetValue(outDir) ?? new DirectoryInfo(Path.Combine("out", site.Value));
            outputs.Create();
            var endpoint = new SiteFederationEndpoint(site, FedScoreSiteStatistics.FromSplit(dataset), new SitePolicy
            {
                AllowedSchemes = allowed,
                ExpectedSites = expected,
                // Key advertisements are signed with this site's identity key and, with a roster, others' are checked.
                Masking = new MaskingOptions
                {
                    Signer = new IdentityAdvertisementSigner(signing),
                    Verifier = siteRoster is null ? null : new RosterAdvertisementVerifier(siteRoster),
                },
            });
            if (siteRoster is null)
            {
                context.Console.MarkupLine("[yellow]No roster: this site cannot check the other sites' key signatures (give --roster).[/]");
            }
            endpoint.TaskHandled += message => context.Console.MarkupLine($"[grey]{Markup.Escape(site.Value)}:[/] {Markup.Escape(message)}");
            endpoint.Released += (kind, json) => File.WriteAllText(Path.Combine(outputs.FullName, $"released_{kind.Replace('.', '_')}.json"), json);
            endpoint.ResultReceived += json => File.WriteAllText(Path.Combine(outputs.FullName, "final_summary.json"), json);
            if (storeSpec is not null)
            {
                endpoint.ResultReceived += json => StoreFinalScore(context, storeSpec, dataset, json,
                    new ScoreProvenance(endpoint.SchemeName ?? "unknown", Session: parse.GetValue(session), Sites: siteRoster?.Sites.Select(s => s.Value).ToList(), Note: "fedscore site"));
            }

            if (!Uri.TryCreate(parse.GetValue(server), UriKind.Absolute, out Uri? serverUri))
            {
                throw new ArgumentException($"--server '{parse.GetValue(server)}' is not an absolute URL such as http://127.0.0.1:50051");
            }

            var options = new FederationSiteOptions(serverUri, parse.GetValue(session)!)
            {
                TrustedServerCertificatePath = parse.GetValue(trustCert)?.FullName,
            };
            await using var client = new FederationSiteClient(options, signing, endpoint.Participant, endpoint.Handler);
            context.Console.MarkupLine($"{Markup.Escape(site.Value)}: {dataset.RowCount} records stay here; connecting to {options.ServerAddress}…");
            await client.RunAsync(cancellationToken);
            context.Console.MarkupLine($"{Markup.Escape(site.Value)}: session over; outputs in {Markup.Escape(outputs.FullName)}");
            return 0;
        });
        return command;
    }

    /// <summary>Keeps the final score in the site's store; a failure here is reported but does not fail the session.</summary>
    private static void StoreFinalScore(CliContext context, string storeSpec, Scoring.Data.Dataset dataset, string summaryJson, ScoreProvenance provenance)
    {
        try
        {
            bool calibratedHere = false;
            var (card, _) = ScoreCardFactory.FromSummaryJson(summaryJson, table =>
            {
                calibratedHere = true;
                return ScoreCardFactory.CalibrateLocally(table, StoreSites.CalibrationRows(dataset));
            });
            using var siteStore = EmrStores.Open(storeSpec);
            var variables = card.Variables.Select(v => v.Variable).ToList();
            string risk = calibratedHere ? "risk calibrated on this site's test rows (the pooled table was not released)" : "risk from the pooled test set";
            var stored = siteStore.SaveScoreCard(card, provenance with { Note = $"{provenance.Note}; {StoreSites.Describe(variables)}; {risk}" });
            context.Console.MarkupLine($"Stored score table version {stored.Version} in {Markup.Escape(siteStore.Description)}");
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or EmrStoreException or System.Text.Json.JsonException
                                       or KeyNotFoundException or Npgsql.NpgsqlException or Microsoft.Data.Sqlite.SqliteException)
        {
            context.Console.MarkupLine($"[yellow]The final score was not stored in the site store: {Markup.Escape(e.Message)}[/]");
        }
    }
}
