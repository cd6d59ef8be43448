using FedScore.Secure.Aggregation.Masking;
using FedScore.Secure.Crypto.Identity;
using FedScore.Secure.Transport.Grpc.Federation;
using FedScore.Secure.Transport.Grpc.Site;

namespace FedScore.Secure.Cli.Bench.Network;

/// <summary>
/// A group of benchmark sites run in one process, each exactly as `fedscore site` runs a hospital: its own gRPC
/// channel (its own TCP connection), its identity key signing the hello, every reply and its masking key
/// advertisements, the roster to check the other sites' advertisements, and a <see cref="SiteFederationEndpoint"/>
/// that checks the proposed session against its policy. Only the data differ (synthetic vectors). Sites listed in
/// the drop set disconnect abruptly when the round's <c>dropAtMessage</c>-th aggregation message arrives.
/// </summary>
internal sealed class BenchSiteGroup : IAsyncDisposable
{
    /// <summary>The schemes a benchmark site accepts; plain is allowed because the data are synthetic.</summary>
    public static readonly IReadOnlySet<string> AllowedSchemes =
        new HashSet<string>(["plain", "masking", "secagg+"], StringComparer.OrdinalIgnoreCase);

    private readonly List<Site> _sites = [];
    private readonly bool _ownsKeys;

    private BenchSiteGroup(bool ownsKeys)
    {
        _ownsKeys = ownsKeys;
    }

    public IReadOnlyList<Task> Runs => _sites.Select(s => s.Run).ToArray();

    /// <summary>Starts one client per key and returns without waiting; with <paramref name="ownsKeys"/> the group disposes the keys.</summary>
    public static BenchSiteGroup Start(
        Uri server, string sessionId, SiteRoster roster, IEnumerable<SiteSigningKey> keys, bool ownsKeys,
        IReadOnlySet<ParticipantId> drop, int dropAtMessage, CancellationToken cancellationToken)
    {
        var group = new BenchSiteGroup(ownsKeys);
        var verifier = new RosterAdvertisementVerifier(roster);
        IReadOnlySet<ParticipantId> expected = roster.Sites.ToHashSet();
        foreach (SiteSigningKey key in keys)
        {
            var endpoint = new SiteFederationEndpoint(key.Site, new SyntheticSiteStatistics(key.Site), new SitePolicy
            {
                AllowedSchemes = AllowedSchemes,
                ExpectedSites = expected,
                Masking = new MaskingOptions { Signer = new IdentityAdvertisementSigner(key), Verifier = verifier },
            });
            var options = new FederationSiteOptions(server, sessionId)
            {
                // Many sites share two cores here: give slow starts room before calling the server unreachable.
                ConnectAttempts = 30,
                InitialBackoff = TimeSpan.FromMilliseconds(100),
                MaxBackoff = TimeSpan.FromSeconds(2),
                WelcomeTimeout = TimeSpan.FromSeconds(60),
            };
            FederationSiteClient? client = null;
            Aggregation.IAggregationParticipant participant = drop.Contains(key.Site)
                ? new DroppingParticipant(endpoint.Participant, dropAtMessage, () => client!.Abort())
                : endpoint.Participant;
            client = new FederationSiteClient(options, key, participant, endpoint.Handler);
            group._sites.Add(new Site(key, client, drop.Contains(key.Site), client.RunAsync(cancellationToken)));
        }

        return group;
    }

    /// <summary>
    /// Waits for every client to end (the server's shutdown notice, or its drop); returns the failures of sites that
    /// were not meant to drop, as text.
    /// </summary>
    public async Task<IReadOnlyList<string>> WaitAsync(TimeSpan timeout)
    {
        var failures = new List<string>();
        foreach (Site site in _sites)
        {
            try
            {
                await site.Run.WaitAsync(timeout).ConfigureAwait(false);
            }
            catch (Exception) when (site.MeantToDrop)
            {
            }
            catch (TimeoutException)
            {
                failures.Add($"{site.Key.Site}: still running after {timeout.TotalSeconds:0} s");
            }
            catch (Exception e)
            {
                failures.Add($"{site.Key.Site}: {e.GetType().Name}: {e.Message}");
            }
        }

        return failures;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (Site site in _sites)
        {
            await site.Client.DisposeAsync().ConfigureAwait(false);
            try
            {
                await site.Run.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Already reported by WaitAsync, or aborted by the dispose above.
            }

            if (_ownsKeys)
            {
                site.Key.Dispose();
            }
        }

        _sites.Clear();
    }

    private sealed record Site(SiteSigningKey Key, FederationSiteClient Client, bool MeantToDrop, Task Run);
}
