using FedScore.Secure.Aggregation;
using FedScore.Secure.Aggregation.Masking;
using FedScore.Secure.Aggregation.Simulation;
using FedScore.Secure.Crypto.Identity;
using FedScore.Secure.FixedPoint;
using FedScore.Secure.Transport.Grpc.Federation;

namespace FedScore.Secure.Transport.Grpc.Tests.Federation;

public sealed class KeyAdvertisementSignaturesTests : IDisposable
{
    private readonly SiteSigningKey _alpha = SiteSigningKey.Generate("alpha");
    private readonly SiteSigningKey _beta = SiteSigningKey.Generate("beta");

    private SiteRoster Roster => SiteRoster.Create(null, [new("alpha", _alpha.VerificationKey), new("beta", _beta.VerificationKey)]);

    [Fact]
    public void AnAdvertisementSignedByTheSiteVerifiesAgainstTheRoster()
    {
        byte[] advertisement = [1, 2, 3, 4];
        byte[] signature = new IdentityAdvertisementSigner(_alpha).Sign("alpha", advertisement);

        var verifier = new RosterAdvertisementVerifier(Roster);

        Assert.True(verifier.Verify("alpha", advertisement, signature));
        Assert.False(verifier.Verify("beta", advertisement, signature));
        Assert.False(verifier.Verify("mallory", advertisement, signature));
        Assert.False(verifier.Verify("alpha", [1, 2, 3, 5], signature));
    }

    [Fact]
    public void ASignerRefusesToSignForAnotherSite()
    {
        Assert.Throws<InvalidOperationException>(() => new IdentityAdvertisementSigner(_alpha).Sign("beta", [1]));
    }

    [Fact]
    public void MaskingWithIdentitySignaturesSumsCorrectlyAndRefusesAForeignSigner()
    {
        var config = new SessionConfig("signed", ["alpha", "beta", "gamma"], 2);
        using SiteSigningKey gamma = SiteSigningKey.Generate("gamma");
        var roster = SiteRoster.Create(null, [new("alpha", _alpha.VerificationKey), new("beta", _beta.VerificationKey), new("gamma", gamma.VerificationKey)]);
        var keys = new Dictionary<ParticipantId, SiteSigningKey> { ["alpha"] = _alpha, ["beta"] = _beta, ["gamma"] = gamma };
        var spec = new RoundSpec("r1", 2, FixedPointRequirements.ForIntegers(100, 3));
        var inputs = config.Sites.ToDictionary(s => s, s => new SiteInput([config.IndexOf(s), 10]));

        // A scheme whose participants each sign with their own key (one scheme object per site, as in separate processes).
        var server = PairwiseMaskingScheme.SecAgg(new MaskingOptions { Verifier = new RosterAdvertisementVerifier(roster) }).CreateServer(config);
        var participants = config.Sites.ToDictionary(
            s => s,
            s => PairwiseMaskingScheme.SecAgg(new MaskingOptions { Signer = new IdentityAdvertisementSigner(keys[s]), Verifier = new RosterAdvertisementVerifier(roster) }).CreateParticipant(s, config));
        AggregationResult result = Drive(server, participants, spec, inputs);
        Assert.Equal([6.0, 30.0], result.Sum);

        // gamma signs with a key the roster does not list: the server refuses its advertisement and gamma is dropped.
        using SiteSigningKey impostor = SiteSigningKey.Generate("gamma");
        var server2 = PairwiseMaskingScheme.SecAgg(new MaskingOptions { Verifier = new RosterAdvertisementVerifier(roster) }).CreateServer(config);
        participants["gamma"] = PairwiseMaskingScheme.SecAgg(new MaskingOptions { Signer = new IdentityAdvertisementSigner(impostor) }).CreateParticipant("gamma", config);
        AggregationResult second = Drive(server2, participants, spec with { }, inputs, "r2");
        Assert.Contains(new ParticipantId("gamma"), second.Dropped);
        Assert.Equal([3.0, 20.0], second.Sum);
    }

    private static AggregationResult Drive(
        IAggregationServer server, Dictionary<ParticipantId, IAggregationParticipant> participants, RoundSpec spec,
        Dictionary<ParticipantId, SiteInput> inputs, string roundId = "r1")
    {
        var round = new RoundSpec(roundId, spec.Length, spec.Requirements);
        foreach ((ParticipantId s, SiteInput input) in inputs)
        {
            participants[s].SetInput(roundId, input.Values, input.Weight);
        }

        ServerOutbox outbox = server.BeginRound(round);
        while (!outbox.IsComplete)
        {
            foreach ((ParticipantId p, byte[] message) in outbox.Messages)
            {
                try
                {
                    server.Receive(p, participants[p].Handle(message));
                }
                catch (ProtocolViolationException)
                {
                    // Refused by the server or by the participant: that site is dropped from the round.
                }
            }

            outbox = server.EndStage();
        }

        return server.Result!;
    }

    public void Dispose()
    {
        _alpha.Dispose();
        _beta.Dispose();
    }
}
