using System.Text.Json;
using FedScore.Secure.Aggregation.Masking;
using FedScore.Secure.Cli.Bench.Network;
using FedScore.Secure.Federation;

namespace FedScore.Secure.Cli.Tests.Bench.Network;

/// <summary>
/// The network load runner at a small size: a real Kestrel server and real gRPC clients on loopback. Correctness only
/// (the released sum, who contributed, that traffic was counted); no timing is asserted.
/// </summary>
public sealed class NetworkBenchRunnerTests
{
    private static readonly TimeSpan s_limit = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task EightSitesOverLoopbackReleaseTheSumOfTheSevenThatSurviveADropout()
    {
        var options = new NetworkBenchOptions { Sites = 8, Length = 1000, Schemes = ["masking"], Dropouts = [1], StageTimeout = TimeSpan.FromSeconds(60) };
        using var cts = new CancellationTokenSource(s_limit);
        NetworkBenchReport report = await new NetworkBenchRunner(options).RunAsync(cts.Token);

        NetworkComparison run = Assert.Single(report.Runs);
        Assert.True(run.Ok, run.Secure.Problem ?? run.Plain.Problem);
        foreach (NetworkRoundCost round in new[] { run.Secure, run.Plain })
        {
            Assert.Equal(7, round.Contributors);
            Assert.Single(round.DroppedSites);
            Assert.True(round.MaxAbsError <= round.ErrorBound, $"{round.Scheme}: error {round.MaxAbsError} above bound {round.ErrorBound}");
            Assert.Empty(round.SiteFailures);
        }

        // The same site drops in the plain and the secure round.
        Assert.Equal(run.Plain.DroppedSites, run.Secure.DroppedSites);
        Assert.Equal(["advertise-keys", "share-keys", "upload", "unmasking"], run.Secure.Stages.Select(s => s.Stage));
        Assert.Equal([8, 8, 7, 7], run.Secure.Stages.Select(s => s.SitesAnswered));
        Assert.Equal(["upload"], run.Plain.Stages.Select(s => s.Stage));

        // Traffic: the masked upload is at least 32 bits per value; gRPC framing and signatures come on top of the payload.
        Assert.True(run.Secure.PayloadBytesUpPerSite >= 1000 * 4, $"payload up {run.Secure.PayloadBytesUpPerSite}");
        Assert.True(run.Secure.GrpcBytesUpPerSite > run.Secure.PayloadBytesUpPerSite, "gRPC bytes must include the payload and its framing");
        Assert.True(run.Secure.GrpcBytesDownPerSite > run.Secure.PayloadBytesDownPerSite);
        Assert.Equal(run.Secure.GrpcBytesUpPerSite, run.Secure.Stages.Sum(s => (double)s.GrpcBytesUp) / 7, 0.5 * run.Secure.GrpcBytesUpPerSite);
        Assert.True(run.Secure.PeakRssBytes > 0);
        Assert.False(report.CpuIsServerOnly);
    }

    [Fact]
    public async Task SitesInChildProcessesCompleteASecAggPlusRoundWithADropout()
    {
        var options = new NetworkBenchOptions
        {
            Sites = 6, Length = 500, Schemes = ["secagg+"], Dropouts = [1], Processes = 2, StageTimeout = TimeSpan.FromSeconds(60),
        };
        using var cts = new CancellationTokenSource(s_limit);
        NetworkBenchReport report = await new NetworkBenchRunner(options).RunAsync(cts.Token);

        NetworkComparison run = Assert.Single(report.Runs);
        Assert.True(run.Ok, run.Secure.Problem ?? run.Plain.Problem);
        Assert.Equal(5, run.Secure.Contributors);
        Assert.True(report.CpuIsServerOnly);
        Assert.Contains("2 child processes", report.Mode);
        Assert.True(run.Secure.ChildPeakRssBytes > 0, "workers report their peak memory");
    }

    [Fact]
    public void CommandWritesMarkdownAndJsonWithTheMachineAndTheRatios()
    {
        string dir = Path.Combine(Path.GetTempPath(), "fedscore-bench-network-" + Guid.NewGuid().ToString("N"));
        try
        {
            (int exit, JsonElement json) = CliRunner.RunJson("bench-network", "--sites", "4", "--length", "64", "--scheme", "masking",
                "--dropouts", "0", "--out", dir, "--note", "shared machine");
            Assert.Equal(0, exit);
            JsonElement run = json.GetProperty("runs")[0];
            Assert.Equal(4, run.GetProperty("secure").GetProperty("contributors").GetInt32());
            Assert.True(run.GetProperty("wallRatio").GetDouble() > 0);
            string md = File.ReadAllText(Path.Combine(dir, NetworkBenchReportWriter.MarkdownFile));
            Assert.Contains("Git commit", md);
            Assert.Contains("shared machine", md);
            Assert.Contains("| masking | 0 | 4 |", md);
            using JsonDocument saved = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, NetworkBenchReportWriter.JsonFile)));
            Assert.True(saved.RootElement.GetProperty("machine").GetProperty("logicalCores").GetInt32() > 0);
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    [Fact]
    public void BenchmarkSitesRefuseRequestsOtherThanTheirSyntheticVector()
    {
        var statistics = new SyntheticSiteStatistics(new ParticipantId("site-001"));
        Assert.Throws<ArgumentException>(() => statistics.Compute(new StatisticRequest("glm.gradient", "{}")));
        Assert.Throws<ArgumentException>(() => statistics.Compute(new StatisticRequest(SyntheticVectorRequest.Kind, "{\"seed\":1,\"length\":-5,\"maxAbs\":1}")));
        Assert.Throws<ArgumentException>(() => statistics.Compute(new StatisticRequest(SyntheticVectorRequest.Kind, "not json")));
        Assert.Throws<ArgumentException>(() => statistics.Compute(new StatisticRequest(SyntheticVectorRequest.Kind, $"{{\"seed\":1,\"length\":{1 << 30},\"maxAbs\":1}}")));

        // Same seed and site: the same vector in any process (the server regenerates it to check the sum).
        var request = new SyntheticVectorRequest(3, 16, 2.0);
        double[] v = statistics.Compute(request.ToRequest()).Values;
        Assert.Equal(request.VectorOf(new ParticipantId("site-001")), v);
        Assert.NotEqual(request.VectorOf(new ParticipantId("site-002")), v);
        Assert.All(v, x => Assert.InRange(x, -2.0, 2.0));
    }

    [Fact]
    public void MaskingSitesDropAtTheUploadStageAfterSharingKeys()
    {
        Assert.Equal(2, NetworkBenchRunner.StageIndex(PairwiseMaskingScheme.SecAgg(), NetworkBenchRunner.DropStage));
        Assert.Equal(0, NetworkBenchRunner.StageIndex(new Aggregation.Plain.PlainAggregationScheme(), NetworkBenchRunner.DropStage));
    }
}
