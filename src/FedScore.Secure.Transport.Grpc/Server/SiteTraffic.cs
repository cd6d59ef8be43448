namespace FedScore.Secure.Transport.Grpc.Server;

/// <summary>
/// gRPC traffic with one site since the server started, counted in gRPC messages and their bytes on the wire at the
/// gRPC layer: each message's protobuf encoding plus the 5-byte length prefix gRPC puts in front of it (gRPC over
/// HTTP/2, "Length-Prefixed-Message"). HTTP/2 frame headers, TLS records and TCP/IP headers are not included.
/// Sent = server → site (welcome, request chunks, shutdown); received = site → server (hello, reply chunks, refusals).
/// </summary>
public sealed record SiteTraffic(long MessagesSent, long BytesSent, long MessagesReceived, long BytesReceived)
{
    public static SiteTraffic Zero { get; } = new(0, 0, 0, 0);

    /// <summary>The traffic between two snapshots (this minus <paramref name="earlier"/>).</summary>
    public SiteTraffic Since(SiteTraffic earlier) => new(
        MessagesSent - earlier.MessagesSent, BytesSent - earlier.BytesSent,
        MessagesReceived - earlier.MessagesReceived, BytesReceived - earlier.BytesReceived);
}

/// <summary>Thread-safe counters behind <see cref="SiteTraffic"/>; one per roster site, kept across reconnections.</summary>
internal sealed class TrafficCounter
{
    /// <summary>gRPC's length prefix: 1 compressed-flag byte and a 4-byte big-endian length.</summary>
    public const int GrpcMessagePrefixBytes = 5;

    private long _messagesSent;
    private long _bytesSent;
    private long _messagesReceived;
    private long _bytesReceived;

    public void Sent(Google.Protobuf.IMessage message)
    {
        Interlocked.Increment(ref _messagesSent);
        Interlocked.Add(ref _bytesSent, message.CalculateSize() + GrpcMessagePrefixBytes);
    }

    public void Received(Google.Protobuf.IMessage message)
    {
        Interlocked.Increment(ref _messagesReceived);
        Interlocked.Add(ref _bytesReceived, message.CalculateSize() + GrpcMessagePrefixBytes);
    }

    public SiteTraffic Snapshot() => new(
        Interlocked.Read(ref _messagesSent), Interlocked.Read(ref _bytesSent),
        Interlocked.Read(ref _messagesReceived), Interlocked.Read(ref _bytesReceived));
}
