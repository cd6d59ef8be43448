namespace FedScore.Secure.Aggregation;

/// <summary>The released aggregate of one round: Σ w_i·x_i over <see cref="Contributors"/>.</summary>
public sealed record AggregationResult(
    string RoundId,
    double[] Sum,
    IReadOnlyList<ParticipantId> Contributors,
    IReadOnlyList<ParticipantId> Dropped,
    double ErrorBound)
{
    /// <summary>Protocol violations seen and survived in this round (the offending site was dropped).</summary>
    public IReadOnlyList<string> Violations { get; init; } = [];
}
