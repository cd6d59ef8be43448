using System.CommandLine;
using System.Globalization;
using FedScore.Secure.Emr.Storage;
using FedScore.Secure.Emr.Web;

namespace FedScore.Secure.Cli.Commands;

/// <summary>
/// `fedscore emr web`: the clinician page over a site store (score table, current cases, entered values), on loopback
/// unless --allow-remote. Runs until Ctrl+C. The page only reads the store.
/// </summary>
internal static class EmrWebCommand
{
    public static Command Create(CliContext context)
    {
        var store = new Option<string>("--store") { Description = "The site's record store: a SQLite file (from fedscore emr ingest) or postgres:CONNECTION-STRING", Required = true };
        var urls = new Option<string>("--urls") { Description = "Address to serve on: http://IP:port (port 0 = any free port)", DefaultValueFactory = _ => WebOptions.DefaultUrl };
        var allowRemote = new Option<bool>("--allow-remote") { Description = "Allow a non-loopback address (serves patient data over plain HTTP: put a TLS proxy in front)" };
        var bands = new Option<string?>("--risk-bands") { Description = "Risk thresholds of the moderate and high bands, e.g. 0.1,0.3 (the default)" };
        var command = new Command("web", "Serve the clinician page: the stored score table, and points, total and risk of a case")
        {
            store, urls, allowRemote, bands,
        };

        command.SetAction(async (parse, cancellationToken) =>
        {
            var spec = parse.GetValue(store)!;
            var isPostgres = spec.StartsWith(EmrStores.PostgresPrefix, StringComparison.OrdinalIgnoreCase);
            if (!isPostgres && !File.Exists(spec))
            {
                // Opening a missing SQLite file would create an empty store; the page must not create anything.
                throw new ArgumentException($"no site store at {Path.GetFullPath(spec)} (create one with fedscore emr ingest)");
            }

            var options = new WebOptions
            {
                Url = parse.GetValue(urls)!.Trim(),
                AllowNonLoopback = parse.GetValue(allowRemote),
                RiskBands = parse.GetValue(bands) is { } text ? ParseBands(text) : RiskBands.Default,
            };

            using var emr = isPostgres ? EmrStores.Open(spec) : SqliteEmrStore.Open(spec);
            await using var app = ClinicianWebApp.Build(emr, options);
            if (options.AllowNonLoopback && !ListenAddress.Parse(options.Url, true).IsLoopback)
            {
                context.Error.WriteLine("fedscore: warning: serving patient data to the network over plain HTTP; put an authenticating TLS reverse proxy in front.");
            }

            await app.StartAsync(cancellationToken);
            foreach (var address in ClinicianWebApp.BoundAddresses(app))
            {
                context.Out.WriteLine($"Clinician page for {emr.Description}: {address}");
            }

            context.Out.WriteLine(emr.GetScoreCard() is { } table
                ? $"Score table version {table.Version} ({table.Provenance.Scheme}); press Ctrl+C to stop."
                : "No score table is stored yet; the page says so. Press Ctrl+C to stop.");
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
            }

            await app.StopAsync(CancellationToken.None);
            return 0;
        });
        return command;
    }

    private static RiskBands ParseBands(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length != 2
            || !double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var moderate)
            || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var high))
        {
            throw new ArgumentException($"--risk-bands takes two risks as fractions, e.g. 0.1,0.3 (got '{text}')");
        }

        return RiskBands.FromThresholds(moderate, high);
    }
}
