using FedScore.Secure.Transport.Grpc.V1;

namespace FedScore.Secure.Transport.Grpc;

/// <summary>What a server request carries to a site.</summary>
public enum FrameKind
{
    /// <summary>A message of the aggregation protocol, handled by the site's <c>IAggregationParticipant</c>.</summary>
    Aggregation,

    /// <summary>An application task (opaque bytes), handled by the site's task handler.</summary>
    Task,

    /// <summary>The session is over; the site closes its stream.</summary>
    Shutdown,
}

internal static class FrameKindMapping
{
    public static PayloadKind ToWire(this FrameKind kind) => kind switch
    {
        FrameKind.Aggregation => PayloadKind.Aggregation,
        FrameKind.Task => PayloadKind.Task,
        FrameKind.Shutdown => PayloadKind.Shutdown,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown frame kind"),
    };

    public static FrameKind? FromWire(PayloadKind kind) => kind switch
    {
        PayloadKind.Aggregation => FrameKind.Aggregation,
        PayloadKind.Task => FrameKind.Task,
        PayloadKind.Shutdown => FrameKind.Shutdown,
        _ => null,
    };
}
