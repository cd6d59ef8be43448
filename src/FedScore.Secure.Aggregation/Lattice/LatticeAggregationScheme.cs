using FedScore.Secure.Aggregation.Masking;

namespace FedScore.Secure.Aggregation.Lattice;

/// <summary>
/// Optional settings of the ckks / bfv schemes: identity signatures on the key-setup messages, with the same hooks as
/// the masking schemes (<see cref="MaskingOptions"/>; e.g. the gRPC layer's Ed25519 IdentityAdvertisementSigner and
/// RosterAdvertisementVerifier). A site signs (1) its ephemeral X25519 key, which authenticates the channel its
/// Shamir shares travel on, and (2) a digest of its public-key share; payloads are domain-separated
/// (<see cref="LatticeProtocol.KeyAdvertisementPayload"/>, <see cref="LatticeProtocol.PublicKeySharePayload"/>), so
/// a signature made for one purpose verifies for no other. With a verifier the server refuses an unsigned or
/// substituted key or key share, and every site refuses forwarded X25519 keys that do not verify — so a server that
/// substitutes keys to read the Shamir shares is caught.
/// </summary>
public sealed record LatticeOptions
{
    public static LatticeOptions Default { get; } = new();

    /// <summary>Signs this site's setup messages; null sends empty signatures.</summary>
    public IKeyAdvertisementSigner? Signer { get; init; }

    /// <summary>When set, the server and the sites refuse setup messages whose signature does not verify.</summary>
    public IKeyAdvertisementVerifier? Verifier { get; init; }

    /// <summary>Builds lattice options from the masking ones (same hooks).</summary>
    public static LatticeOptions From(MaskingOptions? masking) =>
        masking is null ? Default : new LatticeOptions { Signer = masking.Signer, Verifier = masking.Verifier };
}

/// <summary>Which lattice encoding a <see cref="LatticeAggregationScheme"/> uses.</summary>
public enum LatticeSchemeKind
{
    /// <summary>
    /// "ckks": coefficient-encoded CKKS reals (approximate sums within the planner's stated error) for a handful of
    /// values, otherwise the packed fixed-point encoding of <see cref="Bfv"/>, which uploads fewer bytes.
    /// </summary>
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
/// shares in the next message; the site keeps the shares per dealer (<c>DealerShareSet</c>) and keeps s_i. A site that
/// drops during setup is out for the session; while ≥ t key holders remain, decryption works without it.</para>
/// <para>Each round: "upload" — each site encrypts w·x under its OWN additive share s_i with a c1 = a common to all
/// sites, expanded from a seed derived from (session, round, parameter set, ciphertext index), and uploads only
/// c0_i = −a·s_i + e_i + m_i (plus the 32-byte seed): half the bytes of a public-key ciphertext, and fresh Gaussian
/// noise only, so the planner needs fewer smudging bits and a smaller Q (key-homomorphic encryption of a·s + e;
/// Boneh et al. CRYPTO 2013; the same idea as seeded symmetric uploads in the survey's item 12). The server adds the
/// c0 parts as they arrive (memory O(length)): Σ c0_i with c1 = a is a ciphertext of Σ m_i under s_U = Σ_{i∈U} s_i,
/// U the contributors. "decrypt" — the server fixes the active set (the first t contributors) and sends it U and the
/// aggregate; each decryptor k computes its share F_U(k) = Σ_{i∈U} f_i(k) of s_U and returns one smudged decryption
/// share per ciphertext, and the server combines and decodes. A contributor that drops before "decrypt" is covered
/// by the others' Shamir shares of its s_i.</para>
/// <para>Wire size: values are packed several per coefficient above the noise (plaintext packing, as slot packing in
/// Paillier aggregation): a coefficient carries Δ·Σ_j (q_j + bias)·2^(j·w), fixed-point integers q_j in lanes of w bits
/// wide enough for n sites' sums, so the ~60-bit smudging floor is paid once per coefficient rather than once per
/// value (<c>AggregationPlanner.PlanPackedBfv</c> proves the no-carry bound). "bfv" always packs; "ckks" packs whenever
/// that uploads fewer bytes than one real per coefficient (all but a handful of values) and then gives the exact
/// fixed-point sum, within the same requested error. The last, partly filled ciphertext travels trimmed to the
/// coefficients it uses (c0 in coefficient form; <c>LatticeSerializer.WriteTrimmedTo</c>). Together: about 5.4 bytes
/// per value at 10 sites and 6.8 at 100 (float32: 4), against ~11.8 for one value per coefficient.</para>
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

    public LatticeAggregationScheme(LatticeSchemeKind kind, LatticeOptions? options = null)
    {
        if (!Enum.IsDefined(kind))
        {
            throw new ArgumentOutOfRangeException(nameof(kind));
        }

        Kind = kind;
        Options = options ?? LatticeOptions.Default;
    }

    public static LatticeAggregationScheme Ckks() => new(LatticeSchemeKind.Ckks);

    public static LatticeAggregationScheme Bfv() => new(LatticeSchemeKind.Bfv);

    public static LatticeAggregationScheme Ckks(LatticeOptions? options) => new(LatticeSchemeKind.Ckks, options);

    public static LatticeAggregationScheme Bfv(LatticeOptions? options) => new(LatticeSchemeKind.Bfv, options);

    public LatticeSchemeKind Kind { get; }

    public LatticeOptions Options { get; }

    public string Name => Kind == LatticeSchemeKind.Ckks ? CkksName : BfvName;

    public string ThreatModel => Kind == LatticeSchemeKind.Ckks
        ? "honest-but-curious server colluding with < t sites learns only the approximate weighted sum of ≥ t sites (CKKS under a t-of-n collective key, Mouchet et al. 2021; smudged decryption shares, 40-bit statistical security); nobody holds the whole secret key; t colluding sites could decrypt"
        : "honest-but-curious server colluding with < t sites learns only the exact weighted fixed-point sum of ≥ t sites (packed BFV under a t-of-n collective key, Mouchet et al. 2021; smudged decryption shares, 40-bit statistical security); nobody holds the whole secret key; t colluding sites could decrypt";

    public IReadOnlyList<ParticipantId> AuxiliaryParticipants(SessionConfig config) => [];

    public IAggregationServer CreateServer(SessionConfig config)
    {
        CheckThreshold(config);
        return new LatticeAggregationServer(Kind, Name, config, Options);
    }

    public IAggregationParticipant CreateParticipant(ParticipantId id, SessionConfig config)
    {
        CheckThreshold(config);
        if (config.IndexOf(id) == 0)
        {
            throw new ArgumentException($"'{id}' is not a site of session {config.SessionId}", nameof(id));
        }

        return new LatticeParticipant(Kind, Name, id, config, Options);
    }

    private static void CheckThreshold(SessionConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        // With t = 1 every site's Shamir share would be the whole collective secret key.
        if (config.Threshold < 2)
        {
            throw new ArgumentException(
                $"--threshold (SessionConfig.Threshold) must be at least 2 for the lattice schemes, got {config.Threshold}: with 1-of-n sharing every site would hold the whole secret key",
                nameof(config));
        }

        if (config.Threshold > config.Sites.Count)
        {
            throw new ArgumentException(
                $"--threshold (SessionConfig.Threshold) is {config.Threshold}, above the {config.Sites.Count} sites of the session: nobody could ever decrypt",
                nameof(config));
        }
    }
}
