namespace FedScore.Secure.Scoring.Data;

/// <summary>
/// A data file does not match the expected schema. The message always names the file, and where known the
/// 1-based line number (the header is line 1) and the column, so that a data manager can fix the file directly.
/// </summary>
public sealed class DataFormatException : Exception
{
    public DataFormatException(string file, int? line, string? column, string reason)
        : base(Format(file, line, column, reason))
    {
        File = file;
        Line = line;
        Column = column;
        Reason = reason;
    }

    public string File { get; }

    public int? Line { get; }

    public string? Column { get; }

    public string Reason { get; }

    private static string Format(string file, int? line, string? column, string reason)
    {
        var where = file;
        if (line is { } l)
        {
            where += $", line {l}";
        }

        if (column is not null)
        {
            where += $", column '{column}'";
        }

        return $"{where}: {reason}";
    }
}
