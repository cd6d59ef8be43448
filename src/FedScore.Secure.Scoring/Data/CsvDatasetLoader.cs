using System.Globalization;

namespace FedScore.Secure.Scoring.Data;

/// <summary>How a site's CSV file is read.</summary>
public sealed record CsvLoadOptions
{
    /// <summary>Binary outcome column (0/1, TRUE/FALSE, T/F). AutoScore's convention is "label".</summary>
    public string OutcomeColumn { get; init; } = "label";

    /// <summary>Optional split column; honoured when present ("train"/"validate"/"test").</summary>
    public string SplitColumn { get; init; } = "split";

    /// <summary>Columns that are identifiers, not predictors (the demo CSVs carry R row names).</summary>
    public IReadOnlySet<string> IgnoredColumns { get; init; } =
        new HashSet<string>(["row_name", "sample_data_row", ""], StringComparer.Ordinal);

    /// <summary>A non-numeric column is categorical only if it has fewer levels than this (AutoScore: 10).</summary>
    public int MaxCategoricalLevels { get; init; } = 10;

    /// <summary>Strings read as missing values (besides the empty field).</summary>
    public IReadOnlySet<string> MissingTokens { get; init; } =
        new HashSet<string>(["NA", "NaN", "null", "NULL"], StringComparer.Ordinal);
}

/// <summary>
/// Reads a site's CSV (RFC 4180 quoting, comma separator, header row) into a <see cref="Dataset"/>, checking the
/// schema as it goes: every error names the file, the line (header = line 1) and the column.
/// Column kinds: numeric if every non-missing value parses as a number (invariant culture); otherwise categorical
/// if it has fewer than <see cref="CsvLoadOptions.MaxCategoricalLevels"/> distinct values; otherwise an error that
/// quotes the first non-numeric value.
/// </summary>
public static class CsvDatasetLoader
{
    public static Dataset Load(string path, CsvLoadOptions? options = null)
    {
        if (!File.Exists(path))
        {
            throw new DataFormatException(path, null, null, "file not found.");
        }

        using var reader = new StreamReader(path);
        return Load(reader, path, options);
    }

    public static Dataset Load(TextReader reader, string fileName, CsvLoadOptions? options = null)
    {
        options ??= new CsvLoadOptions();
        var headerLine = reader.ReadLine() ?? throw new DataFormatException(fileName, 1, null, "the file is empty (no header row).");
        var header = SplitLine(headerLine, fileName, 1);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var j = 0; j < header.Count; j++)
        {
            if (header[j].Length > 0 && !seen.Add(header[j]))
            {
                throw new DataFormatException(fileName, 1, header[j], "duplicate column name.");
            }
        }

        var outcomeIndex = header.IndexOf(options.OutcomeColumn);
        if (outcomeIndex < 0)
        {
            throw new DataFormatException(fileName, 1, options.OutcomeColumn,
                $"outcome column not found (columns: {string.Join(", ", header)}).");
        }

        var splitIndex = header.IndexOf(options.SplitColumn);
        var predictorIndexes = new List<int>();
        for (var j = 0; j < header.Count; j++)
        {
            if (j != outcomeIndex && j != splitIndex && !options.IgnoredColumns.Contains(header[j]))
            {
                ValidateName(header[j], fileName);
                predictorIndexes.Add(j);
            }
        }

        if (predictorIndexes.Count == 0)
        {
            throw new DataFormatException(fileName, 1, null, "no predictor columns.");
        }

        var raw = new List<string?>[predictorIndexes.Count];
        for (var k = 0; k < raw.Length; k++)
        {
            raw[k] = [];
        }

        var outcome = new List<int>();
        var split = splitIndex >= 0 ? new List<string>() : null;
        var lineNumber = 1;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            var fields = SplitLine(line, fileName, lineNumber);
            if (fields.Count != header.Count)
            {
                throw new DataFormatException(fileName, lineNumber, null,
                    $"expected {header.Count} fields as in the header, found {fields.Count}.");
            }

            outcome.Add(ParseOutcome(fields[outcomeIndex], fileName, lineNumber, options.OutcomeColumn));
            if (split is not null)
            {
                var s = fields[splitIndex];
                if (!Dataset.IsKnownSplitLabel(s))
                {
                    throw new DataFormatException(fileName, lineNumber, options.SplitColumn,
                        $"unknown split '{s}' (expected train, validate or test).");
                }

                split.Add(s);
            }

            for (var k = 0; k < raw.Length; k++)
            {
                var f = fields[predictorIndexes[k]];
                raw[k].Add(f.Length == 0 || options.MissingTokens.Contains(f) ? null : f);
            }
        }

        if (outcome.Count == 0)
        {
            throw new DataFormatException(fileName, null, null, "no data rows.");
        }

        var columns = new PredictorColumn[raw.Length];
        for (var k = 0; k < raw.Length; k++)
        {
            columns[k] = BuildColumn(header[predictorIndexes[k]], raw[k], fileName, options);
        }

        return new Dataset(columns, [.. outcome], split?.ToArray(), fileName);
    }

    /// <summary>
    /// AutoScore matches variable names with regular expressions and builds labels like "Age[36,49)", so names
    /// with , [ ] ( ) would be ambiguous. We key everything by name and do not need the substring rule.
    /// </summary>
    private static void ValidateName(string name, string fileName)
    {
        if (name.IndexOfAny([',', '[', ']', '(', ')']) >= 0)
        {
            throw new DataFormatException(fileName, 1, name, "predictor names must not contain , [ ] ( ).");
        }
    }

    private static int ParseOutcome(string field, string file, int line, string column) => field switch
    {
        "0" or "FALSE" or "false" or "F" or "0.0" => 0,
        "1" or "TRUE" or "true" or "T" or "1.0" => 1,
        "" or "NA" => throw new DataFormatException(file, line, column, "missing outcome value."),
        _ => throw new DataFormatException(file, line, column, $"outcome '{field}' is not binary (expected 0/1 or TRUE/FALSE)."),
    };

    private static PredictorColumn BuildColumn(string name, List<string?> raw, string file, CsvLoadOptions options)
    {
        var values = new double[raw.Count];
        var firstBad = -1;
        for (var i = 0; i < raw.Count; i++)
        {
            var s = raw[i];
            if (s is null)
            {
                values[i] = double.NaN;
            }
            else if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v))
            {
                values[i] = v;
            }
            else
            {
                firstBad = i;
                break;
            }
        }

        if (firstBad < 0)
        {
            return PredictorColumn.Numeric(name, values);
        }

        var levels = raw.Where(s => s is not null).Distinct(StringComparer.Ordinal).Count();
        if (levels >= options.MaxCategoricalLevels)
        {
            // Line = data row index + 2 (header is line 1). Blank lines are skipped, so this is exact for files without them.
            throw new DataFormatException(file, firstBad + 2, name,
                $"value '{raw[firstBad]}' is not numeric, and the column has {levels} distinct values; " +
                $"a categorical predictor needs fewer than {options.MaxCategoricalLevels} levels.");
        }

        return PredictorColumn.Categorical(name, raw);
    }

    /// <summary>Splits one CSV line; supports quoted fields with doubled quotes; a quote cannot span lines.</summary>
    internal static List<string> SplitLine(string line, string file, int lineNumber)
    {
        var fields = new List<string>();
        var sb = new System.Text.StringBuilder();
        var i = 0;
        while (true)
        {
            sb.Clear();
            if (i < line.Length && line[i] == '"')
            {
                i++;
                while (true)
                {
                    if (i >= line.Length)
                    {
                        throw new DataFormatException(file, lineNumber, null, "unterminated quoted field.");
                    }

                    if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"')
                        {
                            sb.Append('"');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    sb.Append(line[i++]);
                }

                if (i < line.Length && line[i] != ',')
                {
                    throw new DataFormatException(file, lineNumber, null, $"unexpected character after a quoted field at position {i + 1}.");
                }
            }
            else
            {
                while (i < line.Length && line[i] != ',')
                {
                    sb.Append(line[i++]);
                }
            }

            fields.Add(sb.ToString().Trim());
            if (i >= line.Length)
            {
                break;
            }

            i++; // skip comma
        }

        return fields;
    }
}
