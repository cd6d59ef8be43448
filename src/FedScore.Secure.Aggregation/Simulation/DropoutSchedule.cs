namespace FedScore.Secure.Aggregation.Simulation;

/// <summary>
/// Which participants go silent, and from which stage of a round on (0 = the first server message). A participant
/// that drops at stage k replies to stages 0…k−1 and to nothing after.
/// </summary>
public sealed class DropoutSchedule
{
    private readonly Dictionary<ParticipantId, int> _dropAt = [];

    public static DropoutSchedule None => new();

    public IReadOnlyDictionary<ParticipantId, int> DropAt => _dropAt;

    /// <summary>Makes <paramref name="participant"/> stop replying from stage <paramref name="stageIndex"/> on.</summary>
    public DropoutSchedule Drop(ParticipantId participant, int stageIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(stageIndex);
        _dropAt[participant] = stageIndex;
        return this;
    }

    public bool IsSilent(ParticipantId participant, int stageIndex) =>
        _dropAt.TryGetValue(participant, out int k) && stageIndex >= k;

    /// <summary>Drops <paramref name="count"/> sites chosen by <paramref name="random"/> at <paramref name="stageIndex"/>.</summary>
    public static DropoutSchedule Random(IReadOnlyList<ParticipantId> sites, int count, int stageIndex, Random random)
    {
        var schedule = new DropoutSchedule();
        foreach (ParticipantId s in sites.OrderBy(_ => random.Next()).Take(count))
        {
            schedule.Drop(s, stageIndex);
        }

        return schedule;
    }
}
