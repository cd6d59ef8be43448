using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using FedScore.Secure.Emr.Model;

namespace FedScore.Secure.Emr.Ingestion;

/// <summary>A mapping file cannot be used; the message names the file and the JSON field.</summary>
public sealed class EmrMappingException : Exception
{
    public EmrMappingException(string file, string field, string problem)
        : base($"{file}: mapping field '{field}': {problem}")
    {
        File = file;
        Field = field;
    }

    public string File { get; }

    public string Field { get; }
}

/// <summary>How one common-data-model variable is read from the export.</summary>
/// <param name="Conversion">From the export's unit to the canonical unit.</param>
/// <param name="Range">Plausible range in the canonical unit (the model's default unless the mapping narrows/widens it).</param>
public sealed record VariableMapping(CdmVariable Variable, string Column, UnitConversion Conversion, PlausibleRange Range);

/// <summary>
/// The declarative description of one hospital's export (JSON), e.g.
/// <code>
/// {
///   "format": "fedscore-emr-mapping/1",
///   "encounterId": "AdmissionNo",
///   "outcome": { "column": "Died", "positive": ["Y"], "negative": ["N"] },
///   "split": "Cohort",
///   "admittedAt": { "column": "AdmitTime", "formats": ["dd/MM/yyyy HH:mm"], "utcOffset": "+08:00" },
///   "missing": ["", "NA", "-"],
///   "variables": { "Vital_F": { "column": "Temp_F", "unit": "degF" }, "Age": "AgeYears", "Lab_H": { "column": "Lactate", "range": [0, 30] } }
/// }
/// </code>
/// Only "encounterId", "outcome" and "variables" are required. A variable given as a string is a column in the
/// canonical unit. Unknown fields are errors (a typo must not silently drop a variable). An empty outcome cell marks a
/// current case (no outcome yet). Column names are matched exactly (case-sensitive) against the export's header.
/// </summary>
public sealed class EmrMapping
{
    public const string FormatName = "fedscore-emr-mapping/1";

    private static readonly string[] s_defaultMissing = ["", "NA", "N/A", "NaN", "null", "NULL", "."];
    private static readonly string[] s_defaultPositive = ["1", "TRUE", "true", "T", "yes", "Y"];
    private static readonly string[] s_defaultNegative = ["0", "FALSE", "false", "F", "no", "N"];
    private static readonly string[] s_defaultDateFormats =
        ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd"];

    private EmrMapping() { }

    /// <summary>File name the mapping came from (for messages).</summary>
    public string Source { get; private init; } = "";

    /// <summary>Lower-case hex SHA-256 of the mapping file's bytes (recorded with each ingestion).</summary>
    public string Sha256 { get; private init; } = "";

    public string EncounterIdColumn { get; private init; } = "";

    public string OutcomeColumn { get; private init; } = "";

    public IReadOnlySet<string> OutcomePositive { get; private init; } = new HashSet<string>();

    public IReadOnlySet<string> OutcomeNegative { get; private init; } = new HashSet<string>();

    public string? SplitColumn { get; private init; }

    public string? AdmittedAtColumn { get; private init; }

    public IReadOnlyList<string> DateFormats { get; private init; } = s_defaultDateFormats;

    /// <summary>Offset given to timestamps whose format carries none.</summary>
    public TimeSpan UtcOffset { get; private init; }

    public IReadOnlySet<string> MissingTokens { get; private init; } = new HashSet<string>();

    /// <summary>Mapped variables in common-data-model order.</summary>
    public IReadOnlyList<VariableMapping> Variables { get; private init; } = [];

    public static EmrMapping Load(string path)
    {
        var name = Path.GetFileName(path);
        byte[] bytes;
        try
        {
            bytes = System.IO.File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new EmrMappingException(name, "(file)", $"cannot read the mapping file: {e.Message}");
        }

        return Parse(bytes, name);
    }

    public static EmrMapping Parse(ReadOnlySpan<byte> json, string sourceName)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new EmrMappingException(sourceName, "(file)", $"not valid JSON (line {e.LineNumber + 1}): {e.Message}");
        }

        using (doc)
        {
            var p = new Parser(sourceName);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw p.Error("(root)", "the mapping must be a JSON object.");
            }

            p.OnlyKnown(root, "", ["format", "encounterId", "outcome", "split", "admittedAt", "missing", "variables", "description"]);
            if (root.TryGetProperty("format", out var format) && (format.ValueKind != JsonValueKind.String || format.GetString() != FormatName))
            {
                throw p.Error("format", $"must be \"{FormatName}\" (this program reads that version).");
            }

            var idColumn = p.Column(p.Required(root, "encounterId"), "encounterId");

            var outcome = p.Required(root, "outcome");
            string outcomeColumn;
            IReadOnlySet<string> positive = new HashSet<string>(s_defaultPositive, StringComparer.Ordinal);
            IReadOnlySet<string> negative = new HashSet<string>(s_defaultNegative, StringComparer.Ordinal);
            if (outcome.ValueKind == JsonValueKind.Object)
            {
                p.OnlyKnown(outcome, "outcome", ["column", "positive", "negative"]);
                outcomeColumn = p.Column(p.Required(outcome, "column", "outcome.column"), "outcome.column");
                if (outcome.TryGetProperty("positive", out var pos))
                {
                    positive = p.Strings(pos, "outcome.positive", allowEmptyList: false);
                }

                if (outcome.TryGetProperty("negative", out var neg))
                {
                    negative = p.Strings(neg, "outcome.negative", allowEmptyList: false);
                }

                if (positive.Overlaps(negative))
                {
                    throw p.Error("outcome.positive", "a value cannot be both positive and negative.");
                }
            }
            else
            {
                outcomeColumn = p.Column(outcome, "outcome");
            }

            string? splitColumn = root.TryGetProperty("split", out var split) ? p.Column(split, "split") : null;

            string? admittedColumn = null;
            IReadOnlyList<string> formats = s_defaultDateFormats;
            var offset = TimeSpan.Zero;
            if (root.TryGetProperty("admittedAt", out var admitted))
            {
                if (admitted.ValueKind == JsonValueKind.Object)
                {
                    p.OnlyKnown(admitted, "admittedAt", ["column", "formats", "utcOffset"]);
                    admittedColumn = p.Column(p.Required(admitted, "column", "admittedAt.column"), "admittedAt.column");
                    if (admitted.TryGetProperty("formats", out var f))
                    {
                        formats = [.. p.Strings(f, "admittedAt.formats", allowEmptyList: false)];
                        foreach (var fmt in formats)
                        {
                            try
                            {
                                _ = new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc).ToString(fmt, CultureInfo.InvariantCulture);
                            }
                            catch (FormatException)
                            {
                                throw p.Error("admittedAt.formats", $"'{fmt}' is not a valid .NET date format.");
                            }
                        }
                    }

                    if (admitted.TryGetProperty("utcOffset", out var o))
                    {
                        if (o.ValueKind != JsonValueKind.String
                            || !TimeSpan.TryParseExact(o.GetString()!.TrimStart('+'), @"hh\:mm", CultureInfo.InvariantCulture, out offset))
                        {
                            if (o.ValueKind == JsonValueKind.String && o.GetString()!.StartsWith('-')
                                && TimeSpan.TryParseExact(o.GetString()![1..], @"hh\:mm", CultureInfo.InvariantCulture, out var neg))
                            {
                                offset = -neg;
                            }
                            else
                            {
                                throw p.Error("admittedAt.utcOffset", "must look like \"+08:00\" or \"-05:00\".");
                            }
                        }

                        if (offset.Duration() > TimeSpan.FromHours(14))
                        {
                            throw p.Error("admittedAt.utcOffset", "must lie within ±14:00.");
                        }
                    }
                }
                else
                {
                    admittedColumn = p.Column(admitted, "admittedAt");
                }
            }

            var missing = root.TryGetProperty("missing", out var m)
                ? p.Strings(m, "missing", allowEmptyList: true)
                : new HashSet<string>(s_defaultMissing, StringComparer.Ordinal);

            var variablesElement = p.Required(root, "variables");
            if (variablesElement.ValueKind != JsonValueKind.Object)
            {
                throw p.Error("variables", "must be an object from common-data-model variable to column.");
            }

            var mapped = new List<VariableMapping>();
            foreach (var property in variablesElement.EnumerateObject())
            {
                var field = $"variables.{property.Name}";
                var index = CommonDataModel.IndexOf(property.Name);
                if (index < 0)
                {
                    throw p.Error(field, $"'{property.Name}' is not a common-data-model variable (have: {string.Join(", ", CommonDataModel.Variables.Select(v => v.Name))}).");
                }

                var variable = CommonDataModel.Variables[index];
                string column;
                string? unit = null;
                var range = variable.DefaultRange;
                if (property.Value.ValueKind == JsonValueKind.Object)
                {
                    p.OnlyKnown(property.Value, field, ["column", "unit", "range"]);
                    column = p.Column(p.Required(property.Value, "column", $"{field}.column"), $"{field}.column");
                    if (property.Value.TryGetProperty("unit", out var u))
                    {
                        unit = u.ValueKind == JsonValueKind.String ? u.GetString() : throw p.Error($"{field}.unit", "must be a string.");
                    }

                    if (property.Value.TryGetProperty("range", out var r))
                    {
                        if (r.ValueKind != JsonValueKind.Array || r.GetArrayLength() != 2
                            || r[0].ValueKind != JsonValueKind.Number || r[1].ValueKind != JsonValueKind.Number
                            || !(r[0].GetDouble() < r[1].GetDouble()))
                        {
                            throw p.Error($"{field}.range", "must be [min, max] with min < max, in the canonical unit " + variable.CanonicalUnit + ".");
                        }

                        range = new PlausibleRange(r[0].GetDouble(), r[1].GetDouble());
                    }
                }
                else
                {
                    column = p.Column(property.Value, field);
                }

                var conversion = UnitConversion.ToCanonical(variable, unit)
                    ?? throw p.Error($"{field}.unit", $"unit '{unit}' cannot be converted to {variable.CanonicalUnit} for {variable.Meaning}.");
                mapped.Add(new VariableMapping(variable, column, conversion, range));
            }

            if (mapped.Count == 0)
            {
                throw p.Error("variables", "maps no variable.");
            }

            var all = new List<(string Field, string Column)> { ("encounterId", idColumn), ("outcome", outcomeColumn) };
            if (splitColumn is not null)
            {
                all.Add(("split", splitColumn));
            }

            if (admittedColumn is not null)
            {
                all.Add(("admittedAt", admittedColumn));
            }

            all.AddRange(mapped.Select(v => ($"variables.{v.Variable.Name}", v.Column)));
            foreach (var group in all.GroupBy(a => a.Column, StringComparer.Ordinal).Where(g => g.Count() > 1))
            {
                throw p.Error(group.Last().Field, $"column '{group.Key}' is already used by '{group.First().Field}'.");
            }

            return new EmrMapping
            {
                Source = sourceName,
                Sha256 = Convert.ToHexStringLower(SHA256.HashData(json)),
                EncounterIdColumn = idColumn,
                OutcomeColumn = outcomeColumn,
                OutcomePositive = positive,
                OutcomeNegative = negative,
                SplitColumn = splitColumn,
                AdmittedAtColumn = admittedColumn,
                DateFormats = formats,
                UtcOffset = offset,
                MissingTokens = missing,
                Variables = [.. mapped.OrderBy(v => CommonDataModel.IndexOf(v.Variable.Name))],
            };
        }
    }

    /// <summary>All export columns the mapping reads, with the mapping field that names each.</summary>
    public IEnumerable<(string Field, string Column)> Columns()
    {
        yield return ("encounterId", EncounterIdColumn);
        yield return ("outcome.column", OutcomeColumn);
        if (SplitColumn is not null)
        {
            yield return ("split", SplitColumn);
        }

        if (AdmittedAtColumn is not null)
        {
            yield return ("admittedAt.column", AdmittedAtColumn);
        }

        foreach (var v in Variables)
        {
            yield return ($"variables.{v.Variable.Name}", v.Column);
        }
    }

    /// <summary>Parses a timestamp with the mapping's formats; formats without an offset get <see cref="UtcOffset"/>.</summary>
    public bool TryParseTimestamp(string text, out DateTimeOffset value)
    {
        foreach (var format in DateFormats)
        {
            if (format.Contains('K') || format.Contains('z'))
            {
                if (DateTimeOffset.TryParseExact(text, format, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value))
                {
                    return true;
                }
            }
            else if (DateTime.TryParseExact(text, format, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
            {
                value = new DateTimeOffset(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), UtcOffset);
                return true;
            }
        }

        value = default;
        return false;
    }

    private sealed class Parser(string source)
    {
        public EmrMappingException Error(string field, string problem) => new(source, field, problem);

        public JsonElement Required(JsonElement obj, string name, string? field = null) =>
            obj.TryGetProperty(name, out var value) ? value : throw Error(field ?? name, "is required.");

        public string Column(JsonElement e, string field) =>
            e.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(e.GetString())
                ? e.GetString()!
                : throw Error(field, "must be a non-empty column name (string).");

        public IReadOnlySet<string> Strings(JsonElement e, string field, bool allowEmptyList)
        {
            if (e.ValueKind != JsonValueKind.Array || e.EnumerateArray().Any(x => x.ValueKind != JsonValueKind.String)
                || (!allowEmptyList && e.GetArrayLength() == 0))
            {
                throw Error(field, allowEmptyList ? "must be a list of strings." : "must be a non-empty list of strings.");
            }

            return e.EnumerateArray().Select(x => x.GetString()!.Trim()).ToHashSet(StringComparer.Ordinal);
        }

        public void OnlyKnown(JsonElement obj, string path, string[] known)
        {
            foreach (var property in obj.EnumerateObject())
            {
                if (!known.Contains(property.Name, StringComparer.Ordinal))
                {
                    var field = path.Length == 0 ? property.Name : $"{path}.{property.Name}";
                    throw Error(field, $"unknown field (expected one of: {string.Join(", ", known)}).");
                }
            }
        }
    }
}
