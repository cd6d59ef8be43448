using System.Text.Json;
using FedScore.Secure.Federation;
using FedScore.Secure.Scoring.Data;
using FedScore.Secure.Scoring.Federated;
using FedScore.Secure.Scoring.Statistics;

namespace FedScore.Secure.Scoring.Tests.Federated;

public class MissingValuesAndSummaryTests
{
    [Fact]
    public void PooledMediansAndModesFromSecureCountsEqualThoseOfThePooledData()
    {
        var all = CsvDatasetLoader.Load(Path.Combine(TestFederations.RepoRoot(), "data", "autoscore_sample_data_with_missing.csv"));
        all = all.WithPredictors(["Age", "Gender", "heartrate_mean"]);
        var first = all.SelectRows([.. Enumerable.Range(0, all.RowCount).Where(i => i % 3 != 0)]);
        var second = all.SelectRows([.. Enumerable.Range(0, all.RowCount).Where(i => i % 3 == 0)]);
        var federation = TestFederations.Create("plain", new Dictionary<ParticipantId, ISiteStatistics>
        {
            ["a"] = new FedScoreSiteStatistics(new SiteStatistics(first)),
            ["b"] = new FedScoreSiteStatistics(new SiteStatistics(second)),
        });
        try
        {
            var secure = MissingValueImputer.Fit(new SecurePooledStatistics(federation), DataPart.Train);
            var local = MissingValueImputer.Fit(new SiteStatistics(Dataset.Concat(first, second)), DataPart.Train);

            Assert.True(all["Age"].MissingCount() > 0 && all["Gender"].MissingCount() > 0);
            Assert.Equal(local.Medians["Age"], secure.Medians["Age"]);
            Assert.Equal(local.Medians["heartrate_mean"], secure.Medians["heartrate_mean"]);
            Assert.Equal(local.Modes["Gender"], secure.Modes["Gender"]);
        }
        finally
        {
            TestFederations.Dispose(federation);
        }
    }

    [Fact]
    public void GlmSummaryJsonHasTheCliContractFields()
    {
        var sites = TestFederations.ThreeSites();
        var federation = TestFederations.Create("plain", TestFederations.SiteStatistics(sites));
        try
        {
            var json = GlmSummary.From(FederatedGlm.Fit(federation, ["Age", "Lab_H"])).ToJson();
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            Assert.True(root.GetProperty("coefficients").GetProperty("(Intercept)").GetDouble() < 0);
            Assert.Equal(3, root.GetProperty("standardErrors").EnumerateObject().Count());
            Assert.True(root.GetProperty("iterations").GetInt32() > 0);
            Assert.True(root.GetProperty("deviance").GetDouble() > 0);
            Assert.Equal(sites.Sum(s => s.Part(DataPart.Train).RowCount), root.GetProperty("n").GetInt64());
        }
        finally
        {
            TestFederations.Dispose(federation);
        }
    }
}
