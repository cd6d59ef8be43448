using System.Security.Cryptography;
using FedScore.Secure.Crypto.Identity;
using FedScore.Secure.Transport.Grpc.V1;
using FedScore.Secure.Wire;

namespace FedScore.Secure.Transport.Grpc;

/// <summary>
/// The exact bytes a site signs, one layout per purpose, each under its own signing context so that no signature can
/// be reused for another purpose. Every layout binds the session id (no cross-session replay) and the site id.
/// </summary>
internal static class TransportSignatures
{
    public const uint ProtocolVersion = 1;

    public const string HelloContext = "fedscore.secure.v1/hello";

    public const string ReplyContext = "fedscore.secure.v1/reply";

    public const string RefusalContext = "fedscore.secure.v1/refusal";

    /// <summary>RFC 8032 is not concerned with freshness; a 32-byte random nonce makes each hello unique.</summary>
    public const int NonceLength = 32;

    public static byte[] HelloBytes(uint version, string siteId, string sessionId, ReadOnlySpan<byte> nonce, long timestampUnixMs)
    {
        var w = new WireWriter(128);
        w.WriteUInt32(version).WriteString(siteId).WriteString(sessionId).WriteBytes(nonce).WriteInt64(timestampUnixMs);
        return w.ToArray();
    }

    public static byte[] ReplyBytes(
        string sessionId, ParticipantId site, ulong sequence, PayloadKind kind,
        ReadOnlySpan<byte> requestHash, ReadOnlySpan<byte> replyHash, ulong computeMicros)
    {
        var w = new WireWriter(160);
        w.WriteString(sessionId).WriteParticipant(site).WriteUInt64(sequence).WriteInt32((int)kind)
            .WriteRaw(requestHash).WriteRaw(replyHash).WriteUInt64(computeMicros);
        return w.ToArray();
    }

    public static byte[] RefusalBytes(string sessionId, ParticipantId site, ulong sequence, string reason)
    {
        var w = new WireWriter(128);
        w.WriteString(sessionId).WriteParticipant(site).WriteUInt64(sequence).WriteString(reason);
        return w.ToArray();
    }

    public static Hello SignHello(SiteSigningKey key, string sessionId)
    {
        byte[] nonce = RandomNumberGenerator.GetBytes(NonceLength);
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        byte[] signed = HelloBytes(ProtocolVersion, key.Site.Value, sessionId, nonce, now);
        return new Hello
        {
            ProtocolVersion = ProtocolVersion,
            SiteId = key.Site.Value,
            SessionId = sessionId,
            Nonce = Google.Protobuf.ByteString.CopyFrom(nonce),
            TimestampUnixMs = now,
            Signature = Google.Protobuf.ByteString.CopyFrom(key.Sign(HelloContext, signed)),
        };
    }

    /// <summary>Refusal reasons are bounded so a site cannot flood the server's log through them.</summary>
    public static string BoundReason(string reason) => reason.Length > 512 ? reason[..512] + "…" : reason;
}
