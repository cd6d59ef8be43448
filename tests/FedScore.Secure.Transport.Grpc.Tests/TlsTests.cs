using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using FedScore.Secure.Crypto.Identity;
using FedScore.Secure.Transport.Grpc.Server;
using FedScore.Secure.Transport.Grpc.Site;
using Grpc.Core;

namespace FedScore.Secure.Transport.Grpc.Tests;

public sealed class TlsTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task SiteConnectsOverTlsToAPinnedSelfSignedServerAndRefusesAnUnknownOne()
    {
        string dir = Directory.CreateTempSubdirectory("fedscore-tls-").FullName;
        try
        {
            // A throwaway self-signed server certificate for 127.0.0.1 (ECDSA P-256).
            using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest("CN=fedscore-test-server", ecdsa, HashAlgorithmName.SHA256);
            var san = new SubjectAlternativeNameBuilder();
            san.AddIpAddress(IPAddress.Loopback);
            san.AddDnsName("localhost");
            request.CertificateExtensions.Add(san.Build());
            using X509Certificate2 cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
            string pfx = Path.Combine(dir, "server.pfx");
            string pem = Path.Combine(dir, "server.crt");
            File.WriteAllBytes(pfx, cert.Export(X509ContentType.Pfx, "pw"));
            File.WriteAllText(pem, cert.ExportCertificatePem());

            using SiteSigningKey key = SiteSigningKey.Generate("site-1");
            SiteRoster roster = SiteRoster.Create(null, [KeyValuePair.Create(key.Site, key.VerificationKey)]);
            using var cts = new CancellationTokenSource(Timeout);
            await using FederationServerHost host = await FederationServerHost.StartAsync(
                new FederationServerOptions("tls", roster) { CertificatePath = pfx, CertificatePassword = "pw" }, cts.Token);
            Assert.Equal("https", host.Address.Scheme);

            // Without the pin, the self-signed certificate is not trusted: no connection.
            var untrusting = new FederationSiteOptions(host.Address, "tls") { ConnectAttempts = 1 };
            await using (var refused = new FederationSiteClient(untrusting, key, null, (r, _) => Task.FromResult(r.ToArray())))
            {
                await Assert.ThrowsAsync<RpcException>(() => refused.RunAsync(cts.Token));
            }

            var pinned = new FederationSiteOptions(host.Address, "tls") { TrustedServerCertificatePath = pem };
            await using var client = new FederationSiteClient(pinned, key, null, (r, _) => Task.FromResult(r.ToArray()));
            Task run = client.RunAsync(cts.Token);
            await host.WaitForSitesAsync(1, Timeout, cts.Token);
            var replies = await host.ExchangeAsync(
                FrameKind.Task, new Dictionary<ParticipantId, byte[]> { ["site-1"] = [1, 2, 3] }, Timeout, cts.Token);
            Assert.Equal([1, 2, 3], replies["site-1"]);
            await host.SendShutdownAsync(Timeout, cts.Token);
            await run.WaitAsync(Timeout);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
