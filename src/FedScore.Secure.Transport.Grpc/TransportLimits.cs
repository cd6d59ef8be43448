namespace FedScore.Secure.Transport.Grpc;

/// <summary>
/// Size limits of the transport, set deliberately on both ends. Payloads travel in chunks of at most
/// <see cref="ChunkBytes"/>; a payload's declared total length is checked against <see cref="MaxPayloadBytes"/>
/// before any buffer is allocated; gRPC's own per-message limit is the chunk size plus room for the frame fields.
/// </summary>
public sealed record TransportLimits
{
    /// <summary>1 MiB: small enough that no gRPC message is large, big enough that per-chunk overhead is negligible.</summary>
    public const int DefaultChunkBytes = 1 << 20;

    /// <summary>256 MiB: a round of 2^24 doubles in plain, or large lattice ciphertexts, fit; a hostile peer cannot
    /// make us allocate more.</summary>
    public const long DefaultMaxPayloadBytes = 256L << 20;

    /// <summary>Room for the non-data fields of a chunk (sequence, lengths, 64-byte signature, protobuf tags).</summary>
    internal const int FrameOverheadBytes = 16 << 10;

    public int ChunkBytes { get; init; } = DefaultChunkBytes;

    public long MaxPayloadBytes { get; init; } = DefaultMaxPayloadBytes;

    /// <summary>The gRPC MaxReceiveMessageSize / MaxSendMessageSize to configure on channel and server.</summary>
    public int GrpcMessageLimit => checked(ChunkBytes + FrameOverheadBytes);

    public static TransportLimits Default { get; } = new();

    internal void Validate()
    {
        if (ChunkBytes < 1024 || ChunkBytes > 16 << 20)
        {
            throw new ArgumentOutOfRangeException(nameof(ChunkBytes), $"chunk size must be in [1 KiB, 16 MiB], got {ChunkBytes}");
        }

        if (MaxPayloadBytes < 1 || MaxPayloadBytes > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxPayloadBytes), $"maximum payload must be in [1, {Array.MaxLength}], got {MaxPayloadBytes}");
        }
    }
}
