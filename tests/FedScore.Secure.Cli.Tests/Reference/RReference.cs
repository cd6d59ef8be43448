using System.Diagnostics;
using System.Globalization;

namespace FedScore.Secure.Cli.Tests.Reference;

/// <summary>
/// The base-R reference values (glm_reference.R) committed under Reference/expected, and the means to regenerate
/// them live. Numbers are stored with sprintf("%.17g") so each parses back to R's exact double.
/// </summary>
internal static class RReference
{
    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "FedScore.Secure.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("FedScore.Secure.sln not found above " + AppContext.BaseDirectory);
    }

    public static string ScriptPath => Path.Combine(RepoRoot(), "tests", "FedScore.Secure.Cli.Tests", "Reference", "glm_reference.R");

    public static string ExpectedDirectory => Path.Combine(RepoRoot(), "tests", "FedScore.Secure.Cli.Tests", "Reference", "expected");

    public static string DataFile(string name) => Path.Combine(RepoRoot(), "data", name);

    /// <summary>A committed reference table (header → column index, rows of fields).</summary>
    public static CsvTable Expected(string file) => CsvTable.Load(Path.Combine(ExpectedDirectory, file));

    /// <summary>Full path of Rscript on PATH, or null.</summary>
    public static string? FindRscript()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, OperatingSystem.IsWindows() ? "Rscript.exe" : "Rscript");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Runs glm_reference.R into <paramref name="outDir"/>; throws with R's stderr when it fails.</summary>
    public static void RunScript(string outDir)
    {
        var rscript = FindRscript() ?? throw new InvalidOperationException("Rscript is not on PATH.");
        var start = new ProcessStartInfo(rscript)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("--vanilla");
        start.ArgumentList.Add(ScriptPath);
        start.ArgumentList.Add(RepoRoot());
        start.ArgumentList.Add(outDir);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start Rscript.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("glm_reference.R did not finish within 120 s.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"glm_reference.R failed (exit {process.ExitCode}):\n{stdout.Result}\n{stderr.Result}");
        }
    }

    public static double Number(string field) =>
        double.Parse(field, NumberStyles.Float, CultureInfo.InvariantCulture);

    /// <summary>|a − e| / |e| (absolute when e is 0).</summary>
    public static double Relative(double expected, double actual) =>
        Math.Abs(actual - expected) / (expected == 0 ? 1 : Math.Abs(expected));
}

/// <summary>A small RFC 4180 reader for R's write.csv output (quoted fields may hold commas, e.g. "[35,49)").</summary>
internal sealed class CsvTable
{
    private readonly Dictionary<string, int> _columns;

    private CsvTable(IReadOnlyList<string> header, IReadOnlyList<string[]> rows)
    {
        _columns = header.Select((h, i) => (h, i)).ToDictionary(t => t.h, t => t.i, StringComparer.Ordinal);
        Rows = rows;
    }

    public IReadOnlyList<string[]> Rows { get; }

    public string Get(string[] row, string column) =>
        _columns.TryGetValue(column, out var i) ? row[i] : throw new KeyNotFoundException($"no column '{column}' (have {string.Join(", ", _columns.Keys)}).");

    public double Number(string[] row, string column) => RReference.Number(Get(row, column));

    public IEnumerable<string[]> Where(string column, string value) => Rows.Where(r => Get(r, column) == value);

    public static CsvTable Load(string path)
    {
        var lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToArray();
        if (lines.Length == 0)
        {
            throw new InvalidDataException($"{path}: empty.");
        }

        return new CsvTable(CsvFields.Split(lines[0]), [.. lines.Skip(1).Select(CsvFields.Split)]);
    }
}

/// <summary>A fact that needs Rscript on PATH; without it the test is reported skipped, with the reason.</summary>
public sealed class RscriptFactAttribute : FactAttribute
{
    public RscriptFactAttribute()
    {
        if (RReference.FindRscript() is null)
        {
            Skip = "Rscript is not on PATH (install r-base-core, as .ci/run does); the committed reference files in " +
                "Reference/expected are still checked by the other Reference tests.";
        }
    }
}
