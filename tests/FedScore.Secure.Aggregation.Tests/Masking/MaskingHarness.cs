using FedScore.Secure.Aggregation.Masking;
using FedScore.Secure.Aggregation.Simulation;

namespace FedScore.Secure.Aggregation.Tests.Masking;

/// <summary>Drives a masking server and its participants stage by stage, so tests can tamper between stages.</summary>
internal sealed class MaskingHarness : IDisposable
{
    public MaskingHarness(SessionConfig config, MaskingVariant variant = MaskingVariant.SecAgg, MaskingOptions? options = null)
    {
        Config = config;
        var scheme = new PairwiseMaskingScheme(variant, options);
        Server = scheme.CreateServer(config);
        Participants = config.Sites.ToDictionary(s => s, s => scheme.CreateParticipant(s, config));
    }

    public SessionConfig Config { get; }

    public IAggregationServer Server { get; }

    public Dictionary<ParticipantId, IAggregationParticipant> Participants { get; }

    public ServerOutbox Outbox { get; private set; } = ServerOutbox.Completed("none");

    /// <summary>Replies of the last stage run, by site.</summary>
    public Dictionary<ParticipantId, byte[]> Replies { get; } = [];

    public void Begin(RoundSpec spec, IReadOnlyDictionary<ParticipantId, SiteInput> inputs)
    {
        foreach ((ParticipantId p, SiteInput x) in inputs)
        {
            Participants[p].SetInput(spec.RoundId, x.Values, x.Weight);
        }

        Outbox = Server.BeginRound(spec);
    }

    /// <summary>Every addressed participant answers; replies are delivered unless <paramref name="deliver"/> says no.</summary>
    public void Answer(Func<ParticipantId, byte[], byte[]?>? deliver = null)
    {
        Replies.Clear();
        foreach ((ParticipantId p, byte[] msg) in Outbox.Messages)
        {
            byte[] reply = Participants[p].Handle(msg);
            Replies[p] = reply;
            byte[]? d = deliver is null ? reply : deliver(p, reply);
            if (d is not null)
            {
                Server.Receive(p, d);
            }
        }
    }

    public void End() => Outbox = Server.EndStage();

    /// <summary>Answers and ends stages until the round completes.</summary>
    public AggregationResult Finish()
    {
        while (!Outbox.IsComplete)
        {
            Answer();
            End();
        }

        return Server.Result!;
    }

    public void Dispose()
    {
        foreach (IAggregationParticipant p in Participants.Values)
        {
            p.Dispose();
        }
    }
}
