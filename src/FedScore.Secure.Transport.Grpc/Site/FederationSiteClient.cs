using System.Diagnostics;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using FedScore.Secure.Aggregation;
using FedScore.Secure.Crypto.Identity;
using FedScore.Secure.Transport.Grpc.V1;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Retry;

namespace FedScore.Secure.Transport.Grpc.Site;

/// <summary>Handles an application task (opaque request bytes) and returns the reply bytes.</summary>
public delegate Task<byte[]> SiteTaskHandler(ReadOnlyMemory<byte> request, CancellationToken cancellationToken);

/// <summary>What a site client did, for its progress display.</summary>
public sealed record SiteEvent(string Kind, ulong Sequence, string Message);

/// <summary>
/// A site's connection to the coordinating server. The site dials out (hospital firewalls allow outbound only),
/// retrying with exponential backoff while the server is not up, proves its identity with a signed hello, then serves
/// the server's requests one at a time: aggregation messages go to <see cref="Participant"/>, application tasks to the
/// task handler (which is also where the caller gives the participant its input with SetInput before a round).
/// Every reply is signed with the site's key, bound to the session, the sequence number and the request it answers.
/// </summary>
public sealed class FederationSiteClient : IAsyncDisposable
{
    private readonly FederationSiteOptions _options;
    private readonly SiteSigningKey _key;
    private readonly SiteTaskHandler? _taskHandler;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _abort = new();
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private GrpcChannel? _channel;
    private ulong _lastSequence;

    /// <param name="options">Server address, session, limits, retry policy.</param>
    /// <param name="key">The site's identity key (the caller keeps ownership and disposes it).</param>
    /// <param name="participant">Receives aggregation messages; may be null for a site that only runs tasks.</param>
    /// <param name="taskHandler">Receives application tasks; may be null for a site that only aggregates.</param>
    public FederationSiteClient(
        FederationSiteOptions options, SiteSigningKey key, IAggregationParticipant? participant, SiteTaskHandler? taskHandler)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _key = key ?? throw new ArgumentNullException(nameof(key));
        Participant = participant;
        _taskHandler = taskHandler;
        _logger = (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger<FederationSiteClient>();
        if (participant is not null && participant.Id != key.Site)
        {
            throw new ArgumentException($"participant {participant.Id} does not match the signing key's site {key.Site}", nameof(participant));
        }
    }

    public ParticipantId Site => _key.Site;

    /// <summary>The aggregation participant, reachable so that the task handler can call SetInput before a round.</summary>
    public IAggregationParticipant? Participant { get; }

    /// <summary>Completes once the server has welcomed this site.</summary>
    public Task Connected => _connected.Task;

    /// <summary>Raised on the client's loop for connections, handled requests and refusals. Handlers must be quick.</summary>
    public event Action<SiteEvent>? Event;

    /// <summary>
    /// Connects (with retries) and serves requests until the server sends Shutdown or closes the stream. Throws
    /// <see cref="RpcException"/> when the server refuses the site (not in the roster, bad signature, wrong session),
    /// or when it is still unreachable after the configured attempts.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _abort.Token);
        _channel ??= CreateChannel();
        var client = new V1.Federation.FederationClient(_channel);
        AsyncDuplexStreamingCall<SiteFrame, ServerFrame> call = await ConnectWithRetryAsync(client, cts.Token).ConfigureAwait(false);
        using (call)
        {
            await ServeAsync(call, cts.Token).ConfigureAwait(false);
        }
    }

    /// <summary>Drops the connection abruptly, as if the site process died (used by fault-injection tests too).</summary>
    public void Abort()
    {
        try
        {
            _abort.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }

        _connected.TrySetCanceled();
    }

    public async ValueTask DisposeAsync()
    {
        Abort();
        if (_channel is not null)
        {
            await _channel.ShutdownAsync().ConfigureAwait(false);
            _channel.Dispose();
            _channel = null;
        }

        _abort.Dispose();
    }

    private async Task<AsyncDuplexStreamingCall<SiteFrame, ServerFrame>> ConnectWithRetryAsync(
        V1.Federation.FederationClient client, CancellationToken cancellationToken)
    {
        if (_options.ConnectAttempts == 1)
        {
            return await ConnectOnceAsync(client, cancellationToken).ConfigureAwait(false);
        }

        ResiliencePipeline pipeline = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                // Only "server not reachable (yet)" is worth retrying; a refusal (roster, signature, session) is final.
                ShouldHandle = new PredicateBuilder()
                    .Handle<RpcException>(e => e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
                    .Handle<HttpRequestException>()
                    .Handle<IOException>(),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = _options.InitialBackoff,
                MaxDelay = _options.MaxBackoff,
                MaxRetryAttempts = _options.ConnectAttempts - 1,
                OnRetry = args =>
                {
                    _logger.LogInformation("server {Address} not reachable yet ({Reason}); retry {Attempt} in {Delay} ms",
                        _options.ServerAddress, args.Outcome.Exception?.Message, args.AttemptNumber + 1, (int)args.RetryDelay.TotalMilliseconds);
                    Raise("retry", 0, $"server not reachable yet, retry {args.AttemptNumber + 1} in {args.RetryDelay.TotalSeconds:0.0} s");
                    return default;
                },
            })
            .Build();
        return await pipeline.ExecuteAsync(async ct => await ConnectOnceAsync(client, ct).ConfigureAwait(false), cancellationToken)
            .ConfigureAwait(false);
    }

    private async Task<AsyncDuplexStreamingCall<SiteFrame, ServerFrame>> ConnectOnceAsync(
        V1.Federation.FederationClient client, CancellationToken cancellationToken)
    {
        AsyncDuplexStreamingCall<SiteFrame, ServerFrame> call = client.Connect(cancellationToken: cancellationToken);
        try
        {
            await call.RequestStream.WriteAsync(new SiteFrame { Hello = TransportSignatures.SignHello(_key, _options.SessionId) }, cancellationToken)
                .ConfigureAwait(false);
            using var welcomeCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            welcomeCts.CancelAfter(_options.WelcomeTimeout);
            bool any;
            try
            {
                any = await call.ResponseStream.MoveNext(welcomeCts.Token).ConfigureAwait(false);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && !cancellationToken.IsCancellationRequested)
            {
                throw new RpcException(new Status(StatusCode.DeadlineExceeded, $"no welcome within {_options.WelcomeTimeout.TotalSeconds:0.#} s"));
            }

            if (!any || call.ResponseStream.Current.BodyCase != ServerFrame.BodyOneofCase.Welcome)
            {
                throw new RpcException(new Status(StatusCode.Internal, "server did not answer the hello with a welcome"));
            }

            Welcome welcome = call.ResponseStream.Current.Welcome;
            if (welcome.SessionId != _options.SessionId)
            {
                throw new RpcException(new Status(StatusCode.FailedPrecondition, $"server runs session '{welcome.SessionId}', expected '{_options.SessionId}'"));
            }

            _logger.LogInformation("{Site} connected to {Address}, session {Session}", Site, _options.ServerAddress, _options.SessionId);
            Raise("connected", 0, $"connected to {_options.ServerAddress}");
            _connected.TrySetResult();
            return call;
        }
        catch
        {
            call.Dispose();
            throw;
        }
    }

    private async Task ServeAsync(AsyncDuplexStreamingCall<SiteFrame, ServerFrame> call, CancellationToken cancellationToken)
    {
        var assembler = new PayloadAssembler("request from the server", _options.Limits.MaxPayloadBytes, _options.Limits.ChunkBytes);
        while (await call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false))
        {
            ServerFrame frame = call.ResponseStream.Current;
            if (frame.BodyCase != ServerFrame.BodyOneofCase.Request)
            {
                throw new TransportViolationException($"server sent an unexpected {frame.BodyCase} frame");
            }

            PayloadChunk chunk = frame.Request;
            if (!assembler.InProgress && chunk.Sequence <= _lastSequence)
            {
                throw new TransportViolationException($"server sent sequence {chunk.Sequence} after {_lastSequence} (replayed or reordered)");
            }

            byte[]? request = assembler.Add(chunk);
            if (request is null)
            {
                continue;
            }

            _lastSequence = chunk.Sequence;
            FrameKind? kind = FrameKindMapping.FromWire(chunk.Kind);
            if (kind == FrameKind.Shutdown)
            {
                _logger.LogInformation("{Site}: server ended the session", Site);
                Raise("shutdown", chunk.Sequence, "server ended the session");
                await call.RequestStream.CompleteAsync().ConfigureAwait(false);
                return;
            }

            await AnswerAsync(call, chunk.Sequence, chunk.Kind, kind, request, cancellationToken).ConfigureAwait(false);
        }

        _logger.LogInformation("{Site}: server closed the stream", Site);
        Raise("closed", _lastSequence, "server closed the stream");
    }

    private async Task AnswerAsync(
        AsyncDuplexStreamingCall<SiteFrame, ServerFrame> call, ulong sequence, PayloadKind wireKind, FrameKind? kind,
        byte[] request, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        byte[] reply;
        try
        {
            reply = kind switch
            {
                FrameKind.Aggregation when Participant is not null => await Task.Run(() => Participant.Handle(request), cancellationToken).ConfigureAwait(false),
                FrameKind.Task when _taskHandler is not null => await _taskHandler(request, cancellationToken).ConfigureAwait(false),
                _ => throw new InvalidOperationException($"this site has no handler for {kind?.ToString() ?? wireKind.ToString()} requests"),
            };
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The site refuses this request (protocol violation, bad task, missing input): tell the server why, signed.
            string reason = TransportSignatures.BoundReason($"{e.GetType().Name}: {e.Message}");
            _logger.LogWarning("{Site} refused request {Sequence}: {Reason}", Site, sequence, reason);
            Raise("refused", sequence, reason);
            byte[] signedRefusal = TransportSignatures.RefusalBytes(_options.SessionId, Site, sequence, reason);
            await call.RequestStream.WriteAsync(new SiteFrame
            {
                Refusal = new Refusal { Sequence = sequence, Reason = reason, Signature = ByteString.CopyFrom(_key.Sign(TransportSignatures.RefusalContext, signedRefusal)) },
            }, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (reply.LongLength > _options.Limits.MaxPayloadBytes)
        {
            throw new InvalidOperationException($"reply of {reply.LongLength} bytes exceeds the transport limit {_options.Limits.MaxPayloadBytes}");
        }

        ulong micros = (ulong)(clock.Elapsed.Ticks / 10);
        byte[] signed = TransportSignatures.ReplyBytes(
            _options.SessionId, Site, sequence, wireKind, SHA256.HashData(request), SHA256.HashData(reply), micros);
        List<PayloadChunk> chunks = PayloadChunker.Split(sequence, wireKind, reply, _options.Limits.ChunkBytes);
        PayloadChunk last = chunks[^1];
        last.Signature = ByteString.CopyFrom(_key.Sign(TransportSignatures.ReplyContext, signed));
        last.ComputeMicros = micros;
        foreach (PayloadChunk c in chunks)
        {
            await call.RequestStream.WriteAsync(new SiteFrame { Reply = c }, cancellationToken).ConfigureAwait(false);
        }

        Raise(kind == FrameKind.Aggregation ? "aggregation" : "task", sequence, $"answered with {reply.Length} bytes in {clock.Elapsed.TotalMilliseconds:0} ms");
    }

    private GrpcChannel CreateChannel()
    {
        var handler = new SocketsHttpHandler
        {
            KeepAlivePingDelay = _options.KeepAlivePingDelay,
            KeepAlivePingTimeout = _options.KeepAlivePingTimeout,
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            EnableMultipleHttp2Connections = false,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
        };
        if (_options.TrustedServerCertificatePath is { } path)
        {
            X509Certificate2 pinned = X509CertificateLoader.LoadCertificateFromFile(path);
            byte[] pinnedHash = pinned.GetCertHash(HashAlgorithmName.SHA256);
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                // Accept a chain the system trusts, or exactly the pinned (possibly self-signed) certificate.
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                    errors == SslPolicyErrors.None
                    || (certificate is not null
                        && (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) == SslPolicyErrors.None
                        && CryptographicOperations.FixedTimeEquals(certificate.GetCertHash(HashAlgorithmName.SHA256), pinnedHash)),
            };
        }

        return GrpcChannel.ForAddress(_options.ServerAddress, new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            MaxReceiveMessageSize = _options.Limits.GrpcMessageLimit,
            MaxSendMessageSize = _options.Limits.GrpcMessageLimit,
            LoggerFactory = _options.LoggerFactory,
        });
    }

    private void Raise(string kind, ulong sequence, string message)
    {
        try
        {
            Event?.Invoke(new SiteEvent(kind, sequence, message));
        }
        catch (Exception e)
        {
            _logger.LogError(e, "a SiteEvent handler threw");
        }
    }
}
