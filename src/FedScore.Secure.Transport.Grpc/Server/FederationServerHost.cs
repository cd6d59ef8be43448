using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using FedScore.Secure.Crypto.Identity;
using FedScore.Secure.Transport.Grpc.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FedScore.Secure.Transport.Grpc.Server;

/// <summary>
/// The coordinating server's endpoint: a Kestrel gRPC host that sites dial into (they sit behind hospital firewalls).
/// It admits only sites of the roster whose signed hello verifies, and offers the coordinator one primitive,
/// <see cref="ExchangeAsync"/>: send each site its message, collect the signed replies; a site that disconnects,
/// times out, refuses or misbehaves is simply absent from the result (dropped) and the event is reported.
/// </summary>
public sealed class FederationServerHost : IAsyncDisposable
{
    private readonly FederationServerOptions _options;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<ParticipantId, SiteConnection> _connections = new();
    private readonly HelloReplayGuard _replayGuard;
    private readonly ConcurrentDictionary<ParticipantId, TrafficCounter> _traffic = new();
    private readonly SemaphoreSlim _exchangeLock = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly object _signalLock = new();
    private TaskCompletionSource _connectionsChanged = NewSignal();
    private WebApplication? _app;
    private long _sequence;

    private FederationServerHost(FederationServerOptions options)
    {
        _options = options;
        _logger = (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger<FederationServerHost>();
        _replayGuard = new HelloReplayGuard(options.MaxClockSkew);
    }

    /// <summary>Raised (on a thread-pool thread) for connections, answers, drops and violations. Handlers must be quick.</summary>
    public event Action<FederationEvent>? Event;

    public string SessionId => _options.SessionId;

    public SiteRoster Roster => _options.Roster;

    /// <summary>The actual port (useful with port 0).</summary>
    public int Port { get; private set; }

    /// <summary>The address sites should dial, e.g. http://127.0.0.1:50051 or https://host:50051.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>Sites currently connected with a verified hello, sorted.</summary>
    public IReadOnlyList<ParticipantId> ConnectedSites => _connections.Keys.Order().ToArray();

    /// <summary>
    /// gRPC traffic per roster site since the server started (a snapshot; take two and subtract with
    /// <see cref="SiteTraffic.Since"/> to measure one round). Sites that never connected are absent.
    /// </summary>
    public IReadOnlyDictionary<ParticipantId, SiteTraffic> Traffic =>
        _traffic.ToDictionary(kv => kv.Key, kv => kv.Value.Snapshot());

    /// <summary>Starts listening. Refuses a non-loopback address without TLS.</summary>
    public static async Task<FederationServerHost> StartAsync(FederationServerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var host = new FederationServerHost(options);
        try
        {
            await host.StartKestrelAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await host.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return host;
    }

    /// <summary>
    /// Waits until at least <paramref name="count"/> sites are connected. Throws <see cref="TimeoutException"/> naming the
    /// roster sites still missing.
    /// </summary>
    public async Task WaitForSitesAsync(int count, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (count < 0 || count > _options.Roster.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(count), $"count must be in [0, {_options.Roster.Count}] (the roster size), got {count}");
        }

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        while (true)
        {
            Task signal;
            lock (_signalLock)
            {
                if (_connections.Count >= count)
                {
                    return;
                }

                signal = _connectionsChanged.Task;
            }

            try
            {
                await signal.WaitAsync(cts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                var missing = _options.Roster.Sites.Where(s => !_connections.ContainsKey(s));
                throw new TimeoutException(
                    $"only {_connections.Count} of {count} sites connected within {timeout.TotalSeconds:0.#} s; not connected: {string.Join(", ", missing)}");
            }
        }
    }

    /// <summary>
    /// Sends each site its message and collects the replies (one exchange at a time). A site that is not connected,
    /// disconnects, refuses, sends an invalid frame, or has not answered within <paramref name="timeout"/> is absent
    /// from the result and reported as <see cref="FederationEventKind.SiteDropped"/>.
    /// </summary>
    public async Task<IReadOnlyDictionary<ParticipantId, byte[]>> ExchangeAsync(
        FrameKind kind, IReadOnlyDictionary<ParticipantId, byte[]> messages, TimeSpan timeout, CancellationToken cancellationToken)
    {
        IReadOnlyDictionary<ParticipantId, SiteReply> replies =
            await ExchangeDetailedAsync(kind, messages, timeout, cancellationToken).ConfigureAwait(false);
        return replies.ToDictionary(kv => kv.Key, kv => kv.Value.Payload);
    }

    /// <summary>Tells every connected site that the session is over; they close their streams.</summary>
    public async Task SendShutdownAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ulong sequence = (ulong)Interlocked.Increment(ref _sequence);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        cts.CancelAfter(timeout);
        await Task.WhenAll(_connections.Values.Select(async c =>
        {
            try
            {
                await c.SendWithoutReplyAsync(sequence, FrameKind.Shutdown, [], cts.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException or RpcException)
            {
                _logger.LogInformation("shutdown notice to {Site} not delivered: {Reason}", c.Site, e.Message);
            }
        })).ConfigureAwait(false);
    }

    internal async Task<IReadOnlyDictionary<ParticipantId, SiteReply>> ExchangeDetailedAsync(
        FrameKind kind, IReadOnlyDictionary<ParticipantId, byte[]> messages, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var results = new Dictionary<ParticipantId, SiteReply>();
        await ExchangeStreamingAsync(kind, messages, timeout, (site, reply) => results[site] = reply, cancellationToken).ConfigureAwait(false);
        return results;
    }

    /// <summary>
    /// As <see cref="ExchangeAsync"/>, but each verified reply is handed to <paramref name="onReply"/> as soon as it has
    /// arrived instead of being held until every site has answered: the caller folds it and lets it go, so the server
    /// holds O(replies in flight), not O(sites × reply size). Calls to <paramref name="onReply"/> never overlap (they
    /// are serialized), so it may update non-thread-safe state such as an <c>IAggregationServer</c>; it must be quick
    /// and must not block on the network. An exception it throws fails the exchange.
    /// </summary>
    internal async Task ExchangeStreamingAsync(
        FrameKind kind, IReadOnlyDictionary<ParticipantId, byte[]> messages, TimeSpan timeout,
        Action<ParticipantId, SiteReply> onReply, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(onReply);
        if (kind == FrameKind.Shutdown)
        {
            throw new ArgumentException("use SendShutdownAsync for shutdown frames", nameof(kind));
        }

        if (timeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), "timeout must be positive");
        }

        foreach ((ParticipantId site, byte[] message) in messages)
        {
            if (message.LongLength > _options.Limits.MaxPayloadBytes)
            {
                throw new ArgumentException($"message to {site} is {message.LongLength} bytes, above the limit {_options.Limits.MaxPayloadBytes}", nameof(messages));
            }
        }

        await _exchangeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ulong sequence = (ulong)Interlocked.Increment(ref _sequence);
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
            cts.CancelAfter(timeout);
            var deliver = new object();
            void Deliver(ParticipantId site, SiteReply reply)
            {
                lock (deliver)
                {
                    onReply(site, reply);
                }
            }

            await Task.WhenAll(messages.Select(kv => ExchangeWithAsync(kv.Key, sequence, kind, kv.Value, timeout, Deliver, cts.Token)))
                .ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
        finally
        {
            _exchangeLock.Release();
        }
    }

    private async Task ExchangeWithAsync(
        ParticipantId site, ulong sequence, FrameKind kind, byte[] message, TimeSpan timeout,
        Action<ParticipantId, SiteReply> deliver, CancellationToken cancellationToken)
    {
        await Task.Yield();
        if (!_connections.TryGetValue(site, out SiteConnection? connection))
        {
            Report(FederationEventKind.SiteDropped, site, sequence, "not connected");
            return;
        }

        SiteReply reply;
        try
        {
            reply = await connection.RequestAsync(sequence, kind, message, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Report(FederationEventKind.SiteDropped, site, sequence,
                _stopping.IsCancellationRequested ? "server stopping" : $"no answer within {timeout.TotalSeconds:0.#} s (or cancelled)");
            return;
        }
        catch (SiteUnavailableException e)
        {
            Report(FederationEventKind.SiteDropped, site, sequence, e.Message);
            return;
        }

        deliver(site, reply);
        Report(FederationEventKind.SiteAnswered, site, sequence,
            $"{reply.Payload.Length} bytes in {reply.RoundTrip.TotalMilliseconds:0} ms");
    }

    /// <summary>The body of the Connect call: verify the hello, register the site, then read its frames.</summary>
    internal async Task HandleConnectAsync(
        IAsyncStreamReader<SiteFrame> requests, IServerStreamWriter<ServerFrame> responses, ServerCallContext context)
    {
        using var callCts = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, _stopping.Token);
        Hello hello = await ReadHelloAsync(requests, context, callCts.Token).ConfigureAwait(false);
        (ParticipantId site, SiteVerificationKey key) = VerifyHello(hello, context.Peer);

        TrafficCounter traffic = _traffic.GetOrAdd(site, _ => new TrafficCounter());
        traffic.Received(new SiteFrame { Hello = hello });
        var connection = new SiteConnection(site, key, _options.SessionId, responses, _options.Limits, traffic, callCts.Token);
        await connection.SendWelcomeAsync(callCts.Token).ConfigureAwait(false);
        if (_connections.TryGetValue(site, out SiteConnection? previous))
        {
            // A site that reconnects (restarted process) replaces its old stream; the old one's request fails.
            previous.Close(new SiteUnavailableException($"{site} reconnected; the previous stream was closed"));
        }

        _connections[site] = connection;
        SignalChange();
        Report(FederationEventKind.SiteConnected, site, 0, $"connected from {context.Peer}");
        string disconnectReason = "stream closed by the site";
        try
        {
            while (await requests.MoveNext(connection.Aborted).ConfigureAwait(false))
            {
                connection.OnFrame(requests.Current);
            }
        }
        catch (TransportViolationException e)
        {
            disconnectReason = $"protocol violation: {e.Message}";
            Report(FederationEventKind.ProtocolViolation, site, 0, e.Message);
            connection.Close(new SiteUnavailableException(disconnectReason));
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"frame refused: {e.Message}"));
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or RpcException or InvalidOperationException)
        {
            disconnectReason = _stopping.IsCancellationRequested ? "server stopping"
                : connection.Aborted.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested ? "replaced by a newer connection"
                : $"connection lost ({e.GetType().Name})";
        }
        finally
        {
            connection.Close(new SiteUnavailableException($"{site} disconnected: {disconnectReason}"));
            if (_connections.TryRemove(new KeyValuePair<ParticipantId, SiteConnection>(site, connection)))
            {
                SignalChange();
            }

            Report(FederationEventKind.SiteDisconnected, site, 0, disconnectReason);
        }
    }

    private async Task<Hello> ReadHelloAsync(IAsyncStreamReader<SiteFrame> requests, ServerCallContext context, CancellationToken cancellationToken)
    {
        using var helloCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        helloCts.CancelAfter(_options.HelloTimeout);
        try
        {
            if (!await requests.MoveNext(helloCts.Token).ConfigureAwait(false))
            {
                throw Refuse(null, context.Peer, StatusCode.InvalidArgument, "stream closed before a hello");
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw Refuse(null, context.Peer, StatusCode.DeadlineExceeded, $"no hello within {_options.HelloTimeout.TotalSeconds:0.#} s");
        }

        SiteFrame first = requests.Current;
        if (first.BodyCase != SiteFrame.BodyOneofCase.Hello)
        {
            throw Refuse(null, context.Peer, StatusCode.InvalidArgument, $"the first frame must be a hello, got {first.BodyCase}");
        }

        return first.Hello;
    }

    private (ParticipantId Site, SiteVerificationKey Key) VerifyHello(Hello hello, string peer)
    {
        if (!ParticipantId.IsValid(hello.SiteId))
        {
            throw Refuse(null, peer, StatusCode.InvalidArgument, "hello carries an invalid site id");
        }

        var site = new ParticipantId(hello.SiteId);
        if (hello.ProtocolVersion != TransportSignatures.ProtocolVersion)
        {
            throw Refuse(site, peer, StatusCode.FailedPrecondition,
                $"site speaks protocol version {hello.ProtocolVersion}, this server speaks {TransportSignatures.ProtocolVersion}");
        }

        if (!_options.Roster.TryGetKey(site, out SiteVerificationKey key))
        {
            throw Refuse(site, peer, StatusCode.PermissionDenied, $"site '{site}' is not in the roster of session {_options.SessionId}");
        }

        if (hello.SessionId != _options.SessionId)
        {
            throw Refuse(site, peer, StatusCode.FailedPrecondition,
                $"site '{site}' asked for session '{Bound(hello.SessionId)}', this server runs session '{_options.SessionId}'");
        }

        if (hello.Nonce.Length != TransportSignatures.NonceLength)
        {
            throw Refuse(site, peer, StatusCode.InvalidArgument, $"hello nonce is {hello.Nonce.Length} bytes, expected {TransportSignatures.NonceLength}");
        }

        byte[] signed = TransportSignatures.HelloBytes(hello.ProtocolVersion, hello.SiteId, hello.SessionId, hello.Nonce.Span, hello.TimestampUnixMs);
        if (!key.Verify(TransportSignatures.HelloContext, signed, hello.Signature.Span))
        {
            throw Refuse(site, peer, StatusCode.Unauthenticated, $"hello of site '{site}' is not signed by its roster key {key.Fingerprint}");
        }

        string? replay = _replayGuard.Check(hello.Nonce.Span, hello.TimestampUnixMs, DateTimeOffset.UtcNow);
        if (replay is not null)
        {
            throw Refuse(site, peer, StatusCode.Unauthenticated, $"hello of site '{site}' refused: {replay}");
        }

        return (site, key);
    }

    private RpcException Refuse(ParticipantId? site, string peer, StatusCode code, string reason)
    {
        _logger.LogWarning("connection from {Peer} refused: {Reason}", peer, reason);
        Report(FederationEventKind.ConnectionRefused, site, 0, $"{reason} (peer {peer})");
        return new RpcException(new Status(code, reason));
    }

    private void Report(FederationEventKind kind, ParticipantId? site, ulong sequence, string message)
    {
        var e = new FederationEvent(kind, site, sequence, message, DateTimeOffset.UtcNow);
        LogLevel level = kind is FederationEventKind.ProtocolViolation or FederationEventKind.ConnectionRefused ? LogLevel.Warning
            : kind is FederationEventKind.SiteDropped ? LogLevel.Information : LogLevel.Debug;
        _logger.Log(level, "{Kind} {Site} #{Sequence}: {Message}", kind, site, sequence, message);
        try
        {
            Event?.Invoke(e);
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "a FederationEvent handler threw");
        }
    }

    private void SignalChange()
    {
        TaskCompletionSource old;
        lock (_signalLock)
        {
            old = _connectionsChanged;
            _connectionsChanged = NewSignal();
        }

        old.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static string Bound(string s) => s.Length > 128 ? s[..128] + "…" : s;

    private async Task StartKestrelAsync(CancellationToken cancellationToken)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(FederationServerHost).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        X509Certificate2? certificate = _options.UsesTls ? LoadCertificate(_options) : null;
        if (certificate is not null)
        {
            builder.WebHost.UseKestrelHttpsConfiguration();
        }

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.Http2.KeepAlivePingDelay = _options.KeepAlivePingDelay;
            kestrel.Limits.Http2.KeepAlivePingTimeout = _options.KeepAlivePingTimeout;
            // Sites may be idle for minutes between rounds on a long-lived stream; liveness is checked by PINGs instead.
            kestrel.Limits.MinRequestBodyDataRate = null;
            kestrel.Limits.MaxConcurrentConnections = Math.Max(64, _options.Roster.Count * 2L);
            kestrel.Listen(_options.BindAddress, _options.Port, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                if (certificate is not null)
                {
                    listen.UseHttps(certificate);
                }
            });
        });
        builder.Services.AddSingleton(this);
        builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = _options.Limits.GrpcMessageLimit;
            grpc.MaxSendMessageSize = _options.Limits.GrpcMessageLimit;
            grpc.EnableDetailedErrors = false;
        });
        WebApplication app = builder.Build();
        app.MapGrpcService<FederationService>();
        _app = app;
        await app.StartAsync(cancellationToken).ConfigureAwait(false);

        string bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var uri = new Uri(bound);
        Port = uri.Port;
        string host = _options.BindAddress.Equals(IPAddress.Any) || _options.BindAddress.Equals(IPAddress.IPv6Any)
            ? Dns.GetHostName()
            : _options.BindAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{_options.BindAddress}]" : _options.BindAddress.ToString();
        Address = new Uri($"{(certificate is null ? "http" : "https")}://{host}:{Port}");
        _logger.LogInformation("federation server for session {Session} listening on {Address}", _options.SessionId, Address);
    }

    private static X509Certificate2 LoadCertificate(FederationServerOptions options)
    {
        string path = options.CertificatePath!;
        try
        {
            return options.CertificateKeyPath is not null
                ? options.CertificatePassword is null
                    ? X509Certificate2.CreateFromPemFile(path, options.CertificateKeyPath)
                    : X509Certificate2.CreateFromEncryptedPemFile(path, options.CertificatePassword, options.CertificateKeyPath)
                : X509CertificateLoader.LoadPkcs12FromFile(path, options.CertificatePassword);
        }
        catch (Exception e) when (e is IOException or System.Security.Cryptography.CryptographicException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"cannot load the TLS certificate '{path}': {e.Message}", e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopping.IsCancellationRequested)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
        }

        foreach (SiteConnection c in _connections.Values)
        {
            c.Close(new SiteUnavailableException("server stopping"));
        }

        if (_app is not null)
        {
            using var stopTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _app.StopAsync(stopTimeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            await _app.DisposeAsync().ConfigureAwait(false);
            _app = null;
        }
    }
}

/// <summary>The generated gRPC service; a thin shim over <see cref="FederationServerHost"/>.</summary>
internal sealed class FederationService(FederationServerHost host) : V1.Federation.FederationBase
{
    public override Task Connect(IAsyncStreamReader<SiteFrame> requestStream, IServerStreamWriter<ServerFrame> responseStream, ServerCallContext context) =>
        host.HandleConnectAsync(requestStream, responseStream, context);
}

/// <summary>
/// Refuses a hello whose timestamp is outside ±skew of the server clock, or whose nonce was already seen within that
/// window: together these make a captured hello useless to a replaying attacker.
/// </summary>
internal sealed class HelloReplayGuard(TimeSpan skew)
{
    private readonly object _lock = new();
    private readonly Dictionary<string, long> _seen = new(StringComparer.Ordinal);

    public string? Check(ReadOnlySpan<byte> nonce, long timestampUnixMs, DateTimeOffset now)
    {
        long nowMs = now.ToUnixTimeMilliseconds();
        long skewMs = (long)skew.TotalMilliseconds;
        if (Math.Abs(nowMs - timestampUnixMs) > skewMs)
        {
            return $"timestamp is {(nowMs - timestampUnixMs) / 1000.0:0.#} s away from the server clock (allowed ±{skew.TotalSeconds:0} s)";
        }

        string key = Convert.ToBase64String(nonce);
        lock (_lock)
        {
            if (_seen.Count > 4096)
            {
                foreach (string old in _seen.Where(kv => nowMs - kv.Value > 2 * skewMs).Select(kv => kv.Key).ToArray())
                {
                    _seen.Remove(old);
                }
            }

            return _seen.TryAdd(key, nowMs) ? null : "its nonce was already used (replayed hello)";
        }
    }
}
