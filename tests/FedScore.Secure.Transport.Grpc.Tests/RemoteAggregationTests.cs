using FedScore.Secure.Aggregation;
using FedScore.Secure.Aggregation.Plain;
using FedScore.Secure.Aggregation.Simulation;
using FedScore.Secure.FixedPoint;
using FedScore.Secure.Transport.Grpc.Server;
using FedScore.Secure.Transport.Grpc.Site;

namespace FedScore.Secure.Transport.Grpc.Tests;

public sealed class RemoteAggregationTests
{
    private static readonly TimeSpan StageTimeout = TimeSpan.FromSeconds(15);

    private static Dictionary<ParticipantId, SiteInput> Inputs(IEnumerable<ParticipantId> sites, int length)
    {
        var random = new Random(7);
        return sites.ToDictionary(s => s, _ => new SiteInput(
            Enumerable.Range(0, length).Select(_ => Math.Round(random.NextDouble() * 100, 3)).ToArray(), 1 + random.Next(3)));
    }

    private static RoundSpec Spec(string id, int length) =>
        new(id, length, FixedPointRequirements.ForAbsoluteError(maxAbsValue: 100, sites: 3, maxAbsError: 1e-6, maxWeight: 4));

    [Fact]
    public async Task ThreeSitesOverLoopbackProduceTheSimulatorsResult()
    {
        var scheme = new PlainAggregationScheme();
        await using LoopbackFederation federation = await LoopbackFederation.StartAsync(3);
        var config = new SessionConfig(federation.SessionId, federation.Keys.Keys, threshold: 2);
        var inputs = Inputs(config.Sites, 16);
        RoundSpec spec = Spec("round-1", 16);
        foreach (ParticipantId site in config.Sites)
        {
            IAggregationParticipant p = scheme.CreateParticipant(site, config);
            p.SetInput(spec.RoundId, inputs[site].Values, inputs[site].Weight);
            await federation.StartSiteAsync(site, p);
        }

        await federation.Host.WaitForSitesAsync(3, LoopbackFederation.TestTimeout, federation.Cancel.Token);
        var stages = new List<string>();
        var runner = new RemoteAggregationRunner(federation.Host);
        runner.StageCompleted += (stage, answered) => stages.Add($"{stage}:{answered.Count}");
        RemoteRound remote = await runner.RunAsync(scheme.CreateServer(config), spec, StageTimeout, federation.Cancel.Token);

        using var simulator = new AggregationSimulator(scheme, config);
        SimulatedRound local = simulator.Run(spec, inputs);
        // Plain sums doubles: the simulator folds in arrival order, the runner in site order, so the last bits may differ
        // within the error bound the scheme reports (fixed-point schemes would match exactly).
        AssertSameSum(local.Result, remote.Result);
        Assert.Equal(local.Result.Contributors, remote.Result.Contributors);
        Assert.Empty(remote.Result.Dropped);
        Assert.Equal(local.Metrics.Stages, remote.Metrics.Stages);
        Assert.Equal(["upload:3"], stages);
        Assert.All(config.Sites, s => Assert.True(remote.Metrics.BytesUploaded[s] > 16 * 8));
    }

    [Fact]
    public async Task MultiStageMaskingRoundOverLoopbackReleasesTheSum()
    {
        // The runner is scheme-agnostic: the pairwise-masking scheme runs several stages over the same ExchangeAsync.
        var scheme = new FedScore.Secure.Aggregation.Masking.PairwiseMaskingScheme();
        await using LoopbackFederation federation = await LoopbackFederation.StartAsync(3);
        var config = new SessionConfig(federation.SessionId, federation.Keys.Keys, threshold: 2);
        var inputs = Inputs(config.Sites, 8);
        RoundSpec spec = Spec("round-m", 8);
        foreach (ParticipantId site in config.Sites)
        {
            IAggregationParticipant p = scheme.CreateParticipant(site, config);
            p.SetInput(spec.RoundId, inputs[site].Values, inputs[site].Weight);
            await federation.StartSiteAsync(site, p);
        }

        await federation.Host.WaitForSitesAsync(3, LoopbackFederation.TestTimeout, federation.Cancel.Token);
        RemoteRound remote = await new RemoteAggregationRunner(federation.Host)
            .RunAsync(scheme.CreateServer(config), spec, StageTimeout, federation.Cancel.Token);
        Assert.True(remote.Metrics.Stages > 1);
        Assert.Equal(3, remote.Result.Contributors.Count);
        for (int i = 0; i < 8; i++)
        {
            double expected = config.Sites.Sum(s => inputs[s].Values[i] * inputs[s].Weight);
            Assert.True(Math.Abs(expected - remote.Result.Sum[i]) <= remote.Result.ErrorBound + 1e-9, $"element {i}");
        }
    }

    [Fact]
    public async Task MaskingSiteKilledAfterTheFirstStageIsRecoveredOverTheNetwork()
    {
        var scheme = new FedScore.Secure.Aggregation.Masking.PairwiseMaskingScheme();
        await using LoopbackFederation federation = await LoopbackFederation.StartAsync(3);
        var config = new SessionConfig(federation.SessionId, federation.Keys.Keys, threshold: 2);
        var inputs = Inputs(config.Sites, 8);
        RoundSpec spec = Spec("round-md", 8);
        foreach (ParticipantId site in config.Sites)
        {
            IAggregationParticipant p = scheme.CreateParticipant(site, config);
            p.SetInput(spec.RoundId, inputs[site].Values, inputs[site].Weight);
            if (site == "site-2")
            {
                FederationSiteClient? self = null;
                (self, _) = await federation.StartSiteAsync(site, new HookedParticipant(p, () => self!.Abort(), fromCall: 1));
            }
            else
            {
                await federation.StartSiteAsync(site, p);
            }
        }

        await federation.Host.WaitForSitesAsync(3, LoopbackFederation.TestTimeout, federation.Cancel.Token);
        RemoteRound remote = await new RemoteAggregationRunner(federation.Host)
            .RunAsync(scheme.CreateServer(config), spec, StageTimeout, federation.Cancel.Token);
        Assert.Equal(["site-1", "site-3"], remote.Result.Contributors.Select(s => s.Value));
        for (int i = 0; i < 8; i++)
        {
            double expected = inputs["site-1"].Values[i] * inputs["site-1"].Weight + inputs["site-3"].Values[i] * inputs["site-3"].Weight;
            Assert.True(Math.Abs(expected - remote.Result.Sum[i]) <= remote.Result.ErrorBound + 1e-9, $"element {i}");
        }
    }

    [Fact]
    public async Task SiteKilledMidRoundIsDroppedWhileThresholdRemains()
    {
        var (result, events) = await RunWithOneSiteKilled(threshold: 2);
        Assert.Equal(["site-1", "site-3"], result!.Contributors.Select(s => s.Value));
        Assert.Equal(["site-2"], result.Dropped.Select(s => s.Value));
        Assert.Contains(events, e => e.Kind == FederationEventKind.SiteDropped && e.Site == "site-2" && e.Message.Contains("disconnected"));
        Assert.Contains(events, e => e.Kind == FederationEventKind.SiteDisconnected && e.Site == "site-2");
        Assert.DoesNotContain(events, e => e.Message.Contains("refused"));
    }

    [Fact]
    public async Task SiteKilledMidRoundBelowThresholdFailsNamingTheMissingSite()
    {
        var e = await Assert.ThrowsAsync<AggregationFailedException>(() => RunWithOneSiteKilled(threshold: 3));
        Assert.Equal(["site-2"], e.Missing.Select(s => s.Value));
        Assert.Contains("site-2", e.Message);
    }

    internal static void AssertSameSum(AggregationResult expected, AggregationResult actual)
    {
        Assert.Equal(expected.Sum.Length, actual.Sum.Length);
        double tolerance = expected.ErrorBound + actual.ErrorBound;
        for (int i = 0; i < expected.Sum.Length; i++)
        {
            Assert.True(Math.Abs(expected.Sum[i] - actual.Sum[i]) <= tolerance, $"element {i}: {expected.Sum[i]} vs {actual.Sum[i]} (tolerance {tolerance})");
        }
    }

    private static async Task<(AggregationResult? Result, IReadOnlyList<FederationEvent> Events)> RunWithOneSiteKilled(int threshold)
    {
        var scheme = new PlainAggregationScheme();
        await using LoopbackFederation federation = await LoopbackFederation.StartAsync(3);
        var config = new SessionConfig(federation.SessionId, federation.Keys.Keys, threshold);
        var inputs = Inputs(config.Sites, 8);
        RoundSpec spec = Spec("round-k", 8);
        foreach (ParticipantId site in config.Sites)
        {
            IAggregationParticipant p = scheme.CreateParticipant(site, config);
            p.SetInput(spec.RoundId, inputs[site].Values, inputs[site].Weight);
            if (site == "site-2")
            {
                // The site dies while it handles the round's request: its connection is aborted before it can reply.
                FederationSiteClient? self = null;
                var hooked = new HookedParticipant(p, () => self!.Abort());
                (self, _) = await federation.StartSiteAsync(site, hooked);
            }
            else
            {
                await federation.StartSiteAsync(site, p);
            }
        }

        await federation.Host.WaitForSitesAsync(3, LoopbackFederation.TestTimeout, federation.Cancel.Token);
        RemoteRound round = await new RemoteAggregationRunner(federation.Host)
            .RunAsync(scheme.CreateServer(config), spec, StageTimeout, federation.Cancel.Token);
        Assert.Contains(round.Events, e => e.Contains("site-2"));
        return (round.Result, federation.Events);
    }
}
