using System.Globalization;
using System.Text;

namespace FedScore.Secure.Cli.Reproduction;

/// <summary>A small CSV table (invariant culture, fixed number formats) so that reruns write byte-identical files.</summary>
internal sealed class CsvTable(params string[] header)
{
    private readonly List<string[]> _rows = [];

    public IReadOnlyList<string> Header => header;

    public IReadOnlyList<string[]> Rows => _rows;

    public void Add(params object?[] cells)
    {
        if (cells.Length != header.Length)
        {
            throw new ArgumentException($"row has {cells.Length} cells, header has {header.Length}.");
        }

        _rows.Add([.. cells.Select(Format)]);
    }

    public void Write(string path)
    {
        var sb = new StringBuilder();
        sb.Append(string.Join(',', header.Select(Quote))).Append('\n');
        foreach (string[] row in _rows)
        {
            sb.Append(string.Join(',', row.Select(Quote))).Append('\n');
        }

        File.WriteAllText(path, sb.ToString());
    }

    /// <summary>Numbers: 4 decimals for doubles (AUCs as R prints them), integers as they are.</summary>
    public static string Format(object? value) => value switch
    {
        null => "",
        double d when double.IsNaN(d) => "",
        double d => d.ToString("0.0000", CultureInfo.InvariantCulture),
        float f => ((double)f).ToString("0.0000", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    public static string Cuts(IEnumerable<double> cuts) => string.Join(' ', cuts.Select(c => c.ToString("G6", CultureInfo.InvariantCulture)));

    private static string Quote(string s) => s.Contains(',') || s.Contains('"') ? $"\"{s.Replace("\"", "\"\"")}\"" : s;
}
