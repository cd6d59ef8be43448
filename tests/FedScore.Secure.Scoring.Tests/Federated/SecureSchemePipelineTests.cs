using FedScore.Secure.Scoring.Data;
using FedScore.Secure.Scoring.Federated;

namespace FedScore.Secure.Scoring.Tests.Federated;

public class SecureSchemePipelineTests
{
    private static readonly string[] s_variables = ["Age", "Lab_H"];

    [Theory]
    [InlineData("masking")]
    [InlineData("secagg+")]
    [InlineData("ckks")]
    [InlineData("bfv")]
    public void PipelineOverASecureSchemeGivesThePlainResultAndTheServerNeverSeesASiteCount(string scheme)
    {
        var sites = TestFederations.ThreeSites();
        var plain = TestFederations.Create("plain", TestFederations.SiteStatistics(sites));
        var secure = TestFederations.Create(scheme, TestFederations.SiteStatistics(sites));
        try
        {
            var options = new FedScoreOptions { Variables = s_variables, FinalVariableCount = 2, RunParsimony = false, PerSiteMetrics = false };
            var a = new FedScorePipeline(plain, options, DisclosurePolicy.AllowSmallCells).Run();
            var b = new FedScorePipeline(secure, options, DisclosurePolicy.AllowSmallCells).Run();

            Assert.Equal(a.ScoreTable.Rows().ToList(), b.ScoreTable.Rows().ToList());
            foreach (var v in s_variables)
            {
                Assert.Equal(a.CutPoints[v].Cuts, b.CutPoints[v].Cuts);
            }

            Assert.Equal(a.Evaluation.Auc!.Auc, b.Evaluation.Auc!.Auc, 12);
            foreach (var (name, value) in a.Coefficients)
            {
                FederatedGlmTests.AssertRelative(value, b.Coefficients[name], 1e-6, name);
            }

            // Site 1's own [rows, events] of its training part, as the fixed-point words a site would send in clear
            // (integers, scale 1), must not appear in anything the server received.
            var train = sites[0].Part(DataPart.Train);
            byte[] needle = [.. BitConverter.GetBytes((ulong)train.RowCount), .. BitConverter.GetBytes((ulong)train.EventCount)];
            var received = TestFederations.ReceivedByServer(secure);
            Assert.NotEmpty(received);
            Assert.All(received, bytes => Assert.False(bytes.AsSpan().IndexOf(needle) >= 0, "a site's counts crossed in clear"));
        }
        finally
        {
            TestFederations.Dispose(plain);
            TestFederations.Dispose(secure);
        }
    }

    [Fact]
    public void ThePlainBaselineDoesShowSiteCountsToTheServerSoTheTranscriptCheckCanFail()
    {
        var sites = TestFederations.ThreeSites();
        var plain = TestFederations.Create("plain", TestFederations.SiteStatistics(sites));
        try
        {
            new SecurePooledStatistics(plain).RowAndEventCounts(DataPart.Train);
            var train = sites[0].Part(DataPart.Train);
            byte[] asDoubles = [.. BitConverter.GetBytes((double)train.RowCount), .. BitConverter.GetBytes((double)train.EventCount)];
            byte[] asWords = [.. BitConverter.GetBytes((ulong)train.RowCount), .. BitConverter.GetBytes((ulong)train.EventCount)];
            Assert.Contains(TestFederations.ReceivedByServer(plain), bytes => bytes.AsSpan().IndexOf(asDoubles) >= 0 || bytes.AsSpan().IndexOf(asWords) >= 0);
        }
        finally
        {
            TestFederations.Dispose(plain);
        }
    }
}
