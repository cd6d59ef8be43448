using System.CommandLine;
using System.Globalization;
using FedScore.Secure.Cli.Emr;
using FedScore.Secure.Emr.CaseScoring;
using FedScore.Secure.Emr.Ingestion;
using FedScore.Secure.Emr.Model;
using FedScore.Secure.Emr.Storage;
using Spectre.Console;

namespace FedScore.Secure.Cli.Commands;

/// <summary>
/// `fedscore emr`: the hospital's local record store. `ingest` cleans a raw export into the store (rejected rows go to
/// quarantine); `score` applies the stored score table to current cases. Nothing here prints a patient's values except
/// the score output of the case(s) asked for.
/// </summary>
internal static class EmrCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("emr", "The site's record store: ingest raw exports, score current cases")
        {
            IngestCommand(context),
            ScoreCommand(context),
            EmrWebCommand.Create(context),
        };
        return command;
    }

    private static Option<string> StoreOption() => new("--store")
    {
        Description = "The site's record store: a SQLite file (created if missing) or postgres:CONNECTION-STRING",
        Required = true,
    };

    private static Command IngestCommand(CliContext context)
    {
        var store = StoreOption();
        var mapping = new Option<FileInfo>("--mapping") { Description = "JSON mapping of the export's columns to the common data model", Required = true };
        var file = new Option<FileInfo>("--file") { Description = "Raw CSV export to ingest (re-ingesting the same file changes nothing)", Required = true };
        var json = new Option<bool>("--json") { Description = "Print exactly one JSON object (the ingestion report)" };
        var command = new Command("ingest", "Clean and load a raw export into the store; rejected rows go to quarantine with line and reason")
        {
            store, mapping, file, json,
        };
        command.SetAction(parse => EmrErrors.Translate(() =>
        {
            var map = EmrMapping.Load(parse.GetValue(mapping)!.FullName);
            using var s = EmrStores.Open(parse.GetValue(store)!);
            var report = ExportIngestor.Ingest(s, map, parse.GetValue(file)!.FullName);
            if (parse.GetValue(json))
            {
                context.Out.WriteLine(report.ToJson());
                return 0;
            }

            PrintReport(context.Console, report);
            return 0;
        }));
        return command;
    }

    private static void PrintReport(IAnsiConsole console, IngestionReport r)
    {
        if (r.AlreadyIngested)
        {
            console.MarkupLine($"{Markup.Escape(r.File)} was ingested before (same SHA-256): nothing changed. Earlier result:");
        }

        console.MarkupLine($"{Markup.Escape(r.File)} → {Markup.Escape(r.Store)}: {r.RowsRead} rows read, [green]{r.Accepted} accepted[/], [yellow]{r.Quarantined} quarantined[/]");
        if (r.QuarantinedByReason.Count > 0)
        {
            var table = new Table().AddColumn("quarantine reason").AddColumn(new TableColumn("rows").RightAligned());
            foreach (var (reason, n) in r.QuarantinedByReason)
            {
                table.AddRow(Markup.Escape(reason), n.ToString(CultureInfo.InvariantCulture));
            }

            console.Write(table);
        }

        var missing = r.MissingByVariable.Where(p => p.Value > 0).ToList();
        if (missing.Count > 0)
        {
            console.MarkupLine("Missing values among accepted rows: " + Markup.Escape(string.Join(", ", missing.Select(p => $"{p.Key} {p.Value}"))));
        }

        if (r.UnmappedColumns.Count > 0)
        {
            console.MarkupLine("Columns not used by the mapping: " + Markup.Escape(string.Join(", ", r.UnmappedColumns)));
        }
    }

    private static Command ScoreCommand(CliContext context)
    {
        var store = StoreOption();
        var encounter = new Option<string?>("--encounter") { Description = "Score this encounter (shows its values)" };
        var current = new Option<bool>("--current") { Description = "Score all current cases (encounters without an outcome; the default)" };
        var version = new Option<int?>("--version") { Description = "Score table version (default: the latest stored)" };
        var json = new Option<bool>("--json") { Description = "Print exactly one JSON object" };
        var command = new Command("score", "Points per variable, total and estimated risk from the stored score table")
        {
            store, encounter, current, version, json,
        };
        command.SetAction(parse => EmrErrors.Translate(() =>
        {
            string? id = parse.GetValue(encounter);
            if (id is not null && parse.GetValue(current))
            {
                throw new ArgumentException("give either --encounter ID or --current, not both");
            }

            string spec = parse.GetValue(store)!;
            if (!spec.StartsWith(EmrStores.PostgresPrefix, StringComparison.OrdinalIgnoreCase) && !File.Exists(spec))
            {
                throw new FileNotFoundException($"store not found: {Path.GetFullPath(spec)}", spec);
            }

            using var s = EmrStores.Open(spec);
            int? v = parse.GetValue(version);
            StoredScoreCard stored = s.GetScoreCard(v) ?? throw new InvalidOperationException(v is null
                ? $"{s.Description} holds no score table yet: run fedscore site --store or fedscore train --store first"
                : $"{s.Description} has no score table version {v}");
            IReadOnlyList<EncounterRecord> cases = id is not null
                ? [s.GetEncounter(id) ?? throw new ArgumentException($"no encounter '{id}' in {s.Description}")]
                : s.GetEncounters(EncounterSelection.Current);
            var scores = cases.Select(c => stored.Card.Score(c)).ToList();
            var covered = s.GetCoveredVariables();
            var notRecorded = stored.Card.Variables.Select(x => x.Variable).Where(x => !covered.Contains(x)).ToList();
            bool single = id is not null;

            if (parse.GetValue(json))
            {
                context.Out.WriteLine(CliJson.Serialize(new
                {
                    scoreTable = new
                    {
                        stored.Version, stored.CreatedAt, stored.Provenance.Scheme, stored.Provenance.Round, stored.Provenance.Session,
                        stored.Provenance.Sites, stored.Provenance.Note, stored.Sha256, stored.Card.MaxTotal,
                    },
                    notRecorded,
                    cases = scores.Select(c => new
                    {
                        c.EncounterId,
                        total = c.IsComplete ? c.Total : (int?)null,
                        risk = c.IsComplete ? c.Risk : (double?)null,
                        c.Unscored,
                        variables = c.Variables.Select(x => new { x.Variable, value = single && !double.IsNaN(x.Value) ? x.Value : (double?)null, x.Bin, x.Points }),
                    }),
                }));
                return 0;
            }

            context.Console.MarkupLine($"Score table version {stored.Version} ({Markup.Escape(stored.Provenance.Scheme)}, {stored.CreatedAt:yyyy-MM-dd HH:mm} UTC, session {Markup.Escape(stored.Provenance.Session ?? "-")}), maximum {stored.Card.MaxTotal} points");
            if (notRecorded.Count > 0)
            {
                context.Console.MarkupLine($"[yellow]Not recorded in this store (scored as missing): {Markup.Escape(string.Join(", ", notRecorded))}[/]");
            }

            if (single)
            {
                var c = scores[0];
                var table = new Table().AddColumn("variable").AddColumn(new TableColumn("value").RightAligned()).AddColumn("bin").AddColumn(new TableColumn("points").RightAligned());
                table.Title = new TableTitle($"Encounter {Markup.Escape(c.EncounterId)}");
                foreach (var x in c.Variables)
                {
                    table.AddRow(Markup.Escape(x.Variable), double.IsNaN(x.Value) ? "missing" : x.Value.ToString("G6", CultureInfo.InvariantCulture),
                        Markup.Escape(x.Bin ?? "(none)"), x.Points.ToString(CultureInfo.InvariantCulture));
                }

                context.Console.Write(table);
                context.Console.MarkupLine(c.IsComplete
                    ? $"Total [bold]{c.Total}[/] of {stored.Card.MaxTotal}; estimated risk [bold]{c.Risk:P1}[/]"
                    : $"[yellow]No total: {Markup.Escape(string.Join(", ", c.Unscored))} missing and the score table has no bin for a missing value[/]");
                return 0;
            }

            if (scores.Count == 0)
            {
                context.Console.MarkupLine("No current cases (encounters without an outcome) in the store.");
                return 0;
            }

            var all = new Table().AddColumn("encounter");
            foreach (var x in stored.Card.Variables)
            {
                all.AddColumn(new TableColumn(Markup.Escape(x.Variable)).RightAligned());
            }

            all.AddColumn(new TableColumn("total").RightAligned()).AddColumn(new TableColumn("risk").RightAligned());
            all.Title = new TableTitle($"{scores.Count} current cases (points per variable)");
            foreach (var c in scores)
            {
                all.AddRow([Markup.Escape(c.EncounterId), .. c.Variables.Select(x => x.Points.ToString(CultureInfo.InvariantCulture)),
                    c.IsComplete ? c.Total.ToString(CultureInfo.InvariantCulture) : "–",
                    c.IsComplete ? c.Risk.ToString("P1", CultureInfo.InvariantCulture) : $"missing {string.Join(", ", c.Unscored)}"]);
            }

            context.Console.Write(all);
            return 0;
        }));
        return command;
    }
}
