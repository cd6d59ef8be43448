namespace FedScore.Secure.Aggregation.Simulation;

public enum MessageDirection
{
    ServerToParticipant,
    ParticipantToServer,
}

/// <summary>One message as the server sent or received it.</summary>
public sealed record TranscriptEntry(
    string RoundId,
    string Stage,
    int StageIndex,
    MessageDirection Direction,
    ParticipantId Participant,
    byte[] Bytes);

/// <summary>Everything the server saw and sent, so tests can check that no input crossed in clear.</summary>
public sealed class Transcript
{
    private readonly List<TranscriptEntry> _entries = [];
    private readonly List<string> _events = [];
    private readonly object _lock = new();

    public IReadOnlyList<TranscriptEntry> Entries
    {
        get
        {
            lock (_lock)
            {
                return _entries.ToArray();
            }
        }
    }

    /// <summary>Violations and participant-side errors, in order, as text.</summary>
    public IReadOnlyList<string> Events
    {
        get
        {
            lock (_lock)
            {
                return _events.ToArray();
            }
        }
    }

    /// <summary>Bytes the server received (participant → server).</summary>
    public IEnumerable<TranscriptEntry> Received => Entries.Where(e => e.Direction == MessageDirection.ParticipantToServer);

    internal void Add(TranscriptEntry entry)
    {
        lock (_lock)
        {
            _entries.Add(entry);
        }
    }

    internal void AddEvent(string text)
    {
        lock (_lock)
        {
            _events.Add(text);
        }
    }
}
