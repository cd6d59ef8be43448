using FedScore.Secure.Aggregation;
using FedScore.Secure.Aggregation.Simulation;
using FedScore.Secure.Cli.Bench;
using FedScore.Secure.FixedPoint;

namespace FedScore.Secure.Cli.Tests.Bench;

/// <summary>The simulator's on-demand inputs and per-stage costs, which the benchmark relies on.</summary>
public sealed class StreamingSimulatorTests
{
    [Theory]
    [InlineData("plain")]
    [InlineData("masking")]
    [InlineData("paillier")]
    public void InputsMadeOnDemandGiveTheSameSumAsInputsGivenUpFront(string schemeName)
    {
        ParticipantId[] sites = Enumerable.Range(1, 4).Select(i => new ParticipantId($"site-{i}")).ToArray();
        var config = new SessionConfig("streaming-test", sites, 3);
        var inputs = new SyntheticInputs(seed: 7, length: 12, maxAbs: 1);
        var spec = new RoundSpec("r1", 12, FixedPointRequirements.ForAbsoluteError(1, 4, 1e-6));
        DropoutSchedule drop = new DropoutSchedule().Drop(sites[1], "upload");
        var asked = new List<ParticipantId>();

        SimulatedRound round;
        using (var sim = new AggregationSimulator(AggregationSchemes.Create(schemeName), config, recordTranscript: false))
        {
            round = sim.Run(spec, p =>
            {
                lock (asked)
                {
                    asked.Add(p);
                }

                return config.IndexOf(p) is int i and > 0 ? inputs.Input(i) : null;
            }, drop);
        }

        Assert.Equal(sites.Where(s => s != sites[1]), round.Result.Contributors.Order());
        double error = inputs.MaxAbsError(round.Result.Sum, round.Result.Contributors.Select(config.IndexOf));
        Assert.True(error <= round.Result.ErrorBound, $"error {error} > bound {round.Result.ErrorBound}");

        // Each participant is asked once; auxiliary roles (the Paillier decryptor) are asked and given nothing.
        Assert.Equal(asked.Count, asked.Distinct().Count());
    }

    [Fact]
    public void StageCostsFollowTheStagesAndAddUpToTheTotals()
    {
        ParticipantId[] sites = Enumerable.Range(1, 5).Select(i => new ParticipantId($"site-{i}")).ToArray();
        var config = new SessionConfig("stage-costs", sites, 3);
        var inputs = sites.ToDictionary(s => s, s => new SiteInput(new double[64]));
        using var sim = new AggregationSimulator(AggregationSchemes.Create("secagg+"), config, recordTranscript: false);

        RoundMetrics m = sim.Run(new RoundSpec("r1", 64, FixedPointRequirements.ForAbsoluteError(1, 5, 1e-6)), inputs).Metrics;

        Assert.Equal(m.StageNames, m.StageCosts.Select(s => s.Stage));
        Assert.Equal(m.BytesUploaded.Values.Sum(), m.StageCosts.Sum(s => s.BytesUploaded));
        Assert.Equal(m.BytesDownloaded.Values.Sum(), m.StageCosts.Sum(s => s.BytesDownloaded));
        Assert.Equal(m.ServerMillis, m.StageCosts.Sum(s => s.ServerMillis), 6);
        Assert.All(m.StageCosts, s => Assert.Equal(5, s.Participants));
    }
}
