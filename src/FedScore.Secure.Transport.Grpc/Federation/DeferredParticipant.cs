using FedScore.Secure.Aggregation;

namespace FedScore.Secure.Transport.Grpc.Federation;

/// <summary>
/// A site's aggregation participant whose scheme is known only once the coordinator's "configure" task has been
/// checked; until then every aggregation message is refused.
/// </summary>
public sealed class DeferredParticipant(ParticipantId id) : IAggregationParticipant
{
    private IAggregationParticipant? _inner;

    public ParticipantId Id { get; } = id;

    public bool IsConfigured => _inner is not null;

    public void Configure(IAggregationParticipant participant)
    {
        ArgumentNullException.ThrowIfNull(participant);
        if (participant.Id != Id)
        {
            throw new ArgumentException($"participant {participant.Id} is not {Id}", nameof(participant));
        }

        if (Interlocked.CompareExchange(ref _inner, participant, null) is not null)
        {
            participant.Dispose();
            throw new ProtocolViolationException(null, "configure", $"{Id} is already configured for this session (a second configure is refused)");
        }
    }

    public void SetInput(string roundId, ReadOnlyMemory<double> values, double weight = 1) => Inner.SetInput(roundId, values, weight);

    public byte[] Handle(ReadOnlySpan<byte> message) => Inner.Handle(message);

    public void Dispose() => _inner?.Dispose();

    private IAggregationParticipant Inner =>
        _inner ?? throw new ProtocolViolationException(null, "aggregation", $"{Id} received an aggregation message before the session was configured");
}
