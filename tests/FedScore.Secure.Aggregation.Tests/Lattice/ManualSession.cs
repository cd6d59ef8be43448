using FedScore.Secure.Aggregation.Simulation;

namespace FedScore.Secure.Aggregation.Tests.Lattice;

/// <summary>Drives a scheme's server and participants stage by stage, so a test can deliver replies itself.</summary>
internal sealed class ManualSession : IDisposable
{
    public ManualSession(IAggregationScheme scheme, SessionConfig config)
    {
        Server = scheme.CreateServer(config);
        Participants = config.Sites.ToDictionary(s => s, s => scheme.CreateParticipant(s, config));
    }

    public IAggregationServer Server { get; }

    public Dictionary<ParticipantId, IAggregationParticipant> Participants { get; }

    public ServerOutbox Begin(RoundSpec spec, IReadOnlyDictionary<ParticipantId, SiteInput> inputs)
    {
        foreach ((ParticipantId s, SiteInput input) in inputs)
        {
            Participants[s].SetInput(spec.RoundId, input.Values, input.Weight);
        }

        return Server.BeginRound(spec);
    }

    /// <summary>Every addressed participant handles its message; nothing is delivered yet.</summary>
    public Dictionary<ParticipantId, byte[]> Answer(ServerOutbox outbox) =>
        outbox.Messages.ToDictionary(kv => kv.Key, kv => Participants[kv.Key].Handle(kv.Value));

    /// <summary>Answers and delivers every reply, then ends the stage.</summary>
    public ServerOutbox Step(ServerOutbox outbox)
    {
        foreach ((ParticipantId p, byte[] reply) in Answer(outbox))
        {
            Server.Receive(p, reply);
        }

        return Server.EndStage();
    }

    public AggregationResult Finish(ServerOutbox outbox)
    {
        while (!outbox.IsComplete)
        {
            outbox = Step(outbox);
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
