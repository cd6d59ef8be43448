namespace FedScore.Secure.Aggregation;

/// <summary>
/// A secure-aggregation scheme (plain, pairwise masking, SecAgg+, Paillier, CKKS, BFV). Every scheme runs a round the
/// same way: the server starts a round and sends each participant a message; participants reply; the server folds
/// what it receives and, stage by stage, ends with the (weighted) sum of the surviving sites. Only bytes cross the
/// boundary between roles, so the same objects run in-process and over the network.
/// </summary>
public interface IAggregationScheme
{
    /// <summary>Command-line name: "plain", "masking", "secagg+", "paillier", "ckks", "bfv".</summary>
    string Name { get; }

    /// <summary>One line: what the server (and others) can learn, and under which assumption.</summary>
    string ThreatModel { get; }

    /// <summary>Participants the scheme needs besides the sites (e.g. a Paillier decryptor); usually none.</summary>
    IReadOnlyList<ParticipantId> AuxiliaryParticipants(SessionConfig config);

    IAggregationServer CreateServer(SessionConfig config);

    /// <summary>Creates the participant-side state machine for a site or an auxiliary participant.</summary>
    IAggregationParticipant CreateParticipant(ParticipantId id, SessionConfig config);
}

/// <summary>
/// The aggregator's side of a session. It never sees an input in clear (except for the plain baseline): it forwards
/// and folds what participants send, and releases only the final sum.
/// </summary>
public interface IAggregationServer
{
    /// <summary>Starts a round; returns the first stage's messages.</summary>
    ServerOutbox BeginRound(RoundSpec spec);

    /// <summary>
    /// Takes one participant's reply to the current stage. The reply is validated in full before anything is folded
    /// in, so a bad reply changes nothing: it throws <see cref="ProtocolViolationException"/> naming the participant
    /// and the stage, and that participant is treated as dropped from then on.
    /// </summary>
    void Receive(ParticipantId from, ReadOnlySpan<byte> reply);

    /// <summary>
    /// Closes the current stage: every participant that has not replied is dropped. Returns the next stage's messages,
    /// or an empty outbox with <see cref="Result"/> set. Throws <see cref="AggregationFailedException"/> (naming the
    /// missing sites) when fewer than the threshold remain; nothing about the inputs is revealed then.
    /// </summary>
    ServerOutbox EndStage();

    /// <summary>The released aggregate once the round is complete; null before.</summary>
    AggregationResult? Result { get; }
}

/// <summary>A site's (or auxiliary participant's) side of a session.</summary>
public interface IAggregationParticipant : IDisposable
{
    ParticipantId Id { get; }

    /// <summary>
    /// Gives a site its input for a round before the round starts. The weight multiplies the values privately
    /// (it is never sent in clear). Auxiliary participants have no input.
    /// </summary>
    void SetInput(string roundId, ReadOnlyMemory<double> values, double weight = 1);

    /// <summary>
    /// Handles one message from the server and returns the reply. Throws <see cref="ProtocolViolationException"/> or
    /// <see cref="MalformedMessageException"/> for a message it must refuse (wrong stage, replay, tampering).
    /// </summary>
    byte[] Handle(ReadOnlySpan<byte> message);
}
