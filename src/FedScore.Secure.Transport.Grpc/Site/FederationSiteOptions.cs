using System.Net;
using Microsoft.Extensions.Logging;

namespace FedScore.Secure.Transport.Grpc.Site;

/// <summary>Configuration of a site's connection to the coordinating server.</summary>
public sealed record FederationSiteOptions
{
    public FederationSiteOptions(Uri serverAddress, string sessionId)
    {
        ServerAddress = serverAddress ?? throw new ArgumentNullException(nameof(serverAddress));
        ArgumentException.ThrowIfNullOrWhiteSpace(sessionId);
        SessionId = sessionId;
    }

    /// <summary>http://127.0.0.1:P (h2c, loopback only) or https://host:P (TLS).</summary>
    public Uri ServerAddress { get; init; }

    public string SessionId { get; init; }

    /// <summary>
    /// Optional server certificate (PEM or DER) to trust even if it is self-signed: the connection is accepted when the
    /// server presents exactly this certificate. Without it, the system trust store decides.
    /// </summary>
    public string? TrustedServerCertificatePath { get; init; }

    public TransportLimits Limits { get; init; } = TransportLimits.Default;

    /// <summary>Connection attempts while the server is not up yet (exponential backoff with jitter in between).</summary>
    public int ConnectAttempts { get; init; } = 20;

    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long to wait for the server's welcome after the hello.</summary>
    public TimeSpan WelcomeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan KeepAlivePingDelay { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan KeepAlivePingTimeout { get; init; } = TimeSpan.FromSeconds(20);

    public ILoggerFactory? LoggerFactory { get; init; }

    internal void Validate()
    {
        Limits.Validate();
        if (ServerAddress.Scheme != Uri.UriSchemeHttp && ServerAddress.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException($"server address must be http:// or https://, got '{ServerAddress}'", nameof(ServerAddress));
        }

        // Plaintext h2c would expose the hello and every frame on the network: only to a loopback server.
        if (ServerAddress.Scheme == Uri.UriSchemeHttp && !IsLoopbackHost(ServerAddress))
        {
            throw new InvalidOperationException(
                $"refusing plaintext http:// to non-loopback server {ServerAddress.Host}: use https:// (TLS) for a server on another machine");
        }

        if (ConnectAttempts < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(ConnectAttempts), "at least one connection attempt is needed");
        }
    }

    private static bool IsLoopbackHost(Uri address) =>
        address.IsLoopback || (IPAddress.TryParse(address.Host.Trim('[', ']'), out IPAddress? ip) && IPAddress.IsLoopback(ip));
}
