using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using FedScore.Secure.Emr.Model;
using FedScore.Secure.Emr.Storage;

namespace FedScore.Secure.Emr.Ingestion;

/// <summary>The export as a whole cannot be ingested (unreadable, no header, a mapped column absent); nothing was stored.</summary>
public sealed class IngestionException : Exception
{
    public IngestionException(string message) : base(message) { }

    public IngestionException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>
/// What an ingestion did (counts and column names only — no patient value), as printed by <c>fedscore emr ingest</c>.
/// Every data line is either accepted or quarantined: <c>Accepted + Quarantined == RowsRead</c>.
/// </summary>
public sealed record IngestionReport(
    string File,
    string FileSha256,
    bool AlreadyIngested,
    int RowsRead,
    int Accepted,
    int Quarantined,
    IReadOnlyDictionary<string, int> QuarantinedByReason,
    IReadOnlyDictionary<string, int> MissingByVariable,
    IReadOnlyList<string> MappedVariables,
    IReadOnlyList<string> UnmappedColumns,
    string Store)
{
    private static readonly JsonSerializerOptions s_json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string ToJson() => JsonSerializer.Serialize(this, s_json);

    internal static IngestionReport From(IngestionRun run, bool already, IReadOnlyList<string> unmapped, string store) => new(
        run.FileName, run.FileSha256, already, run.RowsRead, run.Accepted, run.Quarantined,
        run.QuarantinedByReason.OrderBy(p => p.Key).ToDictionary(p => p.Key.ToString(), p => p.Value),
        run.MissingByVariable, run.MappedVariables, unmapped, store);
}

/// <summary>
/// Reads a raw hospital export (CSV with a header row) through an <see cref="EmrMapping"/>, cleans every row and
/// commits the result in ONE store transaction (<see cref="IEmrStore.CommitIngestion"/>): accepted rows become
/// encounters in canonical units, every other row goes to the quarantine table with file, line number and reason.
/// Idempotent: a file whose SHA-256 was ingested before is not read again.
/// Per row the first failing check decides the reason, in this order: malformed line (bad quoting or wrong field
/// count), missing/invalid encounter id, duplicate id (an earlier accepted row of this file; ids already in the store
/// are caught by the store), unparsable value, value outside the plausible range (after unit conversion), outcome,
/// split, timestamp. Blank lines carry no data and are skipped (they are not rows).
/// </summary>
public static class ExportIngestor
{
    /// <summary>Largest export read (the whole file is hashed and parsed in memory).</summary>
    public const long MaxFileBytes = 512L * 1024 * 1024;

    public static IngestionReport Ingest(IEmrStore store, EmrMapping mapping, string path)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(mapping);
        var fileName = Path.GetFileName(path);
        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                throw new IngestionException($"{fileName}: export file not found.");
            }

            if (info.Length > MaxFileBytes)
            {
                throw new IngestionException($"{fileName}: larger than {MaxFileBytes / (1024 * 1024)} MiB; split the export.");
            }

            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IngestionException($"{fileName}: cannot read the export: {e.Message}", e);
        }

        return Ingest(store, mapping, bytes, fileName);
    }

    public static IngestionReport Ingest(IEmrStore store, EmrMapping mapping, byte[] bytes, string fileName)
    {
        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (store.FindIngestionRun(sha) is { } previous)
        {
            return IngestionReport.From(previous, true, [], store.Description);
        }

        var parsed = Parse(mapping, bytes, fileName);
        var commit = store.CommitIngestion(new IngestionBatch(
            fileName, sha, mapping.Sha256, parsed.RowsRead, parsed.Encounters, parsed.Quarantine, parsed.Missing,
            [.. mapping.Variables.Select(v => v.Variable.Name)]));
        return IngestionReport.From(commit.Run, commit.AlreadyIngested, parsed.Unmapped, store.Description);
    }

    private sealed record Parsed(int RowsRead, List<EncounterRecord> Encounters, List<QuarantineEntry> Quarantine, Dictionary<string, int> Missing, IReadOnlyList<string> Unmapped);

    private static Parsed Parse(EmrMapping mapping, byte[] bytes, string file)
    {
        using var reader = new StreamReader(new MemoryStream(bytes), new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true);
        var fields = new List<string>();
        string? headerLine;
        try
        {
            headerLine = reader.ReadLine();
        }
        catch (DecoderFallbackException e)
        {
            throw new IngestionException($"{file}: the header is not UTF-8 text.", e);
        }

        if (headerLine is null || headerLine.Trim().Length == 0)
        {
            throw new IngestionException($"{file}: empty file (no header row).");
        }

        if (!CsvLine.TryParse(headerLine, fields, out var headerError))
        {
            throw new IngestionException($"{file}, line 1 (header): {headerError}.");
        }

        var header = fields.ToArray();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var j = 0; j < header.Length; j++)
        {
            if (header[j].Length > 0 && !index.TryAdd(header[j], j))
            {
                throw new IngestionException($"{file}, line 1 (header): column '{header[j]}' appears twice.");
            }
        }

        foreach (var (field, column) in mapping.Columns())
        {
            if (!index.ContainsKey(column))
            {
                throw new IngestionException(
                    $"{file}: column '{column}' named by {mapping.Source} field '{field}' is not in the header (columns: {string.Join(", ", header)}).");
            }
        }

        var used = mapping.Columns().Select(c => c.Column).ToHashSet(StringComparer.Ordinal);
        var unmapped = header.Where(h => !used.Contains(h)).ToList();
        int idIx = index[mapping.EncounterIdColumn], outcomeIx = index[mapping.OutcomeColumn];
        var splitIx = mapping.SplitColumn is null ? -1 : index[mapping.SplitColumn];
        var timeIx = mapping.AdmittedAtColumn is null ? -1 : index[mapping.AdmittedAtColumn];
        var varIx = mapping.Variables.Select(v => index[v.Column]).ToArray();
        var modelIx = mapping.Variables.Select(v => CommonDataModel.IndexOf(v.Variable.Name)).ToArray();

        var encounters = new List<EncounterRecord>();
        var quarantine = new List<QuarantineEntry>();
        var missing = mapping.Variables.ToDictionary(v => v.Variable.Name, _ => 0, StringComparer.Ordinal);
        var acceptedIds = new HashSet<string>(StringComparer.Ordinal);
        var values = new double[CommonDataModel.VariableCount];
        var rowsRead = 0;
        var lineNumber = 1;
        while (true)
        {
            string? line;
            try
            {
                line = reader.ReadLine();
            }
            catch (DecoderFallbackException e)
            {
                // Past this point the line structure cannot be trusted: refuse the file rather than guess.
                throw new IngestionException($"{file}, line {lineNumber + 1}: not UTF-8 text; re-export the file as UTF-8.", e);
            }

            if (line is null)
            {
                break;
            }

            lineNumber++;
            if (line.Trim().Length == 0)
            {
                continue;
            }

            rowsRead++;
            void Reject(string? column, QuarantineReason reason, string detail) =>
                quarantine.Add(new QuarantineEntry(file, lineNumber, column, reason, detail, line));

            if (!CsvLine.TryParse(line, fields, out var error))
            {
                Reject(null, QuarantineReason.MalformedLine, error!);
                continue;
            }

            if (fields.Count != header.Length)
            {
                Reject(null, QuarantineReason.MalformedLine, $"{fields.Count} fields, the header has {header.Length}");
                continue;
            }

            var id = fields[idIx];
            if (id.Length == 0 || mapping.MissingTokens.Contains(id))
            {
                Reject(mapping.EncounterIdColumn, QuarantineReason.MissingEncounterId, "no encounter id");
                continue;
            }

            if (id.Length > EncounterRecord.MaxIdLength || id.Any(char.IsControl))
            {
                Reject(mapping.EncounterIdColumn, QuarantineReason.InvalidEncounterId,
                    $"an encounter id has at most {EncounterRecord.MaxIdLength} characters and no control characters");
                continue;
            }

            if (acceptedIds.Contains(id))
            {
                Reject(mapping.EncounterIdColumn, QuarantineReason.DuplicateEncounter, "encounter id already accepted from an earlier line of this file; the first is kept");
                continue;
            }

            Array.Fill(values, double.NaN);
            QuarantineEntry? problem = null;
            for (var k = 0; k < varIx.Length && problem is null; k++)
            {
                var m = mapping.Variables[k];
                var text = fields[varIx[k]];
                if (mapping.MissingTokens.Contains(text))
                {
                    continue;
                }

                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var raw) || !double.IsFinite(raw))
                {
                    problem = new QuarantineEntry(file, lineNumber, m.Column, QuarantineReason.UnparsableValue,
                        $"{m.Variable.Name}: not a number", line);
                    continue;
                }

                var canonical = m.Conversion.Apply(raw);
                if (!m.Range.Contains(canonical))
                {
                    problem = new QuarantineEntry(file, lineNumber, m.Column, QuarantineReason.OutOfRange,
                        $"{m.Variable.Name}: outside the plausible range {m.Range} {m.Variable.CanonicalUnit}" +
                        (m.Conversion.IsIdentity ? "" : $" after conversion from {m.Conversion.FromUnit}"), line);
                    continue;
                }

                values[modelIx[k]] = canonical;
            }

            if (problem is not null)
            {
                quarantine.Add(problem);
                continue;
            }

            int? outcome = null;
            var outcomeText = fields[outcomeIx];
            if (mapping.OutcomePositive.Contains(outcomeText))
            {
                outcome = 1;
            }
            else if (mapping.OutcomeNegative.Contains(outcomeText))
            {
                outcome = 0;
            }
            else if (!mapping.MissingTokens.Contains(outcomeText))
            {
                Reject(mapping.OutcomeColumn, QuarantineReason.InvalidOutcome,
                    $"outcome is neither positive ({string.Join("/", mapping.OutcomePositive)}) nor negative ({string.Join("/", mapping.OutcomeNegative)}) nor missing");
                continue;
            }

            string? split = null;
            if (splitIx >= 0 && !mapping.MissingTokens.Contains(fields[splitIx]))
            {
                split = CommonDataModel.NormaliseSplit(fields[splitIx]);
                if (split is null)
                {
                    Reject(mapping.SplitColumn, QuarantineReason.InvalidSplit, "split is not train, validate or test");
                    continue;
                }
            }

            DateTimeOffset? admitted = null;
            if (timeIx >= 0 && !mapping.MissingTokens.Contains(fields[timeIx]))
            {
                if (!mapping.TryParseTimestamp(fields[timeIx], out var at))
                {
                    Reject(mapping.AdmittedAtColumn, QuarantineReason.InvalidTimestamp,
                        $"timestamp matches none of the formats {string.Join(" | ", mapping.DateFormats)}");
                    continue;
                }

                admitted = at;
            }

            for (var k = 0; k < modelIx.Length; k++)
            {
                if (double.IsNaN(values[modelIx[k]]))
                {
                    missing[mapping.Variables[k].Variable.Name]++;
                }
            }

            acceptedIds.Add(id);
            encounters.Add(new EncounterRecord(id, values, outcome, split, admitted, lineNumber));
        }

        return new Parsed(rowsRead, encounters, quarantine, missing, unmapped);
    }
}
