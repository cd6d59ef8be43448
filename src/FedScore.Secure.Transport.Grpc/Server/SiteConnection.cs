using System.Diagnostics;
using System.Security.Cryptography;
using FedScore.Secure.Crypto.Identity;
using FedScore.Secure.Transport.Grpc.V1;
using Grpc.Core;

namespace FedScore.Secure.Transport.Grpc.Server;

/// <summary>A site did not deliver a reply: not connected, disconnected, refused the request, or broke the protocol.</summary>
internal sealed class SiteUnavailableException : Exception
{
    public SiteUnavailableException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>A verified reply and its costs.</summary>
internal sealed record SiteReply(byte[] Payload, TimeSpan Compute, TimeSpan RoundTrip);

/// <summary>
/// The server's side of one site's stream: sends chunked requests, reassembles and verifies replies. At most one
/// request is outstanding; a reply must carry exactly its sequence number (anything else is a replay or stale frame,
/// except the tail of a request we gave up on, which is dropped quietly) and a valid signature by the site's roster key.
/// </summary>
internal sealed class SiteConnection
{
    private readonly object _lock = new();
    private readonly string _sessionId;
    private readonly IServerStreamWriter<ServerFrame> _writer;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly CancellationTokenSource _abort;
    private readonly TransportLimits _limits;
    private readonly PayloadAssembler _assembler;
    private readonly TrafficCounter _traffic;
    private readonly HashSet<ulong> _abandoned = [];
    private Pending? _pending;
    private ulong? _discarding;
    private Exception? _closedReason;

    public SiteConnection(
        ParticipantId site, SiteVerificationKey key, string sessionId, IServerStreamWriter<ServerFrame> writer,
        TransportLimits limits, TrafficCounter traffic, CancellationToken callCancelled)
    {
        _traffic = traffic;
        Site = site;
        Key = key;
        _sessionId = sessionId;
        _writer = writer;
        _limits = limits;
        _abort = CancellationTokenSource.CreateLinkedTokenSource(callCancelled);
        _assembler = new PayloadAssembler($"reply from {site}", limits.MaxPayloadBytes, limits.ChunkBytes);
    }

    public ParticipantId Site { get; }

    public SiteVerificationKey Key { get; }

    /// <summary>Cancelled when the connection is closed by either side or replaced.</summary>
    public CancellationToken Aborted => _abort.Token;

    public async Task<SiteReply> RequestAsync(ulong sequence, FrameKind kind, byte[] payload, CancellationToken cancellationToken)
    {
        var pending = new Pending(sequence, kind.ToWire(), SHA256.HashData(payload));
        lock (_lock)
        {
            if (_closedReason is not null)
            {
                throw new SiteUnavailableException($"{Site} is disconnected: {_closedReason.Message}", _closedReason);
            }

            if (_pending is not null)
            {
                throw new InvalidOperationException($"{Site} already has request {_pending.Sequence} outstanding");
            }

            _pending = pending;
        }

        using CancellationTokenRegistration registration = cancellationToken.Register(() => Abandon(pending, cancellationToken));
        try
        {
            await SendAsync(sequence, kind.ToWire(), payload, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Fail(pending, new SiteUnavailableException($"{Site}: sending request {sequence} failed: {e.Message}", e));
        }
        catch (OperationCanceledException)
        {
            Abandon(pending, cancellationToken);
        }

        return await pending.Completion.Task.ConfigureAwait(false);
    }

    /// <summary>Sends a request that expects no reply (shutdown).</summary>
    public Task SendWithoutReplyAsync(ulong sequence, FrameKind kind, byte[] payload, CancellationToken cancellationToken) =>
        SendAsync(sequence, kind.ToWire(), payload, cancellationToken);

    public async Task SendWelcomeAsync(CancellationToken cancellationToken)
    {
        var welcome = new ServerFrame
        {
            Welcome = new Welcome
            {
                SessionId = _sessionId,
                MaxChunkBytes = (uint)_limits.ChunkBytes,
                MaxPayloadBytes = (ulong)_limits.MaxPayloadBytes,
            },
        };
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _writer.WriteAsync(welcome, cancellationToken).ConfigureAwait(false);
            _traffic.Sent(welcome);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Handles one frame from the site; throws <see cref="TransportViolationException"/> for a refused frame.</summary>
    public void OnFrame(SiteFrame frame)
    {
        _traffic.Received(frame);
        switch (frame.BodyCase)
        {
            case SiteFrame.BodyOneofCase.Reply:
                OnReplyChunk(frame.Reply);
                break;
            case SiteFrame.BodyOneofCase.Refusal:
                OnRefusal(frame.Refusal);
                break;
            case SiteFrame.BodyOneofCase.Hello:
                throw new TransportViolationException($"{Site} sent a second hello on an open stream");
            default:
                throw new TransportViolationException($"{Site} sent an empty or unknown frame");
        }
    }

    /// <summary>Closes the connection: the outstanding request (if any) fails with <paramref name="reason"/>.</summary>
    public void Close(Exception reason)
    {
        Pending? pending;
        lock (_lock)
        {
            _closedReason ??= reason;
            pending = _pending;
            _pending = null;
        }

        pending?.Completion.TrySetException(new SiteUnavailableException(reason.Message, reason));
        try
        {
            _abort.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private void OnReplyChunk(PayloadChunk chunk)
    {
        if (_discarding is { } discarding && chunk.Sequence == discarding && !_assembler.InProgress)
        {
            // The tail of a reply to a request we gave up on (timed out): drop it without assembling.
            if (chunk.Last)
            {
                _discarding = null;
            }

            return;
        }

        Pending? pending;
        lock (_lock)
        {
            pending = _pending;
        }

        if (!_assembler.InProgress)
        {
            if (pending is null || chunk.Sequence != pending.Sequence)
            {
                if (IsAbandoned(chunk.Sequence))
                {
                    _discarding = chunk.Last ? null : chunk.Sequence;
                    return;
                }

                throw new TransportViolationException(pending is null
                    ? $"{Site} sent a reply with sequence {chunk.Sequence} but no request is outstanding (replayed or stale)"
                    : $"{Site} sent a reply with sequence {chunk.Sequence} but the outstanding request is {pending.Sequence} (replayed or stale)");
            }

            if (chunk.Kind != pending.Kind)
            {
                throw new TransportViolationException($"{Site}, sequence {chunk.Sequence}: reply kind {chunk.Kind} does not match request kind {pending.Kind}");
            }
        }

        byte[]? payload = _assembler.Add(chunk);
        if (payload is null)
        {
            return;
        }

        if (chunk.Signature.Length != SiteVerificationKey.SignatureLength)
        {
            throw new TransportViolationException($"{Site}, sequence {chunk.Sequence}: reply is unsigned or the signature has {chunk.Signature.Length} bytes");
        }

        if (pending is null || pending.Sequence != chunk.Sequence)
        {
            return; // abandoned while it was being received
        }

        byte[] signed = TransportSignatures.ReplyBytes(
            _sessionId, Site, chunk.Sequence, chunk.Kind, pending.RequestHash, SHA256.HashData(payload), chunk.ComputeMicros);
        if (!Key.Verify(TransportSignatures.ReplyContext, signed, chunk.Signature.Span))
        {
            throw new TransportViolationException($"{Site}, sequence {chunk.Sequence}: reply signature does not verify against the roster key");
        }

        Complete(pending, new SiteReply(payload, TimeSpan.FromMicroseconds(chunk.ComputeMicros), pending.Clock.Elapsed));
    }

    private void OnRefusal(Refusal refusal)
    {
        Pending? pending;
        lock (_lock)
        {
            pending = _pending;
        }

        if (pending is null || refusal.Sequence != pending.Sequence)
        {
            if (IsAbandoned(refusal.Sequence))
            {
                return;
            }

            throw new TransportViolationException($"{Site} sent a refusal for sequence {refusal.Sequence}, which is not outstanding (replayed or stale)");
        }

        string reason = TransportSignatures.BoundReason(refusal.Reason);
        byte[] signed = TransportSignatures.RefusalBytes(_sessionId, Site, refusal.Sequence, refusal.Reason);
        if (!Key.Verify(TransportSignatures.RefusalContext, signed, refusal.Signature.Span))
        {
            throw new TransportViolationException($"{Site}, sequence {refusal.Sequence}: refusal signature does not verify against the roster key");
        }

        Fail(pending, new SiteUnavailableException($"{Site} refused request {refusal.Sequence}: {reason}"));
    }

    private async Task SendAsync(ulong sequence, PayloadKind kind, byte[] payload, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _abort.Token);
        List<PayloadChunk> chunks = PayloadChunker.Split(sequence, kind, payload, _limits.ChunkBytes);
        await _writeLock.WaitAsync(linked.Token).ConfigureAwait(false);
        try
        {
            foreach (PayloadChunk chunk in chunks)
            {
                var frame = new ServerFrame { Request = chunk };
                await _writer.WriteAsync(frame, linked.Token).ConfigureAwait(false);
                _traffic.Sent(frame);
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private bool IsAbandoned(ulong sequence)
    {
        lock (_lock)
        {
            return _abandoned.Contains(sequence);
        }
    }

    private void Abandon(Pending pending, CancellationToken token)
    {
        lock (_lock)
        {
            if (!ReferenceEquals(_pending, pending))
            {
                return;
            }

            _pending = null;
            _abandoned.Add(pending.Sequence);
        }

        pending.Completion.TrySetCanceled(token);
    }

    private void Fail(Pending pending, Exception error)
    {
        lock (_lock)
        {
            if (ReferenceEquals(_pending, pending))
            {
                _pending = null;
            }
        }

        pending.Completion.TrySetException(error);
    }

    private void Complete(Pending pending, SiteReply reply)
    {
        lock (_lock)
        {
            if (!ReferenceEquals(_pending, pending))
            {
                return;
            }

            _pending = null;
        }

        pending.Completion.TrySetResult(reply);
    }

    private sealed class Pending(ulong sequence, PayloadKind kind, byte[] requestHash)
    {
        public ulong Sequence { get; } = sequence;

        public PayloadKind Kind { get; } = kind;

        public byte[] RequestHash { get; } = requestHash;

        public Stopwatch Clock { get; } = Stopwatch.StartNew();

        public TaskCompletionSource<SiteReply> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
