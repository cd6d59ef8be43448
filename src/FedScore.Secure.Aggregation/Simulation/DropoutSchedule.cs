namespace FedScore.Secure.Aggregation.Simulation;

/// <summary>
/// Which participants go silent, and from which stage of a round on (0 = the first server message). A participant
/// that drops at stage k replies to stages 0…k−1 and to nothing after.
/// </summary>
public sealed class DropoutSchedule
{
    private readonly Dictionary<ParticipantId, int> _dropAt = [];
    private readonly Dictionary<ParticipantId, string> _dropAtStage = [];

    public static DropoutSchedule None => new();

    public IReadOnlyDictionary<ParticipantId, int> DropAt => _dropAt;

    /// <summary>Makes <paramref name="participant"/> stop replying from stage <paramref name="stageIndex"/> on.</summary>
    public DropoutSchedule Drop(ParticipantId participant, int stageIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(stageIndex);
        _dropAt[participant] = stageIndex;
        return this;
    }

    /// <summary>
    /// Makes <paramref name="participant"/> stop replying from the first stage named <paramref name="stageName"/> on
    /// (schemes name the stage in which sites send their protected input "upload").
    /// </summary>
    public DropoutSchedule Drop(ParticipantId participant, string stageName)
    {
        ArgumentException.ThrowIfNullOrEmpty(stageName);
        _dropAtStage[participant] = stageName;
        return this;
    }

    public bool IsSilent(ParticipantId participant, int stageIndex) =>
        _dropAt.TryGetValue(participant, out int k) && stageIndex >= k;

    /// <summary>True when the participant's drop point (by index or by stage name) is reached at this stage.</summary>
    public bool DropsAt(ParticipantId participant, int stageIndex, string stageName) =>
        IsSilent(participant, stageIndex) ||
        (_dropAtStage.TryGetValue(participant, out string? name) && string.Equals(name, stageName, StringComparison.Ordinal));

    /// <summary>Drops <paramref name="count"/> sites chosen by <paramref name="random"/> at <paramref name="stageIndex"/>.</summary>
    public static DropoutSchedule Random(IReadOnlyList<ParticipantId> sites, int count, int stageIndex, Random random)
    {
        var schedule = new DropoutSchedule();
        foreach (ParticipantId s in Pick(sites, count, random))
        {
            schedule.Drop(s, stageIndex);
        }

        return schedule;
    }

    /// <summary>Drops <paramref name="count"/> sites chosen by <paramref name="random"/> from the stage named <paramref name="stageName"/> on.</summary>
    public static DropoutSchedule Random(IReadOnlyList<ParticipantId> sites, int count, string stageName, Random random)
    {
        var schedule = new DropoutSchedule();
        foreach (ParticipantId s in Pick(sites, count, random))
        {
            schedule.Drop(s, stageName);
        }

        return schedule;
    }

    private static IEnumerable<ParticipantId> Pick(IReadOnlyList<ParticipantId> sites, int count, Random random) =>
        sites.Select(s => (Key: random.Next(), Site: s)).OrderBy(t => t.Key).Take(count).Select(t => t.Site).ToArray();
}
