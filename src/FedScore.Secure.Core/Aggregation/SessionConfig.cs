namespace FedScore.Secure.Aggregation;

/// <summary>
/// The facts every participant of a federation session agrees on before any round: who the sites are, how many
/// must survive for a result to be released, and a session id bound into every key derivation and message header
/// (so nothing from one session can be replayed into another).
/// </summary>
public sealed record SessionConfig
{
    public const int MaxSites = 10_000;

    public SessionConfig(string sessionId, IEnumerable<ParticipantId> sites, int threshold)
    {
        if (string.IsNullOrWhiteSpace(sessionId) || sessionId.Length > 128)
        {
            throw new ArgumentException("session id must be 1 to 128 characters", nameof(sessionId));
        }

        ParticipantId[] sorted = sites.Order().ToArray();
        if (sorted.Length < 1 || sorted.Length > MaxSites)
        {
            throw new ArgumentException($"a session needs 1 to {MaxSites} sites, got {sorted.Length}", nameof(sites));
        }

        for (int i = 1; i < sorted.Length; i++)
        {
            if (sorted[i] == sorted[i - 1])
            {
                throw new ArgumentException($"site '{sorted[i]}' is listed twice", nameof(sites));
            }
        }

        if (threshold < 1 || threshold > sorted.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), $"threshold must be in [1, {sorted.Length}], got {threshold}");
        }

        SessionId = sessionId;
        Sites = sorted;
        Threshold = threshold;
    }

    /// <summary>Unique per session; a domain-separation label in key derivations.</summary>
    public string SessionId { get; }

    /// <summary>The sites, sorted ordinally; a site's position + 1 is its Shamir evaluation point.</summary>
    public IReadOnlyList<ParticipantId> Sites { get; }

    /// <summary>Minimum number of surviving sites for a round to release a result (t in t-of-n).</summary>
    public int Threshold { get; }

    /// <summary>1-based index of a site in <see cref="Sites"/>, or 0 when it is not a site of this session.</summary>
    public int IndexOf(ParticipantId site)
    {
        int i = ((ParticipantId[])Sites).AsSpan().BinarySearch(site);
        return i >= 0 ? i + 1 : 0;
    }

    /// <summary>A default threshold: a strict majority, so two disjoint groups can never both reconstruct.</summary>
    public static int MajorityThreshold(int sites) => sites / 2 + 1;
}
