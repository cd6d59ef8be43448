using FedScore.Secure.Aggregation;
using FedScore.Secure.Aggregation.Plain;
using FedScore.Secure.Aggregation.Simulation;
using FedScore.Secure.FixedPoint;
using FedScore.Secure.Wire;

namespace FedScore.Secure.Aggregation.Tests.Plain;

public class PlainAggregationTests
{
    private static readonly ParticipantId[] s_sites = ["site-1", "site-2", "site-3"];

    private static SessionConfig Config(int threshold = 2) => new("test-session", s_sites, threshold);

    private static RoundSpec Spec(string id = "r1") => new(id, 3, FixedPointRequirements.ForAbsoluteError(100, 3, 1e-6, maxWeight: 10));

    private static Dictionary<ParticipantId, SiteInput> Inputs() => new()
    {
        ["site-1"] = new([1, 2, 3], 1),
        ["site-2"] = new([10, 20, 30], 2),
        ["site-3"] = new([-5, 0, 5], 0.5),
    };

    [Fact]
    public void ResultIsTheWeightedSumOfAllSites()
    {
        using var sim = new AggregationSimulator(new PlainAggregationScheme(), Config());

        SimulatedRound round = sim.Run(Spec(), Inputs());

        Assert.Equal([18.5, 42, 65.5], round.Result.Sum);
        Assert.Equal(s_sites, round.Result.Contributors);
        Assert.Empty(round.Result.Dropped);
    }

    [Fact]
    public void DroppedSiteIsLeftOutOfTheSum()
    {
        using var sim = new AggregationSimulator(new PlainAggregationScheme(), Config());

        SimulatedRound round = sim.Run(Spec(), Inputs(), new DropoutSchedule().Drop("site-2", 0));

        Assert.Equal([-1.5, 2, 5.5], round.Result.Sum);
        Assert.Equal(["site-2"], round.Result.Dropped.Select(d => d.Value));
    }

    [Fact]
    public void TooFewSitesFailTheRoundNamingTheMissingOnes()
    {
        using var sim = new AggregationSimulator(new PlainAggregationScheme(), Config(threshold: 3));

        var e = Assert.Throws<AggregationFailedException>(() => sim.Run(Spec(), Inputs(), new DropoutSchedule().Drop("site-3", 0)));

        Assert.Equal(["site-3"], e.Missing.Select(m => m.Value));
        Assert.Contains("site-3", e.Message);
    }

    [Fact]
    public void ANewRoundCanStartAfterAFailedOne()
    {
        using var sim = new AggregationSimulator(new PlainAggregationScheme(), Config(threshold: 3));
        Assert.Throws<AggregationFailedException>(() => sim.Run(Spec("r1"), Inputs(), new DropoutSchedule().Drop("site-3", 0)));

        SimulatedRound second = sim.Run(Spec("r2"), Inputs());

        Assert.Equal([18.5, 42, 65.5], second.Result.Sum);
    }

    [Fact]
    public void TruncatedUploadIsRefusedAndDoesNotCorruptTheOthers()
    {
        using var sim = new AggregationSimulator(new PlainAggregationScheme(), Config());

        SimulatedRound round = sim.Run(Spec(), Inputs(), interceptor: (from, _, reply) => from == "site-1" ? reply[..^4] : reply);

        Assert.Equal([17.5, 40, 62.5], round.Result.Sum);
        Assert.Equal(["site-1"], round.Result.Dropped.Select(d => d.Value));
        Assert.Contains(sim.Transcript.Events, e => e.Contains("site-1") && e.Contains("truncated"));
    }

    [Fact]
    public void ReplayedUploadFromAnEarlierRoundIsRefused()
    {
        using var sim = new AggregationSimulator(new PlainAggregationScheme(), Config());
        SimulatedRound first = sim.Run(Spec("r1"), Inputs());
        byte[] old = sim.Transcript.Received.First(e => e.Participant == "site-1").Bytes;

        SimulatedRound second = sim.Run(Spec("r2"), Inputs(), interceptor: (from, _, reply) => from == "site-1" ? old : reply);

        Assert.Equal(["site-1"], second.Result.Dropped.Select(d => d.Value));
        Assert.Contains(second.Result.Violations, v => v.Contains("round r1"));
    }

    [Fact]
    public void RoundIdCannotBeReused()
    {
        using var sim = new AggregationSimulator(new PlainAggregationScheme(), Config());
        sim.Run(Spec("r1"), Inputs());

        Assert.Throws<InvalidOperationException>(() => sim.Run(Spec("r1"), Inputs()));
    }

    [Fact]
    public void ParticipantRefusesARequestForAnotherScheme()
    {
        using IAggregationParticipant p = new PlainAggregationScheme().CreateParticipant("site-1", Config());
        var w = new WireWriter();
        new MessageHeader("masking", "r1", 0).WriteTo(w);

        Assert.Throws<MalformedMessageException>(() => p.Handle(w.ToArray()));
    }

    [Fact]
    public void TranscriptRecordsEveryUpload()
    {
        using var sim = new AggregationSimulator(new PlainAggregationScheme(), Config());

        SimulatedRound round = sim.Run(Spec(), Inputs());

        Assert.Equal(3, sim.Transcript.Received.Count());
        Assert.All(s_sites, s => Assert.True(round.Metrics.BytesUploaded[s] > 24));
    }
}
