using System.Net;
using System.Security.Cryptography;
using FedScore.Secure.Crypto.Identity;
using FedScore.Secure.Transport.Grpc.Server;
using FedScore.Secure.Transport.Grpc.Site;
using FedScore.Secure.Transport.Grpc.V1;
using Google.Protobuf;
using Grpc.Core;

namespace FedScore.Secure.Transport.Grpc.Tests;

public sealed class TransportSecurityTests
{
    private static readonly TimeSpan ExchangeTimeout = TimeSpan.FromSeconds(10);

    private static SiteTaskHandler Echo => (request, _) => Task.FromResult(request.ToArray().Reverse().ToArray());

    [Fact]
    public async Task UnknownSiteIsRefusedWithPermissionDenied()
    {
        await using LoopbackFederation federation = await LoopbackFederation.StartAsync(2);
        using SiteSigningKey stranger = SiteSigningKey.Generate("site-99");
        var e = await Assert.ThrowsAsync<RpcException>(() => federation.StartSiteAsync("site-99", null, Echo, stranger));
        Assert.Equal(StatusCode.PermissionDenied, e.StatusCode);
        Assert.Contains("not in the roster", e.Status.Detail);
        Assert.Empty(federation.Host.ConnectedSites);
        Assert.Contains(federation.Events, ev => ev.Kind == FederationEventKind.ConnectionRefused && ev.Site == "site-99");
    }

    [Fact]
    public async Task SiteWithTheWrongKeyIsRefusedAsUnauthenticated()
    {
        await using LoopbackFederation federation = await LoopbackFederation.StartAsync(2);
        using SiteSigningKey impostor = SiteSigningKey.Generate("site-1");
        var e = await Assert.ThrowsAsync<RpcException>(() => federation.StartSiteAsync("site-1", null, Echo, impostor));
        Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
        Assert.Contains("not signed by its roster key", e.Status.Detail);
        Assert.Empty(federation.Host.ConnectedSites);
    }

    [Fact]
    public async Task ReplayedHelloIsRefused()
    {
        await using LoopbackFederation federation = await LoopbackFederation.StartAsync(1);
        Hello hello = TransportSignatures.SignHello(federation.Keys["site-1"], federation.SessionId);
        using var channel = global::Grpc.Net.Client.GrpcChannel.ForAddress(federation.Host.Address);
        var client = new V1.Federation.FederationClient(channel);
        using (var first = client.Connect(cancellationToken: federation.Cancel.Token))
        {
            await first.RequestStream.WriteAsync(new SiteFrame { Hello = hello });
            Assert.True(await first.ResponseStream.MoveNext(federation.Cancel.Token));
            Assert.Equal(ServerFrame.BodyOneofCase.Welcome, first.ResponseStream.Current.BodyCase);
        }

        using var second = client.Connect(cancellationToken: federation.Cancel.Token);
        await second.RequestStream.WriteAsync(new SiteFrame { Hello = hello });
        var e = await Assert.ThrowsAsync<RpcException>(() => second.ResponseStream.MoveNext(federation.Cancel.Token));
        Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
        Assert.Contains("replayed hello", e.Status.Detail);
    }

    [Fact]
    public async Task HelloForAnotherSessionIsRefused()
    {
        await using LoopbackFederation federation = await LoopbackFederation.StartAsync(1);
        var options = new FederationSiteOptions(federation.Host.Address, "some-other-session");
        await using var client = new FederationSiteClient(options, federation.Keys["site-1"], null, Echo);
        var e = await Assert.ThrowsAsync<RpcException>(() => client.RunAsync(federation.Cancel.Token));
        Assert.Equal(StatusCode.FailedPrecondition, e.StatusCode);
    }

    [Fact]
    public async Task ReplayedReplySequenceIsRefusedAndTheSiteDropped()
    {
        await using LoopbackFederation federation = await LoopbackFederation.StartAsync(1);
        var call = await federation.RawConnectAsync("site-1");
        SiteSigningKey key = federation.Keys["site-1"];

        // Exchange 1 is answered properly; its reply frame is kept and sent again to exchange 2.
        Task<IReadOnlyDictionary<ParticipantId, byte[]>> first = federation.Host.ExchangeAsync(
            FrameKind.Task, new Dictionary<ParticipantId, byte[]> { ["site-1"] = [1, 2, 3] }, ExchangeTimeout, federation.Cancel.Token);
        PayloadChunk request1 = await NextRequest(call, federation.Cancel.Token);
        SiteFrame reply1 = SignedReply(key, federation.SessionId, request1, [9, 9]);
        await call.RequestStream.WriteAsync(reply1);
        Assert.Equal([9, 9], (await first.WaitAsync(LoopbackFederation.TestTimeout))["site-1"]);

        Task<IReadOnlyDictionary<ParticipantId, byte[]>> second = federation.Host.ExchangeAsync(
            FrameKind.Task, new Dictionary<ParticipantId, byte[]> { ["site-1"] = [4, 5, 6] }, ExchangeTimeout, federation.Cancel.Token);
        PayloadChunk request2 = await NextRequest(call, federation.Cancel.Token);
        Assert.True(request2.Sequence > request1.Sequence);
        await call.RequestStream.WriteAsync(reply1);
        Assert.Empty(await second.WaitAsync(LoopbackFederation.TestTimeout));
        Assert.Contains(federation.Events, e => e.Kind == FederationEventKind.ProtocolViolation && e.Message.Contains("replayed or stale"));
        var status = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(federation.Cancel.Token));
        Assert.Equal(StatusCode.InvalidArgument, status.StatusCode);
    }

    [Fact]
    public async Task UnsignedOrWronglySignedReplyIsRefused()
    {
        foreach (bool sign in new[] { false, true })
        {
            await using LoopbackFederation federation = await LoopbackFederation.StartAsync(1);
            var call = await federation.RawConnectAsync("site-1");
            Task<IReadOnlyDictionary<ParticipantId, byte[]>> exchange = federation.Host.ExchangeAsync(
                FrameKind.Task, new Dictionary<ParticipantId, byte[]> { ["site-1"] = [1] }, ExchangeTimeout, federation.Cancel.Token);
            PayloadChunk request = await NextRequest(call, federation.Cancel.Token);
            SiteFrame reply = SignedReply(federation.Keys["site-1"], federation.SessionId, request, [7, 7, 7]);
            if (sign)
            {
                reply.Reply.Data = ByteString.CopyFrom(7, 7, 8); // tampered after signing
            }
            else
            {
                reply.Reply.Signature = ByteString.Empty;
            }

            await call.RequestStream.WriteAsync(reply);
            Assert.Empty(await exchange.WaitAsync(LoopbackFederation.TestTimeout));
            string expected = sign ? "does not verify" : "unsigned";
            Assert.Contains(federation.Events, e => e.Kind == FederationEventKind.ProtocolViolation && e.Message.Contains(expected));
        }
    }

    [Fact]
    public async Task OversizedDeclaredLengthIsRefusedBeforeAllocating()
    {
        await using LoopbackFederation federation = await LoopbackFederation.StartAsync(1, o => o with
        {
            Limits = new TransportLimits { ChunkBytes = 64 << 10, MaxPayloadBytes = 1 << 20 },
        });
        var call = await federation.RawConnectAsync("site-1");
        Task<IReadOnlyDictionary<ParticipantId, byte[]>> exchange = federation.Host.ExchangeAsync(
            FrameKind.Task, new Dictionary<ParticipantId, byte[]> { ["site-1"] = [1] }, ExchangeTimeout, federation.Cancel.Token);
        PayloadChunk request = await NextRequest(call, federation.Cancel.Token);
        await call.RequestStream.WriteAsync(new SiteFrame
        {
            Reply = new PayloadChunk { Sequence = request.Sequence, Kind = request.Kind, TotalLength = long.MaxValue, Offset = 0, Data = ByteString.CopyFrom(1, 2) },
        });
        Assert.Empty(await exchange.WaitAsync(LoopbackFederation.TestTimeout));
        Assert.Contains(federation.Events, e => e.Kind == FederationEventKind.ProtocolViolation && e.Message.Contains("exceeds the maximum"));
    }

    [Fact]
    public async Task SiteRefusalIsReportedAndTheSiteStaysConnected()
    {
        await using LoopbackFederation federation = await LoopbackFederation.StartAsync(1);
        int calls = 0;
        SiteTaskHandler handler = (request, _) => Interlocked.Increment(ref calls) == 1
            ? throw new ArgumentException("unknown statistic")
            : Task.FromResult(new byte[] { 42 });
        await federation.StartSiteAsync("site-1", null, handler);
        var message = new Dictionary<ParticipantId, byte[]> { ["site-1"] = [1] };
        Assert.Empty(await federation.Host.ExchangeAsync(FrameKind.Task, message, ExchangeTimeout, federation.Cancel.Token));
        Assert.Contains(federation.Events, e => e.Kind == FederationEventKind.SiteDropped && e.Message.Contains("unknown statistic"));
        var second = await federation.Host.ExchangeAsync(FrameKind.Task, message, ExchangeTimeout, federation.Cancel.Token);
        Assert.Equal([42], second["site-1"]);
    }

    [Fact]
    public async Task SilentSiteTimesOutAndALateReplyIsIgnored()
    {
        await using LoopbackFederation federation = await LoopbackFederation.StartAsync(1);
        var call = await federation.RawConnectAsync("site-1");
        var message = new Dictionary<ParticipantId, byte[]> { ["site-1"] = [1] };
        var first = await federation.Host.ExchangeAsync(FrameKind.Task, message, TimeSpan.FromMilliseconds(300), federation.Cancel.Token);
        Assert.Empty(first);
        PayloadChunk stale = await NextRequest(call, federation.Cancel.Token);

        Task<IReadOnlyDictionary<ParticipantId, byte[]>> second = federation.Host.ExchangeAsync(FrameKind.Task, message, ExchangeTimeout, federation.Cancel.Token);
        PayloadChunk current = await NextRequest(call, federation.Cancel.Token);
        await call.RequestStream.WriteAsync(SignedReply(federation.Keys["site-1"], federation.SessionId, stale, [1]));
        await call.RequestStream.WriteAsync(SignedReply(federation.Keys["site-1"], federation.SessionId, current, [2]));
        Assert.Equal([2], (await second.WaitAsync(LoopbackFederation.TestTimeout))["site-1"]);
        Assert.DoesNotContain(federation.Events, e => e.Kind == FederationEventKind.ProtocolViolation);
    }

    [Fact]
    public async Task PayloadsAboveFourMebibytesTravelInChunksBothWays()
    {
        await using LoopbackFederation federation = await LoopbackFederation.StartAsync(1);
        await federation.StartSiteAsync("site-1", null, Echo);
        byte[] big = RandomNumberGenerator.GetBytes((5 << 20) + 12345);
        var replies = await federation.Host.ExchangeAsync(
            FrameKind.Task, new Dictionary<ParticipantId, byte[]> { ["site-1"] = big }, ExchangeTimeout, federation.Cancel.Token);
        Assert.Equal(big.Reverse().ToArray(), replies["site-1"]);
    }

    [Fact]
    public async Task SiteRetriesWhileTheServerIsNotUpYet()
    {
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        using SiteSigningKey key = SiteSigningKey.Generate("site-1");
        SiteRoster roster = SiteRoster.Create(null, [KeyValuePair.Create(key.Site, key.VerificationKey)]);
        var options = new FederationSiteOptions(new Uri($"http://127.0.0.1:{port}"), "late")
        {
            InitialBackoff = TimeSpan.FromMilliseconds(50),
            MaxBackoff = TimeSpan.FromMilliseconds(200),
            ConnectAttempts = 100,
        };
        await using var client = new FederationSiteClient(options, key, null, Echo);
        var retries = 0;
        client.Event += e => { if (e.Kind == "retry") { Interlocked.Increment(ref retries); } };
        using var cts = new CancellationTokenSource(LoopbackFederation.TestTimeout);
        Task run = client.RunAsync(cts.Token);
        await Task.Delay(400);
        Assert.False(client.Connected.IsCompleted);
        await using FederationServerHost host = await FederationServerHost.StartAsync(new FederationServerOptions("late", roster) { Port = port });
        await client.Connected.WaitAsync(LoopbackFederation.TestTimeout);
        Assert.True(retries > 0);
        await host.WaitForSitesAsync(1, LoopbackFederation.TestTimeout, cts.Token);
        await host.SendShutdownAsync(LoopbackFederation.TestTimeout);
        await run.WaitAsync(LoopbackFederation.TestTimeout); // the site ends cleanly on shutdown
    }

    [Fact]
    public async Task WaitForSitesTimesOutNamingTheMissingSites()
    {
        await using LoopbackFederation federation = await LoopbackFederation.StartAsync(2);
        await federation.StartSiteAsync("site-1", null, Echo);
        var e = await Assert.ThrowsAsync<TimeoutException>(() =>
            federation.Host.WaitForSitesAsync(2, TimeSpan.FromMilliseconds(200), federation.Cancel.Token));
        Assert.Contains("site-2", e.Message);
        Assert.DoesNotContain("site-1", e.Message.Split("not connected:")[1]);
    }

    [Fact]
    public async Task PlaintextIsRefusedOffLoopback()
    {
        using SiteSigningKey key = SiteSigningKey.Generate("site-1");
        SiteRoster roster = SiteRoster.Create(null, [KeyValuePair.Create(key.Site, key.VerificationKey)]);
        var server = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            FederationServerHost.StartAsync(new FederationServerOptions("s", roster) { BindAddress = IPAddress.Any }));
        Assert.Contains("without TLS", server.Message);
        var site = Assert.Throws<InvalidOperationException>(() =>
            new FederationSiteClient(new FederationSiteOptions(new Uri("http://hospital.example:5000"), "s"), key, null, Echo));
        Assert.Contains("plaintext", site.Message);
    }

    private static async Task<PayloadChunk> NextRequest(AsyncDuplexStreamingCall<SiteFrame, ServerFrame> call, CancellationToken ct)
    {
        Assert.True(await call.ResponseStream.MoveNext(ct).WaitAsync(LoopbackFederation.TestTimeout));
        Assert.Equal(ServerFrame.BodyOneofCase.Request, call.ResponseStream.Current.BodyCase);
        PayloadChunk chunk = call.ResponseStream.Current.Request;
        Assert.True(chunk.Last);
        return chunk;
    }

    private static SiteFrame SignedReply(SiteSigningKey key, string session, PayloadChunk request, byte[] payload)
    {
        byte[] signed = TransportSignatures.ReplyBytes(
            session, key.Site, request.Sequence, request.Kind, SHA256.HashData(request.Data.Span), SHA256.HashData(payload), 5);
        return new SiteFrame
        {
            Reply = new PayloadChunk
            {
                Sequence = request.Sequence,
                Kind = request.Kind,
                TotalLength = (ulong)payload.Length,
                Offset = 0,
                Data = ByteString.CopyFrom(payload),
                Last = true,
                ComputeMicros = 5,
                Signature = ByteString.CopyFrom(key.Sign(TransportSignatures.ReplyContext, signed)),
            },
        };
    }
}
