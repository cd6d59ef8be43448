namespace FedScore.Secure.Scoring.Federated;

/// <summary>
/// A site dropped out during a statistic that must include every site to be pooled-exact. The secure round itself was
/// recovered (nothing leaked); the caller may start again over the remaining sites.
/// </summary>
public sealed class SiteDroppedException : Exception
{
    public SiteDroppedException(string statistic, IReadOnlyList<ParticipantId> sites)
        : base($"'{statistic}': site(s) {string.Join(", ", sites)} dropped out; a pooled-exact statistic needs every site.")
    {
        Statistic = statistic;
        Sites = sites;
    }

    public string Statistic { get; }

    public IReadOnlyList<ParticipantId> Sites { get; }
}
