using FedScore.Secure.Crypto.Paillier;

namespace FedScore.Secure.Aggregation.Paillier;

/// <summary>
/// Secure aggregation with Paillier encryption under the key of a separate decryptor role. Round flow: in the first
/// round the server asks the decryptor for its public key (and keeps it for later rounds); sites encrypt their packed
/// weighted fixed-point vectors under it; the server multiplies the ciphertexts as they arrive and sends only the
/// product to the decryptor, which decrypts one aggregate per round and returns the packed sums; the server removes
/// the per-contributor offsets and decodes. The server never holds the private key.
/// </summary>
/// <remarks>
/// Parameters: modulus ≥ 2048 bits, default 3072 (128-bit security), g = n + 1, Damgård–Jurik–Nielsen short
/// randomness (see <see cref="PaillierPublicKey"/>). Sites pin the decryptor's key on first use and refuse a
/// changed key in later rounds.
/// </remarks>
public sealed class PaillierAggregationScheme : IAggregationScheme
{
    public const string SchemeName = "paillier";

    /// <summary>The auxiliary participant that owns the private key.</summary>
    public static ParticipantId Decryptor { get; } = new("decryptor");

    public PaillierAggregationScheme(int modulusBits = PaillierKeyPolicy.DefaultModulusBits, int? randomnessBits = null)
        : this(modulusBits, randomnessBits, PaillierKeyPolicy.Production)
    {
    }

    private PaillierAggregationScheme(int modulusBits, int? randomnessBits, PaillierKeyPolicy policy)
    {
        policy.CheckModulusBits(modulusBits, nameof(modulusBits));
        if (randomnessBits is { } ell && (ell < PaillierPublicKey.MinimumRandomnessBits || ell > modulusBits))
        {
            throw new ArgumentOutOfRangeException(nameof(randomnessBits), $"randomness bits must be in [{PaillierPublicKey.MinimumRandomnessBits}, {modulusBits}]");
        }

        ModulusBits = modulusBits;
        RandomnessBits = randomnessBits;
        Policy = policy;
    }

    /// <summary>
    /// INSECURE: a scheme whose decryptor generates small keys (from 512 bits) and whose sites and server accept them,
    /// so that tests run fast. Never use outside tests.
    /// </summary>
    public static PaillierAggregationScheme CreateInsecureForTests(int modulusBits = 1024) =>
        new(modulusBits, null, PaillierKeyPolicy.InsecureForTests);

    public string Name => SchemeName;

    public string ThreatModel =>
        "the server learns only the weighted sum (the decryptor learns it too), as long as the decryptor does not " +
        "collude with the server; honest-but-curious server (it could otherwise substitute its own key in the first round)";

    public int ModulusBits { get; }

    public int? RandomnessBits { get; }

    internal PaillierKeyPolicy Policy { get; }

    public IReadOnlyList<ParticipantId> AuxiliaryParticipants(SessionConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        CheckNoSiteIsTheDecryptor(config);
        return [Decryptor];
    }

    public IAggregationServer CreateServer(SessionConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        CheckNoSiteIsTheDecryptor(config);
        return new PaillierAggregationServer(config, Policy);
    }

    public IAggregationParticipant CreateParticipant(ParticipantId id, SessionConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        CheckNoSiteIsTheDecryptor(config);
        if (id == Decryptor)
        {
            return new PaillierDecryptorParticipant(config, ModulusBits, RandomnessBits, Policy);
        }

        if (config.IndexOf(id) == 0)
        {
            throw new ArgumentException($"'{id}' is neither a site of session {config.SessionId} nor its decryptor", nameof(id));
        }

        return new PaillierSiteParticipant(id, config, Policy);
    }

    private static void CheckNoSiteIsTheDecryptor(SessionConfig config)
    {
        if (config.IndexOf(Decryptor) != 0)
        {
            throw new ArgumentException($"a site may not be called '{Decryptor}': that name is the Paillier decryptor role", nameof(config));
        }
    }
}
