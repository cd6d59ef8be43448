namespace FedScore.Secure;

/// <summary>Bytes received from an untrusted party that do not parse: truncated, oversized, wrong version or type.</summary>
public sealed class MalformedMessageException : Exception
{
    public MalformedMessageException(string message) : base(message) { }

    public MalformedMessageException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>
/// A participant broke the protocol (wrong stage, replayed or tampered message, bad share, failed authentication).
/// Names the participant and the stage so that an operator knows whom to look at.
/// </summary>
public sealed class ProtocolViolationException : Exception
{
    public ProtocolViolationException(ParticipantId? participant, string stage, string reason)
        : base(Format(participant, stage, reason))
    {
        Participant = participant;
        Stage = stage;
        Reason = reason;
    }

    public ProtocolViolationException(ParticipantId? participant, string stage, string reason, Exception inner)
        : base(Format(participant, stage, reason), inner)
    {
        Participant = participant;
        Stage = stage;
        Reason = reason;
    }

    public ParticipantId? Participant { get; }

    public string Stage { get; }

    public string Reason { get; }

    private static string Format(ParticipantId? participant, string stage, string reason) =>
        participant is { } p ? $"{p} at stage {stage}: {reason}" : $"at stage {stage}: {reason}";
}

/// <summary>A round cannot complete: too few participants left, or the result cannot be released.</summary>
public sealed class AggregationFailedException : Exception
{
    public AggregationFailedException(string message, IReadOnlyList<ParticipantId>? missing = null)
        : base(message)
    {
        Missing = missing ?? [];
    }

    /// <summary>The participants whose absence made the round fail.</summary>
    public IReadOnlyList<ParticipantId> Missing { get; }
}
