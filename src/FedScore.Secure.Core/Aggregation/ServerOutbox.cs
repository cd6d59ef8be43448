namespace FedScore.Secure.Aggregation;

/// <summary>
/// The messages a server sends for one protocol stage, each addressed to one participant. An empty outbox means the
/// round is over and <see cref="IAggregationServer.Result"/> is set.
/// </summary>
public sealed record ServerOutbox(string Stage, IReadOnlyDictionary<ParticipantId, byte[]> Messages)
{
    public static ServerOutbox Completed(string stage) => new(stage, new Dictionary<ParticipantId, byte[]>());

    public bool IsComplete => Messages.Count == 0;
}
