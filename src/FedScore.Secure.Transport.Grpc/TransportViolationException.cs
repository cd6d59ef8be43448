namespace FedScore.Secure.Transport.Grpc;

/// <summary>
/// A peer sent a frame the transport refuses: unsigned, wrongly signed, replayed, out of order, oversized or
/// malformed. The message names the peer and the sequence but never contains payload bytes.
/// </summary>
public sealed class TransportViolationException : Exception
{
    public TransportViolationException(string message) : base(message) { }
}
