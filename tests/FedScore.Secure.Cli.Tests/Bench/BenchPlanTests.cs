using System.Globalization;
using FedScore.Secure.Aggregation.Simulation;
using FedScore.Secure.Cli.Bench;

namespace FedScore.Secure.Cli.Tests.Bench;

/// <summary>The cost model's predictions and the reasons the runner gives for cells it does not run.</summary>
public sealed class BenchPlanTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "fedscore-bench-plan-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private static IReadOnlyList<StageMetrics> Stages(int sites, double perPair) =>
    [
        new StageMetrics("advertise-keys", 1, 1, sites, 100L * sites, 0),
        new StageMetrics("keygen", 1, 1, sites, (long)(1000.0 * sites + perPair * sites * (sites - 1)), 0),
        new StageMetrics("upload", 1, 1, sites, 5000L * sites, 0),
    ];

    [Fact]
    public void TimeFitRecoversTheWorkAndTheCubicKeySetupTerms()
    {
        // t = 0.2 s + 1e-6 s per value-site + 2e-5 s × n³ (the lattice schemes' threshold key setup).
        static double T(int n, int d) => 0.2 + 1e-6 * d * n + 2e-5 * Math.Pow(n, 3);
        var model = new CostModel();
        foreach ((int n, int d) in new[] { (3, 256), (3, 2048), (8, 256), (3, 16384), (10, 1000), (10, 100_000) })
        {
            model.Record("ckks", n, d, T(n, d), 1_000_000, Stages(n, 0));
        }

        TimePrediction p = model.PredictSeconds("ckks", 500, 1000)!;
        Assert.Equal(T(500, 1000), p.Seconds, T(500, 1000) * 1e-6);
        Assert.Equal(2e-5 * Math.Pow(500, 3), p.SetupSeconds, 1e-3);
    }

    [Fact]
    public void MemoryPredictionCountsMessagesRoutedBetweenEveryPairOfSites()
    {
        var model = new CostModel();
        model.Record("ckks", 3, 256, 0.1, 4_000_000, Stages(3, 60_000));
        model.Record("ckks", 8, 256, 0.3, 9_000_000, Stages(8, 60_000));

        MemoryPrediction m = model.PredictMemoryBytes("ckks", 500, 256)!;

        Assert.Equal("keygen", m.RoutingStage);
        Assert.Equal(60_000, m.BytesPerPair, 1e-6);
        Assert.Equal(2 * 60_000.0 * 500 * 499, m.RoutedBytes, 1);
        Assert.True(m.Bytes >= m.RoutedBytes);
    }

    [Fact]
    public void ALatticeCellThatCannotFitIsSkippedWithTheProtocolReason()
    {
        var model = new CostModel();
        model.Record("plain", 3, 256, 0.001, 100_000);
        // 10 MB per ordered pair of sites: at 500 sites the setup alone would route terabytes.
        model.Record("ckks", 3, 256, 0.1, 4_000_000, Stages(3, 10_000_000));
        model.Record("ckks", 8, 256, 0.3, 9_000_000, Stages(8, 10_000_000));
        var options = new BenchOptions { Schemes = ["ckks"], Sites = [500], Lengths = [1000], Dropouts = [0] };

        CellResult? skipped = BenchRunner.Decide(options, model, new BenchCell("ckks", 500, 1000, 0), new Dictionary<string, string>());

        Assert.NotNull(skipped);
        Assert.Equal(CellStatus.Skipped, skipped.Status);
        Assert.Contains("predicted peak memory", skipped.Reason);
        Assert.Contains("'keygen'", skipped.Reason);
        Assert.Contains("threshold key setup", skipped.Reason);
        Assert.NotNull(skipped.EstimatedMemoryBytes);
    }

    [Fact]
    public void ACellPredictedToFitIsRun()
    {
        var model = new CostModel();
        model.Record("plain", 3, 256, 0.001, 100_000, Stages(3, 0));
        model.Record("plain", 3, 2048, 0.002, 200_000, Stages(3, 0));
        var options = new BenchOptions { Schemes = ["plain"], Sites = [10], Lengths = [1000], Dropouts = [0] };

        Assert.Null(BenchRunner.Decide(options, model, new BenchCell("plain", 10, 1000, 0), new Dictionary<string, string>()));
    }

    [Fact]
    public void DryRunPrintsThePredictedTotalWithoutRunningCells()
    {
        (int exit, string output, string err) = CliRunner.Run("bench", "--dry-run", "--schemes", "plain", "--sites", "3,4", "--lengths", "10", "--dropouts", "0", "--out", _dir);

        Assert.True(exit == 0, err);
        Assert.Contains("Predicted total:", output);
        Assert.Contains("run  plain n=4 d=10 drop=0", output);
        Assert.False(File.Exists(Path.Combine(_dir, BenchReportWriter.MarkdownFile)));
    }

    [Fact]
    public void PipelineModeRunsTheWholePipelinePerSchemeAndFindsTheSameScoreTable()
    {
        // The shared site data (smaller samples trip the disclosure control's minimum cell counts); a short parsimony curve.
        string outDir = Path.Combine(_dir, "out");

        (int exit, _, string err) = CliRunner.Run("bench", "--pipeline", "--schemes", "secagg+", "--data", RepoData("site1.csv"), "--data", RepoData("site2.csv"), "--max-variables", "2", "--out", outDir);

        Assert.True(exit == 0, err);
        string[] csv = File.ReadAllLines(Path.Combine(outDir, PipelineBench.CsvFile));
        Assert.Equal(3, csv.Length); // header, plain, secagg+
        string[] header = csv[0].Split(',');
        string[] plain = csv[1].Split(',');
        string[] secure = csv[2].Split(',');
        Assert.Equal("plain", plain[Array.IndexOf(header, "scheme")]);
        Assert.Equal("secagg+", secure[Array.IndexOf(header, "scheme")]);
        Assert.Equal("true", secure[Array.IndexOf(header, "identical_to_plain")]);
        Assert.True(int.Parse(secure[Array.IndexOf(header, "secure_sums")], CultureInfo.InvariantCulture) > 0);
        Assert.True(double.Parse(secure[Array.IndexOf(header, "bytes_ratio")], CultureInfo.InvariantCulture) > 0);
        Assert.True(double.Parse(secure[Array.IndexOf(header, "wall_ratio")], CultureInfo.InvariantCulture) > 0);
        string md = File.ReadAllText(Path.Combine(outDir, PipelineBench.MarkdownFile));
        Assert.Contains("| secagg+ |", md);
        Assert.Contains("| yes |", md);
        byte[] png = File.ReadAllBytes(Path.Combine(outDir, PipelineBench.PlotFile));
        Assert.Equal(0x89, png[0]);
    }

    private static string RepoData(string file)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "FedScore.Secure.sln")))
        {
            dir = dir.Parent;
        }

        return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("repository root not found"), "data", file);
    }
}
