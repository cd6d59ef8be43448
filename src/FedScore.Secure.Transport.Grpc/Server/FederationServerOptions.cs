using System.Net;
using FedScore.Secure.Crypto.Identity;
using Microsoft.Extensions.Logging;

namespace FedScore.Secure.Transport.Grpc.Server;

/// <summary>Configuration of the coordinating server's gRPC endpoint.</summary>
public sealed record FederationServerOptions
{
    public FederationServerOptions(string sessionId, SiteRoster roster)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sessionId);
        SessionId = sessionId;
        Roster = roster ?? throw new ArgumentNullException(nameof(roster));
    }

    /// <summary>The session every site's hello must name (bound into all signatures).</summary>
    public string SessionId { get; init; }

    /// <summary>The sites allowed to connect and their identity keys (loaded out of band).</summary>
    public SiteRoster Roster { get; init; }

    /// <summary>TCP port; 0 picks a free ephemeral port (read it back from <see cref="FederationServerHost.Port"/>).</summary>
    public int Port { get; init; }

    /// <summary>Loopback by default. Any other address requires TLS (<see cref="CertificatePath"/>).</summary>
    public IPAddress BindAddress { get; init; } = IPAddress.Loopback;

    /// <summary>Server certificate: a PKCS#12 (.pfx/.p12) file, or a PEM certificate with <see cref="CertificateKeyPath"/>.</summary>
    public string? CertificatePath { get; init; }

    /// <summary>PEM private key file for a PEM <see cref="CertificatePath"/>.</summary>
    public string? CertificateKeyPath { get; init; }

    /// <summary>Password of the PKCS#12 file or of an encrypted PEM key.</summary>
    public string? CertificatePassword { get; init; }

    public TransportLimits Limits { get; init; } = TransportLimits.Default;

    /// <summary>How long a site has to send its hello after opening the stream.</summary>
    public TimeSpan HelloTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Hellos whose timestamp is further than this from the server clock are refused (replay window).</summary>
    public TimeSpan MaxClockSkew { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>HTTP/2 PING interval; detects a site whose machine vanished without closing the connection.</summary>
    public TimeSpan KeepAlivePingDelay { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan KeepAlivePingTimeout { get; init; } = TimeSpan.FromSeconds(20);

    public ILoggerFactory? LoggerFactory { get; init; }

    public bool UsesTls => CertificatePath is not null;

    internal void Validate()
    {
        Limits.Validate();
        if (Port is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(Port), $"port must be in [0, 65535], got {Port}");
        }

        // Plaintext h2c would expose every frame (and the hello) to the hospital network: only on loopback.
        if (!UsesTls && !IPAddress.IsLoopback(BindAddress))
        {
            throw new InvalidOperationException(
                $"refusing to listen on {BindAddress} without TLS: plaintext HTTP/2 is allowed only on loopback; give a certificate (CertificatePath) or bind to 127.0.0.1");
        }

        if (HelloTimeout <= TimeSpan.Zero || MaxClockSkew <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(HelloTimeout), "timeouts must be positive");
        }
    }
}
