using System.Text;

namespace FedScore.Secure.Emr.Ingestion;

/// <summary>
/// Splits one physical line of an RFC 4180-style CSV (comma separator, double-quote quoting with "" as an escaped
/// quote). A quoted field may not span lines: exports with embedded newlines are rare and an unterminated quote would
/// otherwise swallow the rest of the file, so such a line is reported as malformed (and quarantined) instead.
/// Fields are trimmed of surrounding white space, as the scoring layer's CSV reader does.
/// </summary>
internal static class CsvLine
{
    public static bool TryParse(string line, List<string> fields, out string? error)
    {
        fields.Clear();
        var sb = new StringBuilder();
        var i = 0;
        while (true)
        {
            sb.Clear();
            while (i < line.Length && line[i] is ' ' or '\t')
            {
                i++;
            }

            if (i < line.Length && line[i] == '"')
            {
                i++;
                while (true)
                {
                    if (i >= line.Length)
                    {
                        error = "unterminated quoted field";
                        return false;
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

                while (i < line.Length && line[i] is ' ' or '\t')
                {
                    i++;
                }

                if (i < line.Length && line[i] != ',')
                {
                    error = $"unexpected character after a quoted field (position {i + 1})";
                    return false;
                }
            }
            else
            {
                while (i < line.Length && line[i] != ',')
                {
                    if (line[i] == '"')
                    {
                        error = $"quote inside an unquoted field (position {i + 1})";
                        return false;
                    }

                    sb.Append(line[i++]);
                }
            }

            fields.Add(sb.ToString().Trim());
            if (i >= line.Length)
            {
                error = null;
                return true;
            }

            i++; // the comma
        }
    }
}
