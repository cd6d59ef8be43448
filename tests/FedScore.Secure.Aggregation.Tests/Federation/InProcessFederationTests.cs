using FedScore.Secure.Aggregation.Federation;
using FedScore.Secure.Aggregation.Plain;
using FedScore.Secure.Aggregation.Simulation;
using FedScore.Secure.Federation;
using FedScore.Secure.FixedPoint;

namespace FedScore.Secure.Aggregation.Tests.Federation;

public class InProcessFederationTests
{
    /// <summary>A site whose statistic is its private value times the request's factor, weighted by its sample size.</summary>
    private sealed class FakeSite(double value, double n) : ISiteStatistics
    {
        public int Broadcasts { get; private set; }

        public SiteContribution Compute(StatisticRequest request) =>
            request.Kind == "scaled" ? new SiteContribution([value * double.Parse(request.Payload), 1], n) : throw new ArgumentException($"unknown kind {request.Kind}");

        public string HandleBroadcast(StatisticRequest request)
        {
            Broadcasts++;
            return $"{{\"n\":{n}}}";
        }
    }

    private static Dictionary<ParticipantId, ISiteStatistics> Sites() => new()
    {
        ["a"] = new FakeSite(1, 10),
        ["b"] = new FakeSite(2, 20),
        ["c"] = new FakeSite(3, 30),
    };

    private static readonly FixedPointRequirements s_req = FixedPointRequirements.ForAbsoluteError(100, 3, 1e-6, maxWeight: 100);

    [Fact]
    public async Task SecureSumIsTheWeightedSumOfTheSitesContributions()
    {
        using var federation = new InProcessFederation(new PlainAggregationScheme(), Sites());

        var result = await federation.SecureSumAsync(new StatisticRequest("scaled", "2"), 2, s_req);

        Assert.Equal(2 * (10 * 1 + 20 * 2 + 30 * 3), result.Sum[0], 9);
        Assert.Equal(60, result.Sum[1], 9);
        Assert.Single(federation.Releases);
        Assert.Equal("scaled", federation.Releases[0].Kind);
    }

    [Fact]
    public async Task SiteThatDropsOutIsNotAskedAgain()
    {
        var sites = Sites();
        using var federation = new InProcessFederation(new PlainAggregationScheme(), sites, threshold: 2);
        federation.NextRoundDropouts = new DropoutSchedule().Drop("b", 0);

        var first = await federation.SecureSumAsync(new StatisticRequest("scaled", "1"), 2, s_req);
        var second = await federation.SecureSumAsync(new StatisticRequest("scaled", "1"), 2, s_req);
        var broadcast = await federation.BroadcastAsync(new StatisticRequest("store", "{}"));

        Assert.Equal(100, first.Sum[0], 9);
        Assert.Equal(100, second.Sum[0], 9);
        Assert.Equal(["a", "c"], broadcast.Keys.Order().Select(k => k.Value));
    }

    [Fact]
    public async Task WrongLengthFromASiteIsAnError()
    {
        using var federation = new InProcessFederation(new PlainAggregationScheme(), Sites());

        await Assert.ThrowsAsync<InvalidOperationException>(() => federation.SecureSumAsync(new StatisticRequest("scaled", "1"), 3, s_req));
    }
}
