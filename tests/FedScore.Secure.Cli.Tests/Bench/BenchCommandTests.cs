using System.Globalization;
using FedScore.Secure.Cli.Bench;
using FedScore.Secure.Cli.Commands;

namespace FedScore.Secure.Cli.Tests.Bench;

public sealed class BenchCommandTests : IDisposable
{
    private static readonly byte[] s_pngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "fedscore-bench-test-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public void TinyMatrixWritesTheTablesAndThePlots()
    {
        (int exit, _, string err) = CliRunner.Run("bench", "--schemes", "plain", "--sites", "3", "--lengths", "10", "--dropouts", "0", "--out", _dir);

        Assert.True(exit == 0, err);
        foreach (string file in new[] { "results.md", "results.csv", "stages.csv" })
        {
            Assert.True(File.Exists(Path.Combine(_dir, file)), $"missing {file}");
        }

        foreach (string png in new[] { BenchPlots.OverheadFile, BenchPlots.BytesFile, BenchPlots.StagesFile })
        {
            byte[] bytes = File.ReadAllBytes(Path.Combine(_dir, png));
            Assert.True(bytes.AsSpan().StartsWith(s_pngSignature), $"{png} is not a PNG");
        }

        List<Dictionary<string, string>> rows = ReadCsv(Path.Combine(_dir, "results.csv"), out string[] header);
        Assert.Equal(BenchReportWriter.CsvColumns, header);
        Dictionary<string, string> row = Assert.Single(rows);
        Assert.Equal("plain", row["scheme"]);
        Assert.Equal("measured", row["status"]);
        Assert.Equal("3", row["sites"]);
        Assert.Equal("10", row["length"]);
        Assert.True(Num(row["max_abs_error"]) <= Num(row["error_bound"]));
        Assert.Equal(Num(row["bytes_up_per_site"]) / 40, Num(row["expansion_vs_float32"]), 4);

        string md = File.ReadAllText(Path.Combine(_dir, "results.md"));
        Assert.Contains("## Machine", md);
        Assert.Contains("logical cores", md);
        Assert.Contains(".NET", md);
        Assert.Contains("| plain | 3 | 10 |", md);
        Assert.Contains("(stage-breakdown.png)", md);
    }

    [Fact]
    public void EveryCellHasOneRowAndDropoutsAreRecoveredAgainstPlain()
    {
        (int exit, _, string err) = CliRunner.Run("bench", "--schemes", "masking", "--sites", "4,5", "--lengths", "16", "--dropouts", "0,25%", "--out", _dir);

        Assert.True(exit == 0, err);
        List<Dictionary<string, string>> rows = ReadCsv(Path.Combine(_dir, "results.csv"), out _);
        Assert.Equal(4, rows.Count);
        Assert.All(rows, r =>
        {
            Assert.Equal("measured", r["status"]);
            Assert.True(Num(r["max_abs_error"]) <= Num(r["error_bound"]));
            Assert.True(Num(r["server_ratio"]) > 0);
            Assert.True(Num(r["plain_server_ms"]) > 0);
        });
        Assert.Equal(["0", "1", "0", "2"], rows.Select(r => r["dropped"]));

        // One stage row per protocol stage of every measured cell, in the scheme's order.
        List<Dictionary<string, string>> stages = ReadCsv(Path.Combine(_dir, "stages.csv"), out string[] stageHeader);
        Assert.Equal(BenchReportWriter.StageColumns, stageHeader);
        Assert.Equal(4 * 4, stages.Count);
        Assert.Equal(["advertise-keys", "share-keys", "upload", "unmasking"], stages.Take(4).Select(s => s["stage"]));
    }

    [Fact]
    public void SchemesThisBuildDoesNotOfferAreListedWithTheReason()
    {
        (int exit, _, string err) = CliRunner.Run("bench", "--schemes", "plain,quantum", "--sites", "3", "--lengths", "10", "--dropouts", "0", "--out", _dir);

        Assert.True(exit == 0, err);
        List<Dictionary<string, string>> rows = ReadCsv(Path.Combine(_dir, "results.csv"), out _);
        Dictionary<string, string> quantum = Assert.Single(rows, r => r["scheme"] == "quantum");
        Assert.Equal("unavailable", quantum["status"]);
        Assert.Contains("not offered by this build", quantum["reason"]);
        Assert.Contains("**quantum** (all cells): not offered", File.ReadAllText(Path.Combine(_dir, "results.md")));
    }

    [Fact]
    public void CellsPredictedOverTheBudgetAreSkippedWithTheirEstimate()
    {
        (int exit, _, string err) = CliRunner.Run("bench", "--schemes", "plain,masking", "--sites", "3", "--lengths", "10,20", "--dropouts", "0", "--cell-budget", "0.000001", "--out", _dir);

        Assert.True(exit == 0, err);
        List<Dictionary<string, string>> rows = ReadCsv(Path.Combine(_dir, "results.csv"), out _);
        Assert.Equal(4, rows.Count);
        Assert.All(rows, r =>
        {
            Assert.Equal("skipped", r["status"]);
            Assert.Contains("predicted", r["reason"]);
            Assert.True(Num(r["estimated_seconds"]) > 0);
            Assert.Equal("", r["client_ms"]);
        });
        string md = File.ReadAllText(Path.Combine(_dir, "results.md"));
        Assert.Contains("masking n=3 d=20 drop=0 — skipped: impractical here: predicted", md);
    }

    [Theory]
    [InlineData("--dropouts", "0.6", "--dropouts")]
    [InlineData("--lengths", "ten", "--lengths")]
    [InlineData("--sites", "1", "--sites")]
    public void ImpossibleMatricesAreRefusedNamingTheOption(string option, string value, string named)
    {
        (int exit, _, string err) = CliRunner.Run("bench", "--schemes", "plain", option, value, "--out", _dir);

        Assert.Equal(2, exit);
        Assert.Contains(named, err);
        Assert.False(File.Exists(Path.Combine(_dir, "results.csv")));
    }

    [Theory]
    [InlineData("1000", 1000)]
    [InlineData("100k", 100_000)]
    [InlineData("1M", 1_000_000)]
    [InlineData("1_000_000", 1_000_000)]
    public void CountsAcceptSuffixes(string text, int expected) => Assert.Equal(expected, BenchCommand.ParseCount(text));

    [Theory]
    [InlineData(5, 0.1, 1)]
    [InlineData(20, 0.1, 2)]
    [InlineData(500, 0.1, 50)]
    [InlineData(100, 0, 0)]
    public void ANonZeroDropoutRateDropsAtLeastOneSite(int sites, double rate, int dropped) =>
        Assert.Equal(dropped, new BenchCell("plain", sites, 10, rate).DroppedSites);

    private static double Num(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    private static List<Dictionary<string, string>> ReadCsv(string path, out string[] header)
    {
        string[] lines = File.ReadAllLines(path);
        header = CsvFields.Split(lines[0]);
        string[] h = header;
        return lines.Skip(1).Select(l =>
        {
            string[] cells = CsvFields.Split(l);
            Assert.Equal(h.Length, cells.Length);
            return h.Zip(cells).ToDictionary(p => p.First, p => p.Second);
        }).ToList();
    }

}
