using FedScore.Secure.Aggregation;
using FedScore.Secure.Crypto.Identity;
using FedScore.Secure.Transport.Grpc.Server;
using FedScore.Secure.Transport.Grpc.Site;
using FedScore.Secure.Transport.Grpc.V1;
using Grpc.Core;
using Grpc.Net.Client;

namespace FedScore.Secure.Transport.Grpc.Tests;

/// <summary>
/// A server host on 127.0.0.1 (ephemeral port) plus site clients in the same process, all talking over real sockets.
/// Every wait is bounded so that a broken transport fails the test instead of hanging it.
/// </summary>
internal sealed class LoopbackFederation : IAsyncDisposable
{
    public static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(30);

    private readonly List<FederationSiteClient> _clients = [];
    private readonly List<Task> _runs = [];
    private readonly List<GrpcChannel> _channels = [];
    private readonly List<FederationEvent> _events = [];

    private LoopbackFederation(string sessionId, Dictionary<ParticipantId, SiteSigningKey> keys, SiteRoster roster)
    {
        SessionId = sessionId;
        Keys = keys;
        Roster = roster;
    }

    public string SessionId { get; }

    public Dictionary<ParticipantId, SiteSigningKey> Keys { get; }

    public SiteRoster Roster { get; }

    public FederationServerHost Host { get; private set; } = null!;

    public CancellationTokenSource Cancel { get; } = new(TestTimeout);

    public IReadOnlyList<FederationEvent> Events
    {
        get
        {
            lock (_events)
            {
                return _events.ToArray();
            }
        }
    }

    public static ParticipantId[] SiteIds(int n) => Enumerable.Range(1, n).Select(i => new ParticipantId($"site-{i}")).ToArray();

    public static async Task<LoopbackFederation> StartAsync(int sites, Func<FederationServerOptions, FederationServerOptions>? configure = null)
    {
        var keys = SiteIds(sites).ToDictionary(s => s, SiteSigningKey.Generate);
        var roster = SiteRoster.Create("test", keys.Select(kv => KeyValuePair.Create(kv.Key, kv.Value.VerificationKey)));
        var federation = new LoopbackFederation($"session-{Guid.NewGuid():N}", keys, roster);
        FederationServerOptions options = new(federation.SessionId, roster) { Port = 0 };
        options = configure?.Invoke(options) ?? options;
        federation.Host = await FederationServerHost.StartAsync(options, federation.Cancel.Token);
        federation.Host.Event += e =>
        {
            lock (federation._events)
            {
                federation._events.Add(e);
            }
        };
        return federation;
    }

    public FederationSiteOptions SiteOptions(Func<FederationSiteOptions, FederationSiteOptions>? configure = null)
    {
        var options = new FederationSiteOptions(Host.Address, SessionId);
        return configure?.Invoke(options) ?? options;
    }

    /// <summary>Starts a site client in the background and waits until it is welcomed.</summary>
    public async Task<(FederationSiteClient Client, Task Run)> StartSiteAsync(
        ParticipantId site, IAggregationParticipant? participant, SiteTaskHandler? handler = null, SiteSigningKey? key = null)
    {
        var client = new FederationSiteClient(SiteOptions(), key ?? Keys[site], participant, handler);
        Task run = client.RunAsync(Cancel.Token);
        _clients.Add(client);
        _runs.Add(run);
        await Task.WhenAny(client.Connected, run).WaitAsync(TestTimeout);
        if (run.IsCompleted)
        {
            await run; // surfaces a refusal
        }

        return (client, run);
    }

    /// <summary>A bare gRPC stream with a valid hello, for tests that forge frames.</summary>
    public async Task<AsyncDuplexStreamingCall<SiteFrame, ServerFrame>> RawConnectAsync(ParticipantId site)
    {
        GrpcChannel channel = GrpcChannel.ForAddress(Host.Address);
        _channels.Add(channel);
        var call = new V1.Federation.FederationClient(channel).Connect(cancellationToken: Cancel.Token);
        await call.RequestStream.WriteAsync(new SiteFrame { Hello = TransportSignatures.SignHello(Keys[site], SessionId) });
        Assert.True(await call.ResponseStream.MoveNext(Cancel.Token).WaitAsync(TestTimeout));
        Assert.Equal(ServerFrame.BodyOneofCase.Welcome, call.ResponseStream.Current.BodyCase);
        await Host.WaitForSitesAsync(Host.ConnectedSites.Count(s => s != site) + 1, TestTimeout, Cancel.Token);
        return call;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (FederationSiteClient c in _clients)
        {
            await c.DisposeAsync();
        }

        try
        {
            await Task.WhenAll(_runs).WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception)
        {
            // Aborted or refused sites end with an exception; the tests assert what matters before disposing.
        }

        foreach (GrpcChannel ch in _channels)
        {
            ch.Dispose();
        }

        await Host.DisposeAsync();
        foreach (SiteSigningKey k in Keys.Values)
        {
            k.Dispose();
        }

        Cancel.Dispose();
    }
}

/// <summary>Wraps a participant and runs an action when a message arrives (e.g. kill the site mid-round).</summary>
internal sealed class HookedParticipant(IAggregationParticipant inner, Action onHandle, int fromCall = 0) : IAggregationParticipant
{
    private int _calls;

    public ParticipantId Id => inner.Id;

    public void SetInput(string roundId, ReadOnlyMemory<double> values, double weight = 1) => inner.SetInput(roundId, values, weight);

    public byte[] Handle(ReadOnlySpan<byte> message)
    {
        if (_calls++ >= fromCall)
        {
            onHandle();
        }

        return inner.Handle(message);
    }

    public void Dispose() => inner.Dispose();
}
