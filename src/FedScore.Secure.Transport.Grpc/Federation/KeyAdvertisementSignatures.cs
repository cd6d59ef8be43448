using FedScore.Secure.Aggregation.Masking;
using FedScore.Secure.Crypto.Identity;

namespace FedScore.Secure.Transport.Grpc.Federation;

/// <summary>
/// Signs this site's masking key advertisements with its long-term Ed25519 identity key, so that other sites can
/// refuse keys the server substitutes (Bonawitz et al., CCS 2017, §6: a PKI binding the X25519 keys to identities).
/// </summary>
public sealed class IdentityAdvertisementSigner(SiteSigningKey key) : IKeyAdvertisementSigner
{
    /// <summary>Domain separation: a signature made for this purpose verifies for no other.</summary>
    public const string Context = "fedscore/masking/key-advertisement/v1";

    public byte[] Sign(ParticipantId site, ReadOnlySpan<byte> advertisement)
    {
        if (site != key.Site)
        {
            throw new InvalidOperationException($"asked to sign for '{site}' with the key of '{key.Site}'");
        }

        return key.Sign(Context, advertisement);
    }
}

/// <summary>Checks another site's key advertisement against its public key in the roster; unknown sites fail.</summary>
public sealed class RosterAdvertisementVerifier(SiteRoster roster) : IKeyAdvertisementVerifier
{
    public bool Verify(ParticipantId site, ReadOnlySpan<byte> advertisement, ReadOnlySpan<byte> signature) =>
        roster.TryGetKey(site, out SiteVerificationKey key) && key.Verify(IdentityAdvertisementSigner.Context, advertisement, signature);
}
