using System.Security.Cryptography;
using FedScore.Secure.Crypto.Primitives;
using FedScore.Secure.Crypto.Sharing;
using FedScore.Secure.FixedPoint;
using FedScore.Secure.Wire;
using static FedScore.Secure.Aggregation.Masking.MaskingProtocol;

namespace FedScore.Secure.Aggregation.Masking;

/// <summary>
/// A site's side of SecAgg / SecAgg+. One round at a time; each stage is accepted once, in order, for the running
/// round only, so a replayed or reordered server message is refused. Above all, the unmasking request is answered at
/// most once and never with both kinds of share for the same site (Bonawitz et al. §4, round 4).
/// </summary>
internal sealed class MaskingParticipant : IAggregationParticipant
{
    private readonly string _scheme;
    private readonly SessionConfig _config;
    private readonly NeighbourGraph _graph;
    private readonly MaskingOptions _options;
    private readonly int _self;
    private readonly Dictionary<string, (ReadOnlyMemory<double> Values, double Weight)> _inputs = new(StringComparer.Ordinal);
    private readonly HashSet<string> _usedRounds = new(StringComparer.Ordinal);
    private RoundState? _round;

    public MaskingParticipant(string scheme, ParticipantId id, SessionConfig config, NeighbourGraph graph, MaskingOptions options)
    {
        _scheme = scheme;
        Id = id;
        _config = config;
        _graph = graph;
        _options = options;
        _self = config.IndexOf(id) - 1;
    }

    public ParticipantId Id { get; }

    public void SetInput(string roundId, ReadOnlyMemory<double> values, double weight = 1)
    {
        if (!double.IsFinite(weight) || weight < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(weight), "weight must be finite and non-negative");
        }

        _inputs[roundId] = (values, weight);
    }

    public byte[] Handle(ReadOnlySpan<byte> message)
    {
        var r = new WireReader(message, $"{_scheme} request to {Id}");
        MessageHeader h = MessageHeader.Read(ref r, _scheme);
        string stage = StageName(h.Stage);
        if (h.Stage == AdvertiseStage)
        {
            return Advertise(ref r, h.RoundId);
        }

        RoundState round = _round is { } cur && cur.RoundId == h.RoundId
            ? cur
            : throw Refuse(stage, $"is not running round {h.RoundId} (replayed or misrouted message)");
        if (h.Stage != round.ExpectedStage)
        {
            throw Refuse(stage, $"expected stage {StageName(round.ExpectedStage)} of round {h.RoundId} (replayed or reordered message)");
        }

        try
        {
            byte[] reply = h.Stage switch
            {
                ShareKeysStage => ShareKeys(ref r, round, stage),
                MaskedInputStage => MaskInput(ref r, round, stage),
                UnmaskStage => Unmask(ref r, round, stage),
                _ => throw Refuse(stage, "unknown stage"),
            };
            round.ExpectedStage++;
            if (h.Stage == UnmaskStage)
            {
                EndRound();
            }

            return reply;
        }
        catch
        {
            // A refused message ends this site's part in the round: it keeps no state that a retry could probe.
            EndRound();
            throw;
        }
    }

    public void Dispose()
    {
        EndRound();
        _inputs.Clear();
    }

    private byte[] Advertise(ref WireReader r, string roundId)
    {
        const string stage = "advertise-keys";
        int length = r.ReadLength("length", RoundSpec.MaxLength);
        FixedPointRequirements requirements = ReadRequirements(ref r);
        r.EnsureEnd();
        if (!_usedRounds.Add(roundId))
        {
            throw Refuse(stage, $"already took part in round {roundId} (replayed request)");
        }

        EndRound();
        FixedPointPlan plan;
        try
        {
            plan = Plan(requirements);
        }
        catch (ArgumentException e)
        {
            throw Refuse(stage, $"the round's fixed-point requirements are invalid: {e.Message}");
        }

        if (plan.Sites < _config.Sites.Count)
        {
            throw Refuse(stage, $"the plan covers {plan.Sites} sites but the session has {_config.Sites.Count}; sums could wrap");
        }

        if (!_inputs.Remove(roundId, out var input))
        {
            throw Refuse(stage, $"has no input for round {roundId}");
        }

        if (input.Values.Length != length)
        {
            throw Refuse(stage, $"has {input.Values.Length} values, the round expects {length}");
        }

        // Encode now, before any key leaves the site: an input outside the plan stops the site cleanly here.
        var encoded = new ulong[length];
        try
        {
            new FixedPointCodec(plan).Encode(input.Values.Span, input.Weight, encoded);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new InvalidOperationException($"{Id}: input for round {roundId} does not fit the plan ({e.Message})", e);
        }

        var round = new RoundState(roundId, plan, encoded);
        _round = round;

        var w = new WireWriter(256);
        new MessageHeader(_scheme, roundId, AdvertiseStage).WriteTo(w);
        w.WriteParticipant(Id).WriteRaw(round.C.PublicKey.Bytes.Span).WriteRaw(round.S.PublicKey.Bytes.Span);
        byte[] signature = [];
        if (_options.Signer is { } signer)
        {
            signature = signer.Sign(Id, AdvertisementPayload(_config, roundId, Id, round.C.PublicKey.Bytes.Span, round.S.PublicKey.Bytes.Span));
        }

        w.WriteBytes(signature);
        return w.ToArray();
    }

    private byte[] ShareKeys(ref WireReader r, RoundState round, string stage)
    {
        int count = r.ReadLength("advertisements", _config.Sites.Count);
        var keys = new SortedDictionary<int, (X25519PublicKey C, X25519PublicKey S)>();
        var distinct = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            ParticipantId site = r.ReadParticipant("site");
            var c = new X25519PublicKey(r.ReadRaw(X25519.KeySize, "c-key"));
            var s = new X25519PublicKey(r.ReadRaw(X25519.KeySize, "s-key"));
            ReadOnlySpan<byte> signature = r.ReadBytes("signature", MaskingOptions.MaxSignatureLength);
            int pos = _config.IndexOf(site) - 1;
            if (pos < 0 || !_graph.InNeighbourhood(_self, pos))
            {
                throw Refuse(stage, $"advertisement of '{site}', which is not a neighbour in this session");
            }

            if (keys.ContainsKey(pos))
            {
                throw Refuse(stage, $"'{site}' is advertised twice");
            }

            if (!distinct.Add(Convert.ToHexString(c.Bytes.Span)) || !distinct.Add(Convert.ToHexString(s.Bytes.Span)))
            {
                throw Refuse(stage, $"'{site}' advertises a public key that is already in use (keys must be distinct)");
            }

            if (_options.Verifier is { } verifier &&
                !verifier.Verify(site, AdvertisementPayload(_config, round.RoundId, site, c.Bytes.Span, s.Bytes.Span), signature))
            {
                throw Refuse(stage, $"the key advertisement of '{site}' has an invalid signature");
            }

            keys[pos] = (c, s);
        }

        r.EnsureEnd();
        if (!keys.TryGetValue(_self, out var mine) || !mine.C.Equals(round.C.PublicKey) || !mine.S.Equals(round.S.PublicKey))
        {
            throw Refuse(stage, "the forwarded keys do not include this site's own advertisement unchanged");
        }

        int tN = _graph.NeighbourhoodThreshold;
        if (keys.Count < tN)
        {
            throw Refuse(stage, $"only {keys.Count} sites of its neighbourhood advertised keys; {tN} are needed");
        }

        round.Keys = keys;
        int[] indices = keys.Keys.Select(p => p + 1).ToArray();
        Span<byte> secret = stackalloc byte[32];
        ShamirShare[] bShares, sShares;
        try
        {
            round.B.Export(secret);
            bShares = ShamirSecretSharing.Split(secret, tN, indices);
            round.S.Export(secret);
            sShares = ShamirSecretSharing.Split(secret, tN, indices);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }

        var w = new WireWriter(64 + keys.Count * 300);
        new MessageHeader(_scheme, round.RoundId, ShareKeysStage).WriteTo(w);
        w.WriteParticipant(Id).WriteVarUInt((ulong)(keys.Count - 1));
        int k = 0;
        foreach ((int pos, var key) in keys)
        {
            ShamirShare b = bShares[k], s = sShares[k];
            k++;
            if (pos == _self)
            {
                round.OwnB = b;
                round.OwnS = s;
                continue;
            }

            ParticipantId recipient = _config.Sites[pos];
            (AeadKey send, AeadKey receive) = MaskingProtocol.ShareKeys(round.C, key.C, _config, round.RoundId, Id, recipient)
                ?? throw Refuse(stage, $"the c-key of '{recipient}' has small order");
            using AeadKey aead = send;
            round.ReceiveKeys[pos] = receive;
            var pw = new WireWriter(2 * ShareBytes + 140);
            pw.WriteParticipant(Id).WriteParticipant(recipient);
            b.WriteTo(pw.Reserve(ShareBytes));
            s.WriteTo(pw.Reserve(ShareBytes));
            byte[] pt = pw.ToArray();
            w.WriteParticipant(recipient).WriteBytes(aead.Seal(pt, ShareAssociatedData(_config, round.RoundId, Id, recipient)));
            CryptographicOperations.ZeroMemory(pt);
            b.Dispose();
            s.Dispose();
        }

        return w.ToArray();
    }

    private byte[] MaskInput(ref WireReader r, RoundState round, string stage)
    {
        var keys = round.Keys!;
        int count = r.ReadLength("shares", keys.Count);
        var senders = new List<(int Pos, byte[] Ciphertext)>(count);
        var seen = new HashSet<int>();
        for (int i = 0; i < count; i++)
        {
            ParticipantId sender = r.ReadParticipant("sender");
            byte[] ct = r.ReadBytes("ciphertext", MaxCiphertext).ToArray();
            int pos = _config.IndexOf(sender) - 1;
            if (pos < 0 || pos == _self || !keys.ContainsKey(pos))
            {
                throw Refuse(stage, $"share from '{sender}', which did not advertise keys to this site");
            }

            if (!seen.Add(pos))
            {
                throw Refuse(stage, $"two shares from '{sender}'");
            }

            senders.Add((pos, ct));
        }

        r.EnsureEnd();
        int tN = _graph.NeighbourhoodThreshold;
        if (senders.Count + 1 < tN)
        {
            throw Refuse(stage, $"only {senders.Count + 1} sites of its neighbourhood shared keys; {tN} are needed");
        }

        // Decrypt now so that tampering is noticed early. A share that fails to open is recorded as a complaint and
        // simply not used later; the pairwise mask with its sender is still applied, so the server's view and ours
        // of who is in the round stay the same.
        byte[] plaintext = new byte[2 * ShareBytes + 140];
        foreach ((int pos, byte[] ct) in senders)
        {
            ParticipantId sender = _config.Sites[pos];
            round.ReceiveKeys.Remove(pos, out AeadKey? aead);
            using AeadKey? disposeAfterUse = aead;
            Span<byte> pt = plaintext.AsSpan(0, Math.Max(0, ct.Length - AeadKey.TagSize));
            if (aead is null || ct.Length < AeadKey.TagSize || !aead.TryOpen(ct, ShareAssociatedData(_config, round.RoundId, sender, Id), pt)
                || !TryParseShares(pt, sender, out ShamirShare? b, out ShamirShare? s))
            {
                round.Complaints.Add(pos);
                continue;
            }

            round.Held[pos] = (b!, s!);
            CryptographicOperations.ZeroMemory(pt);
        }

        round.U2 = senders.Select(x => x.Pos).Append(_self).ToHashSet();

        int length = round.Encoded.Length;
        int wordBits = WordBits(round.Plan);
        byte[] commitment;
        Span<byte> seed = stackalloc byte[MaskSeed.Size];
        round.B.Export(seed);
        commitment = SelfMaskCommitment(_config, round.RoundId, Id, seed);
        CryptographicOperations.ZeroMemory(seed);

        var w = new WireWriter(64 + CommitmentSize + length * (wordBits / 8));
        new MessageHeader(_scheme, round.RoundId, MaskedInputStage).WriteTo(w);
        w.WriteParticipant(Id).WriteByte((byte)wordBits).WriteRaw(commitment).WriteVarUInt((ulong)length);
        if (wordBits == 32)
        {
            Span<uint> y = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, uint>(w.Reserve(length * 4));
            for (int i = 0; i < length; i++)
            {
                y[i] = unchecked((uint)round.Encoded[i]);
            }

            ApplyMasks(round, y, static (p, v, add) => { if (add) p.AddTo(v); else p.SubtractFrom(v); });
        }
        else
        {
            Span<ulong> y = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ulong>(w.Reserve(length * 8));
            round.Encoded.CopyTo(y);
            ApplyMasks(round, y, static (p, v, add) => { if (add) p.AddTo(v); else p.SubtractFrom(v); });
        }

        // The masks are applied: the secrets behind them are no longer needed here (their shares are with others).
        round.ForgetMaskSecrets();
        return w.ToArray();
    }

    private delegate void MaskOp<T>(AesCtrPrg prg, Span<T> vector, bool add);

    /// <summary>y += PRG(b_u) + Σ_{v&lt;u} PRG(s_uv) − Σ_{v&gt;u} PRG(s_uv), over the neighbours that shared keys.</summary>
    private void ApplyMasks<T>(RoundState round, Span<T> y, MaskOp<T> op)
    {
        using (AesCtrPrg self = round.B.CreatePrg())
        {
            op(self, y, true);
        }

        foreach (int v in round.U2!)
        {
            if (v == _self)
            {
                continue;
            }

            ParticipantId peer = _config.Sites[v];
            using MaskSeed seed = PairwiseSeed(round.S, round.Keys![v].S, _config, round.RoundId, Id, peer)
                ?? throw Refuse(StageName(MaskedInputStage), $"the s-key of '{peer}' has small order");
            using AesCtrPrg prg = seed.CreatePrg();
            op(prg, y, v < _self);
        }
    }

    private byte[] Unmask(ref WireReader r, RoundState round, string stage)
    {
        List<int> survivors = ReadSiteList(ref r, "survivors", stage);
        List<int> dropped = ReadSiteList(ref r, "dropped", stage);
        r.EnsureEnd();
        var survivorSet = survivors.ToHashSet();
        var droppedSet = dropped.ToHashSet();
        foreach (int v in droppedSet)
        {
            if (survivorSet.Contains(v))
            {
                throw Refuse(stage, $"asked for both the self-mask and the mask-key shares of '{_config.Sites[v]}' (that would reveal its input)");
            }
        }

        if (!survivorSet.Contains(_self))
        {
            throw Refuse(stage, "this site is not listed among the survivors");
        }

        HashSet<int> u2 = round.U2!;
        foreach (int v in u2)
        {
            if (!survivorSet.Contains(v) && !droppedSet.Contains(v))
            {
                throw Refuse(stage, $"'{_config.Sites[v]}' shared keys with this site but is neither a survivor nor dropped");
            }
        }

        foreach (int v in survivorSet.Concat(droppedSet))
        {
            if (_graph.InNeighbourhood(_self, v) && !u2.Contains(v))
            {
                throw Refuse(stage, $"'{_config.Sites[v]}' is listed but did not share keys with this site");
            }
        }

        // Bonawitz et al. §4 round 4: refuse to unmask unless at least t sites survive, or the sum could be a few inputs.
        if (survivors.Count < _config.Threshold)
        {
            throw Refuse(stage, $"only {survivors.Count} survivors are listed; the threshold is {_config.Threshold}");
        }

        int nbSurvivors = survivors.Count(v => _graph.InNeighbourhood(_self, v));
        if (nbSurvivors < _graph.NeighbourhoodThreshold)
        {
            throw Refuse(stage, $"only {nbSurvivors} survivors in this site's neighbourhood; {_graph.NeighbourhoodThreshold} are needed");
        }

        var w = new WireWriter(64 + u2.Count * (ShareBytes + 70));
        new MessageHeader(_scheme, round.RoundId, UnmaskStage).WriteTo(w);
        w.WriteParticipant(Id);
        var bOwners = u2.Where(v => survivorSet.Contains(v) && (v == _self || round.Held.ContainsKey(v))).Order().ToList();
        w.WriteVarUInt((ulong)bOwners.Count);
        foreach (int v in bOwners)
        {
            w.WriteParticipant(_config.Sites[v]);
            (v == _self ? round.OwnB! : round.Held[v].B).WriteTo(w.Reserve(ShareBytes));
        }

        var sOwners = u2.Where(v => droppedSet.Contains(v) && round.Held.ContainsKey(v)).Order().ToList();
        w.WriteVarUInt((ulong)sOwners.Count);
        foreach (int v in sOwners)
        {
            w.WriteParticipant(_config.Sites[v]);
            round.Held[v].S.WriteTo(w.Reserve(ShareBytes));
        }

        w.WriteVarUInt((ulong)round.Complaints.Count);
        foreach (int v in round.Complaints.Order())
        {
            w.WriteParticipant(_config.Sites[v]);
        }

        return w.ToArray();
    }

    private List<int> ReadSiteList(ref WireReader r, string field, string stage)
    {
        int count = r.ReadLength(field, _config.Sites.Count);
        var list = new List<int>(count);
        var seen = new HashSet<int>();
        for (int i = 0; i < count; i++)
        {
            ParticipantId site = r.ReadParticipant(field);
            int pos = _config.IndexOf(site) - 1;
            if (pos < 0)
            {
                throw Refuse(stage, $"lists '{site}', which is not a site of this session");
            }

            if (!seen.Add(pos))
            {
                throw Refuse(stage, $"lists '{site}' twice in {field}");
            }

            list.Add(pos);
        }

        return list;
    }

    private bool TryParseShares(ReadOnlySpan<byte> plaintext, ParticipantId sender, out ShamirShare? b, out ShamirShare? s)
    {
        b = s = null;
        try
        {
            var r = new WireReader(plaintext, $"share from {sender} to {Id}");
            if (r.ReadParticipant("sender") != sender || r.ReadParticipant("recipient") != Id)
            {
                return false;
            }

            b = ShamirShare.TryRead(_self + 1, r.ReadRaw(ShareBytes, "b-share"), ShareElements);
            s = ShamirShare.TryRead(_self + 1, r.ReadRaw(ShareBytes, "s-share"), ShareElements);
            r.EnsureEnd();
            return b is not null && s is not null;
        }
        catch (MalformedMessageException)
        {
            b?.Dispose();
            s?.Dispose();
            b = s = null;
            return false;
        }
    }

    private ProtocolViolationException Refuse(string stage, string reason) =>
        new(null, stage, $"{Id} refused the server's message: {reason}");

    private void EndRound()
    {
        _round?.Dispose();
        _round = null;
    }

    /// <summary>Everything a site holds for one round; secrets are zeroed on dispose.</summary>
    private sealed class RoundState : IDisposable
    {
        public RoundState(string roundId, FixedPointPlan plan, ulong[] encoded)
        {
            RoundId = roundId;
            Plan = plan;
            Encoded = encoded;
        }

        public string RoundId { get; }

        public FixedPointPlan Plan { get; }

        public ulong[] Encoded { get; }

        public byte ExpectedStage { get; set; } = ShareKeysStage;

        /// <summary>Key for share encryption (c) and for pairwise masks (s); fresh per round.</summary>
        public X25519PrivateKey C { get; } = X25519PrivateKey.Generate();

        public X25519PrivateKey S { get; } = X25519PrivateKey.Generate();

        /// <summary>Self-mask seed b_u.</summary>
        public MaskSeed B { get; } = MaskSeed.Generate();

        public SortedDictionary<int, (X25519PublicKey C, X25519PublicKey S)>? Keys { get; set; }

        public ShamirShare? OwnB { get; set; }

        public ShamirShare? OwnS { get; set; }

        public Dictionary<int, (ShamirShare B, ShamirShare S)> Held { get; } = [];

        public HashSet<int>? U2 { get; set; }

        public HashSet<int> Complaints { get; } = [];

        /// <summary>Keys to open each neighbour's share message, derived with the sending key in stage share-keys.</summary>
        public Dictionary<int, AeadKey> ReceiveKeys { get; } = [];

        public void ForgetMaskSecrets()
        {
            foreach (AeadKey k in ReceiveKeys.Values)
            {
                k.Dispose();
            }

            ReceiveKeys.Clear();
            S.Dispose();
            B.Dispose();
            C.Dispose();
            OwnS?.Dispose();
            Array.Clear(Encoded);
        }

        public void Dispose()
        {
            ForgetMaskSecrets();
            OwnB?.Dispose();
            foreach ((ShamirShare b, ShamirShare s) in Held.Values)
            {
                b.Dispose();
                s.Dispose();
            }

            Held.Clear();
        }
    }
}
