using FedScore.Secure.Aggregation;
using FedScore.Secure.Aggregation.Masking;
using FedScore.Secure.Aggregation.Plain;
using FedScore.Secure.Aggregation.Simulation;
using FedScore.Secure.FixedPoint;
using FedScore.Secure.Transport.Grpc.Server;

namespace FedScore.Secure.Transport.Grpc.Tests.Load;

/// <summary>
/// What the load benchmark relies on: replies folded as they arrive (the server does not hold a stage's replies),
/// per-stage costs, and gRPC traffic counted per site.
/// </summary>
public sealed class RoundAccountingTests
{
    private static readonly TimeSpan StageTimeout = TimeSpan.FromSeconds(15);

    private static RoundSpec Spec(string id, int length, int sites) =>
        new(id, length, FixedPointRequirements.ForAbsoluteError(maxAbsValue: 100, sites: sites, maxAbsError: 1e-6, maxWeight: 1));

    private static Dictionary<ParticipantId, SiteInput> Inputs(IEnumerable<ParticipantId> sites, int length)
    {
        var random = new Random(11);
        return sites.ToDictionary(s => s, _ => new SiteInput(Enumerable.Range(0, length).Select(_ => random.NextDouble() * 200 - 100).ToArray()));
    }

    [Fact]
    public async Task MaskingRoundFoldedOnArrivalReportsEachStageAndTheTrafficOfEverySite()
    {
        var scheme = PairwiseMaskingScheme.SecAgg();
        await using LoopbackFederation federation = await LoopbackFederation.StartAsync(4);
        var config = new SessionConfig(federation.SessionId, federation.Keys.Keys, threshold: 3);
        var inputs = Inputs(config.Sites, 3000);
        RoundSpec spec = Spec("round-a", 3000, 4);
        foreach (ParticipantId site in config.Sites)
        {
            IAggregationParticipant p = scheme.CreateParticipant(site, config);
            p.SetInput(spec.RoundId, inputs[site].Values);
            await federation.StartSiteAsync(site, p);
        }

        await federation.Host.WaitForSitesAsync(4, LoopbackFederation.TestTimeout, federation.Cancel.Token);
        IReadOnlyDictionary<ParticipantId, SiteTraffic> before = federation.Host.Traffic;
        var runner = new RemoteAggregationRunner(federation.Host);
        Assert.True(runner.FoldOnArrival);
        RemoteRound round = await runner.RunAsync(scheme.CreateServer(config), spec, StageTimeout, federation.Cancel.Token);

        for (int i = 0; i < spec.Length; i++)
        {
            double expected = config.Sites.Sum(s => inputs[s].Values[i]);
            Assert.True(Math.Abs(expected - round.Result.Sum[i]) <= round.Result.ErrorBound, $"element {i}");
        }

        Assert.Equal(["advertise-keys", "share-keys", "upload", "unmasking"], round.Metrics.StageNames);
        Assert.Equal(4, round.Metrics.StageCosts.Count);
        Assert.All(round.Metrics.StageCosts, c => Assert.Equal(4, c.Participants));
        Assert.Equal(round.Metrics.BytesUploaded.Values.Sum(), round.Metrics.StageCosts.Sum(c => c.BytesUploaded));
        Assert.Equal(4, round.StageWallMillis.Count);
        Assert.True(round.StageWallMillis.Sum() <= round.WallMillis + 1);

        foreach (ParticipantId site in config.Sites)
        {
            SiteTraffic t = federation.Host.Traffic[site].Since(before[site]);
            // 4 requests and 4 replies at least; the gRPC bytes carry the payload plus framing and signatures.
            Assert.True(t.MessagesSent >= 4 && t.MessagesReceived >= 4, $"{site}: {t}");
            Assert.True(t.BytesReceived > round.Metrics.BytesUploaded[site], $"{site}: {t.BytesReceived} received vs {round.Metrics.BytesUploaded[site]} payload");
            Assert.True(t.BytesSent > round.Metrics.BytesDownloaded[site]);
            Assert.True(before[site].BytesReceived > 0, "the signed hello is counted");
        }
    }

    [Fact]
    public async Task FoldingInSiteOrderStillMatchesTheSimulatorToTheBit()
    {
        var scheme = new PlainAggregationScheme();
        await using LoopbackFederation federation = await LoopbackFederation.StartAsync(3);
        var config = new SessionConfig(federation.SessionId, federation.Keys.Keys, threshold: 2);
        var inputs = Inputs(config.Sites, 64);
        RoundSpec spec = Spec("round-o", 64, 3);
        foreach (ParticipantId site in config.Sites)
        {
            IAggregationParticipant p = scheme.CreateParticipant(site, config);
            p.SetInput(spec.RoundId, inputs[site].Values);
            await federation.StartSiteAsync(site, p);
        }

        await federation.Host.WaitForSitesAsync(3, LoopbackFederation.TestTimeout, federation.Cancel.Token);
        RemoteRound round = await new RemoteAggregationRunner(federation.Host) { FoldOnArrival = false }
            .RunAsync(scheme.CreateServer(config), spec, StageTimeout, federation.Cancel.Token);

        // Site order is the sorted order: the same additions, in the same order, as a plain left-to-right sum.
        double[] expected = new double[64];
        foreach (ParticipantId s in config.Sites.Order())
        {
            for (int i = 0; i < expected.Length; i++)
            {
                expected[i] += inputs[s].Values[i];
            }
        }

        Assert.Equal(expected, round.Result.Sum);
    }
}
