namespace FedScore.Secure.Transport.Grpc.Server;

public enum FederationEventKind
{
    /// <summary>A site's hello verified; it is connected.</summary>
    SiteConnected,

    /// <summary>A site's stream ended (closed, killed, network lost, replaced by a newer connection).</summary>
    SiteDisconnected,

    /// <summary>A connection attempt was refused (unknown site, bad signature, wrong session, replayed hello).</summary>
    ConnectionRefused,

    /// <summary>A site answered a request (progress for the UI).</summary>
    SiteAnswered,

    /// <summary>A site did not answer a request (not connected, disconnected, timed out, refused, violation).</summary>
    SiteDropped,

    /// <summary>A site sent a frame the transport refuses; its stream is closed.</summary>
    ProtocolViolation,
}

/// <summary>Something the server host observed; never carries payload contents.</summary>
public sealed record FederationEvent(
    FederationEventKind Kind,
    ParticipantId? Site,
    ulong Sequence,
    string Message,
    DateTimeOffset At)
{
    public override string ToString() => $"{At:HH:mm:ss.fff} {Kind} {Site?.ToString() ?? "-"} #{Sequence}: {Message}";
}
