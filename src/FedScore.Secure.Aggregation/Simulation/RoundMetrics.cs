namespace FedScore.Secure.Aggregation.Simulation;

/// <summary>Costs of one simulated round, per participant and at the server.</summary>
public sealed record RoundMetrics(
    IReadOnlyDictionary<ParticipantId, double> ClientMillis,
    double ServerMillis,
    IReadOnlyDictionary<ParticipantId, long> BytesUploaded,
    IReadOnlyDictionary<ParticipantId, long> BytesDownloaded,
    int Stages)
{
    /// <summary>The stage names in the order the server ran them.</summary>
    public IReadOnlyList<string> StageNames { get; init; } = [];

    /// <summary>Per-stage costs in the order the server ran the stages (empty when the runner does not record them).</summary>
    public IReadOnlyList<StageMetrics> StageCosts { get; init; } = [];

    /// <summary>Median client time over the given participants (the sites), in milliseconds.</summary>
    public double MedianClientMillis(IEnumerable<ParticipantId> participants) =>
        Median(participants.Where(ClientMillis.ContainsKey).Select(p => ClientMillis[p]));

    /// <summary>Mean bytes uploaded per participant among the given ones.</summary>
    public double MeanBytesUploaded(IEnumerable<ParticipantId> participants)
    {
        long[] values = participants.Select(p => BytesUploaded.TryGetValue(p, out long b) ? b : 0).ToArray();
        return values.Length == 0 ? 0 : values.Average();
    }

    internal static double Median(IEnumerable<double> values)
    {
        double[] v = values.Order().ToArray();
        if (v.Length == 0)
        {
            return 0;
        }

        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }
}

/// <summary>
/// Costs of one protocol stage. Server time is the time spent folding this stage's replies plus closing the stage
/// (round start counts to the first stage); client time is the median over the participants that handled the stage
/// (auxiliary participants such as a decryptor included); bytes are totals over all participants.
/// </summary>
public sealed record StageMetrics(
    string Stage,
    double ServerMillis,
    double MedianClientMillis,
    int Participants,
    long BytesUploaded,
    long BytesDownloaded);

/// <summary>The outcome of a simulated round.</summary>
public sealed record SimulatedRound(AggregationResult Result, RoundMetrics Metrics);
