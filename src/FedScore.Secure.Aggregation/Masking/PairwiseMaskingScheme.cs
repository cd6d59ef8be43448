namespace FedScore.Secure.Aggregation.Masking;

/// <summary>Which pairwise-masking protocol: SecAgg over the complete graph, or SecAgg+ over a sparse public graph.</summary>
public enum MaskingVariant
{
    /// <summary>Bonawitz et al., CCS 2017: every pair of sites shares a mask ("masking").</summary>
    SecAgg,

    /// <summary>Bell et al., CCS 2020: masks and shares only within O(log n) neighbourhoods ("secagg+").</summary>
    SecAggPlus,
}

/// <summary>
/// Signs a site's key advertisement (its two X25519 public keys bound to session, round and site). The hook for
/// identity signatures (Ed25519, written elsewhere); with it, sites can refuse keys the server substitutes, which is
/// what the malicious-server variant of Bonawitz et al. (§6) relies on.
/// </summary>
public interface IKeyAdvertisementSigner
{
    byte[] Sign(ParticipantId site, ReadOnlySpan<byte> advertisement);
}

/// <summary>Checks another site's advertisement signature against its known identity key.</summary>
public interface IKeyAdvertisementVerifier
{
    bool Verify(ParticipantId site, ReadOnlySpan<byte> advertisement, ReadOnlySpan<byte> signature);
}

/// <summary>Optional settings of the masking schemes.</summary>
public sealed record MaskingOptions
{
    /// <summary>Upper bound on a signature's size on the wire.</summary>
    public const int MaxSignatureLength = 512;

    public static MaskingOptions Default { get; } = new();

    /// <summary>Signs each site's key advertisement; null sends none.</summary>
    public IKeyAdvertisementSigner? Signer { get; init; }

    /// <summary>When set, participants (and the server) refuse advertisements whose signature does not verify.</summary>
    public IKeyAdvertisementVerifier? Verifier { get; init; }
}

/// <summary>
/// Secure aggregation by pairwise masking with double masking (Bonawitz et al., "Practical Secure Aggregation for
/// Privacy-Preserving Machine Learning", CCS 2017, §4) and its sparse-graph variant SecAgg+ (Bell et al., "Secure
/// Single-Server Aggregation with (Poly)Logarithmic Overhead", CCS 2020).
/// </summary>
/// <remarks>
/// Four stages per round: (0) advertise keys — each site sends two fresh X25519 public keys, c for share encryption
/// and s for masks; (1) share keys — each site Shamir-shares (t-of-n, or t_N within its neighbourhood) its self-mask
/// seed b_u and its mask secret key s_u, and sends each share AES-GCM-encrypted to its holder through the server;
/// (2) masked input — y_u = x_u + PRG(b_u) + Σ_{v&lt;u} PRG(s_uv) − Σ_{v&gt;u} PRG(s_uv) in Z_{2^k} (k = 32 when the
/// fixed-point plan fits 32 bits, else 64), folded by the server on arrival; (3) unmasking — for each survivor the
/// sites return shares of b_v, for each dropped site shares of s_v, never both for the same site, and the server
/// removes the masks.
/// </remarks>
public sealed class PairwiseMaskingScheme : IAggregationScheme
{
    public const string SecAggName = "masking";
    public const string SecAggPlusName = "secagg+";

    public PairwiseMaskingScheme(MaskingVariant variant = MaskingVariant.SecAgg, MaskingOptions? options = null)
    {
        Variant = variant;
        Options = options ?? MaskingOptions.Default;
    }

    public static PairwiseMaskingScheme SecAgg(MaskingOptions? options = null) => new(MaskingVariant.SecAgg, options);

    public static PairwiseMaskingScheme SecAggPlus(MaskingOptions? options = null) => new(MaskingVariant.SecAggPlus, options);

    public MaskingVariant Variant { get; }

    public MaskingOptions Options { get; }

    public string Name => Variant == MaskingVariant.SecAgg ? SecAggName : SecAggPlusName;

    public string ThreatModel => Variant == MaskingVariant.SecAgg
        ? "honest-but-curious server colluding with < t sites learns only the weighted sum of ≥ t surviving sites (Bonawitz et al. 2017); an actively malicious server needs the signature hook"
        : "as masking, but masks and shares only among O(log n) neighbours of a public random graph (Bell et al. 2020); holds with high probability for a bounded fraction of corrupt or dropped sites";

    public IReadOnlyList<ParticipantId> AuxiliaryParticipants(SessionConfig config) => [];

    public IAggregationServer CreateServer(SessionConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new MaskingServer(Name, config, NeighbourGraph.For(config, Variant), Options);
    }

    public IAggregationParticipant CreateParticipant(ParticipantId id, SessionConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.IndexOf(id) == 0)
        {
            throw new ArgumentException($"'{id}' is not a site of session {config.SessionId}", nameof(id));
        }

        return new MaskingParticipant(Name, id, config, NeighbourGraph.For(config, Variant), Options);
    }
}
