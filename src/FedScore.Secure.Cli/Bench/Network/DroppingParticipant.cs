using FedScore.Secure.Aggregation;

namespace FedScore.Secure.Cli.Bench.Network;

/// <summary>
/// Fault injection for the benchmark: a site that takes part in the first <paramref name="dropAtMessage"/> aggregation
/// messages of the round (e.g. advertising and sharing its keys) and, on the next one, drops its connection
/// abruptly (<paramref name="disconnect"/>, as if the process died) without answering.
/// </summary>
internal sealed class DroppingParticipant(IAggregationParticipant inner, int dropAtMessage, Action disconnect) : IAggregationParticipant
{
    private int _messages;

    public ParticipantId Id => inner.Id;

    public bool Dropped { get; private set; }

    public void SetInput(string roundId, ReadOnlyMemory<double> values, double weight = 1) => inner.SetInput(roundId, values, weight);

    public byte[] Handle(ReadOnlySpan<byte> message)
    {
        if (_messages++ == dropAtMessage)
        {
            Dropped = true;
            disconnect();
            throw new OperationCanceledException($"{Id} disconnected mid-round (benchmark fault injection)");
        }

        return inner.Handle(message);
    }

    public void Dispose() => inner.Dispose();
}
