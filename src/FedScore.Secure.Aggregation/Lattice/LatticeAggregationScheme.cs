namespace FedScore.Secure.Aggregation.Lattice;

/// <summary>Which lattice encoding a <see cref="LatticeAggregationScheme"/> uses.</summary>
public enum LatticeSchemeKind
{
    /// <summary>CKKS, coefficient-encoded reals: approximate sums within the planner's stated error ("ckks").</summary>
    Ckks,

    /// <summary>Packed BFV over fixed-point integers: exact modular sums, exact for integer plans ("bfv").</summary>
    Bfv,
}

/// <summary>
/// Secure aggregation with multiparty RLWE homomorphic encryption (Mouchet, Troncoso-Pastoriza, Bossuat &amp; Hubaux,
/// "Multiparty homomorphic encryption from ring-learning-with-errors", PETS 2021) in the t-of-n threshold variant:
/// the sites hold Shamir shares of a collective secret key that nobody, the server included, ever holds.
/// </summary>
/// <remarks>
/// <para>Setup, once per parameter set (normally in the first round) and cached for the session:
/// "advertise-keys" — each site sends a fresh X25519 key; "keygen" — each site draws its additive secret s_i, sends
/// its public-key share p_i = −a·s_i + e_i on the public CRP a (derived from the session id), and Shamir-shares s_i
/// t-of-n, each share AES-256-GCM-encrypted for its recipient under an X25519 + HKDF key (the server forwards only
/// ciphertexts). The server sums the p_i into the collective public key, which reaches each site with its forwarded
/// shares in the next message; the site combines them into its threshold share and forgets s_i. A site that drops
/// during setup is out for the session; while ≥ t key holders remain, decryption works without it.</para>
/// <para>Each round: "upload" — sites encrypt w·x under the collective key, the server adds ciphertexts as they
/// arrive (memory O(length)); "decrypt" — the server fixes the active set (the first t contributors) and sends them
/// the aggregate; each returns one smudged decryption share per ciphertext, and the server combines and decodes.</para>
/// <para>Dropouts: a site that drops before or during upload is simply not in the sum. A site of the active set
/// that drops during "decrypt" fails the round (<see cref="AggregationFailedException"/> naming it): its shares are
/// bound to that active set and each key share gives at most one decryption share per ciphertext, because a second
/// share for the same ciphertext would let the server average the smudging noise away and learn key material
/// (Mouchet et al. §5; Lattigo SECURITY.md). Run a new round instead (new ciphertexts).</para>
/// </remarks>
public sealed class LatticeAggregationScheme : IAggregationScheme
{
    public const string CkksName = "ckks";
    public const string BfvName = "bfv";

    public LatticeAggregationScheme(LatticeSchemeKind kind)
    {
        if (!Enum.IsDefined(kind))
        {
            throw new ArgumentOutOfRangeException(nameof(kind));
        }

        Kind = kind;
    }

    public static LatticeAggregationScheme Ckks() => new(LatticeSchemeKind.Ckks);

    public static LatticeAggregationScheme Bfv() => new(LatticeSchemeKind.Bfv);

    public LatticeSchemeKind Kind { get; }

    public string Name => Kind == LatticeSchemeKind.Ckks ? CkksName : BfvName;

    public string ThreatModel => Kind == LatticeSchemeKind.Ckks
        ? "honest-but-curious server colluding with < t sites learns only the approximate weighted sum of ≥ t sites (CKKS under a t-of-n collective key, Mouchet et al. 2021; smudged decryption shares, 40-bit statistical security); nobody holds the whole secret key; t colluding sites could decrypt"
        : "honest-but-curious server colluding with < t sites learns only the exact weighted fixed-point sum of ≥ t sites (packed BFV under a t-of-n collective key, Mouchet et al. 2021; smudged decryption shares, 40-bit statistical security); nobody holds the whole secret key; t colluding sites could decrypt";

    public IReadOnlyList<ParticipantId> AuxiliaryParticipants(SessionConfig config) => [];

    public IAggregationServer CreateServer(SessionConfig config)
    {
        CheckThreshold(config);
        return new LatticeAggregationServer(Kind, Name, config);
    }

    public IAggregationParticipant CreateParticipant(ParticipantId id, SessionConfig config)
    {
        CheckThreshold(config);
        if (config.IndexOf(id) == 0)
        {
            throw new ArgumentException($"'{id}' is not a site of session {config.SessionId}", nameof(id));
        }

        return new LatticeParticipant(Kind, Name, id, config);
    }

    private static void CheckThreshold(SessionConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        // With t = 1 every site's Shamir share would be the whole collective secret key.
        if (config.Threshold < 2)
        {
            throw new ArgumentException(
                $"the lattice schemes need a threshold of at least 2 (got {config.Threshold}): with 1-of-n sharing every site would hold the whole secret key",
                nameof(config));
        }
    }
}
