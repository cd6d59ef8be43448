using System.Security.Cryptography;
using FedScore.Secure.Crypto.Masking;
using FedScore.Secure.Crypto.Primitives;
using FedScore.Secure.Crypto.Sharing;
using FedScore.Secure.FixedPoint;
using FedScore.Secure.Wire;
using static FedScore.Secure.Aggregation.Masking.MaskingProtocol;

namespace FedScore.Secure.Aggregation.Masking;

/// <summary>
/// The aggregator of SecAgg / SecAgg+. It forwards keys and encrypted shares, folds each masked vector into one running
/// sum as it arrives (memory O(length), not O(sites × length)), and in the last stage reconstructs exactly the secrets
/// needed to cancel the masks: self-mask seeds of survivors, mask keys of sites that dropped after sharing.
/// </summary>
internal sealed class MaskingServer : IAggregationServer
{
    private readonly string _scheme;
    private readonly SessionConfig _config;
    private readonly NeighbourGraph _graph;
    private readonly MaskingOptions _options;
    private readonly HashSet<string> _usedRounds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LagrangeCoefficients> _lagrange = new(StringComparer.Ordinal);
    private Round? _round;

    public MaskingServer(string scheme, SessionConfig config, NeighbourGraph graph, MaskingOptions options)
    {
        _scheme = scheme;
        _config = config;
        _graph = graph;
        _options = options;
    }

    public AggregationResult? Result { get; private set; }

    private int N => _config.Sites.Count;

    public ServerOutbox BeginRound(RoundSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (_round is { Finished: false })
        {
            throw new InvalidOperationException($"round {_round.Spec.RoundId} is still running");
        }

        FixedPointPlan plan = Plan(spec.Requirements);
        if (plan.Sites < N)
        {
            throw new ArgumentException($"the round's requirements plan for {plan.Sites} sites but the session has {N}; sums could wrap", nameof(spec));
        }

        if (!_usedRounds.Add(spec.RoundId))
        {
            throw new InvalidOperationException($"round id {spec.RoundId} was already used in this session");
        }

        Result = null;
        _round = new Round(spec, plan, N);
        var w = new WireWriter();
        new MessageHeader(_scheme, spec.RoundId, AdvertiseStage).WriteTo(w);
        w.WriteVarUInt((ulong)spec.Length);
        WriteRequirements(w, spec.Requirements);
        byte[] request = w.ToArray();
        _round.Asked = Enumerable.Range(0, N).ToHashSet();
        return new ServerOutbox(StageName(AdvertiseStage), _config.Sites.ToDictionary(s => s, _ => request));
    }

    public void Receive(ParticipantId from, ReadOnlySpan<byte> reply)
    {
        Round round = _round ?? throw new InvalidOperationException("no round is running");
        string stage = StageName(round.Stage);
        int pos = _config.IndexOf(from) - 1;
        if (pos < 0)
        {
            throw new ProtocolViolationException(from, stage, "is not a site of this session");
        }

        if (round.Finished)
        {
            throw Violation(round, from, stage, "the round is already over");
        }

        if (round.Excluded.Contains(pos))
        {
            throw Violation(round, from, stage, "was dropped from this round after an earlier violation");
        }

        if (!round.Asked.Contains(pos))
        {
            throw Violation(round, from, stage, "was not asked to reply at this stage");
        }

        if (round.Replied.Contains(pos))
        {
            throw Violation(round, from, stage, "sent a second reply to the same stage (replay)");
        }

        try
        {
            var r = new WireReader(reply, $"{stage} reply from {from}");
            MessageHeader h = MessageHeader.Read(ref r, _scheme);
            if (h.RoundId != round.Spec.RoundId || h.Stage != round.Stage)
            {
                throw new ProtocolViolationException(from, stage, $"message is for round {h.RoundId} stage {StageName(h.Stage)} (replayed or misrouted)");
            }

            ParticipantId sender = r.ReadParticipant("sender");
            if (sender != from)
            {
                throw new ProtocolViolationException(from, stage, $"message claims to come from '{sender}'");
            }

            // Each handler validates the whole message before it changes any state.
            switch (round.Stage)
            {
                case AdvertiseStage: ReceiveAdvertisement(ref r, round, pos, from, stage); break;
                case ShareKeysStage: ReceiveShares(ref r, round, pos, from, stage); break;
                case MaskedInputStage: ReceiveMaskedInput(ref r, round, pos, from, stage); break;
                case UnmaskStage: ReceiveUnmaskShares(ref r, round, pos, from, stage); break;
                default: throw new InvalidOperationException("round is in an unknown stage");
            }

            round.Replied.Add(pos);
        }
        catch (MalformedMessageException e)
        {
            round.Excluded.Add(pos);
            throw Violation(round, from, stage, e.Message, e);
        }
        catch (ProtocolViolationException e) when (e.Participant == from)
        {
            round.Violations.Add(e.Message);
            round.Excluded.Add(pos);
            throw;
        }
    }

    public ServerOutbox EndStage()
    {
        Round round = _round ?? throw new InvalidOperationException("no round is running");
        if (round.Finished)
        {
            return ServerOutbox.Completed("done");
        }

        try
        {
            return round.Stage switch
            {
                AdvertiseStage => EndAdvertise(round),
                ShareKeysStage => EndShareKeys(round),
                MaskedInputStage => EndMaskedInput(round),
                UnmaskStage => EndUnmask(round),
                _ => throw new InvalidOperationException("round is in an unknown stage"),
            };
        }
        catch (AggregationFailedException)
        {
            round.Dispose();
            round.Finished = true;
            throw;
        }
    }

    // ---- stage 0: advertise keys ----

    private void ReceiveAdvertisement(ref WireReader r, Round round, int pos, ParticipantId from, string stage)
    {
        var c = new X25519PublicKey(r.ReadRaw(X25519.KeySize, "c-key"));
        var s = new X25519PublicKey(r.ReadRaw(X25519.KeySize, "s-key"));
        byte[] signature = r.ReadBytes("signature", MaskingOptions.MaxSignatureLength).ToArray();
        r.EnsureEnd();
        if (!X25519.IsValidPublicKey(c) || !X25519.IsValidPublicKey(s))
        {
            throw new ProtocolViolationException(from, stage, "advertised a public key of small order");
        }

        if (c.Equals(s) || round.KeysInUse.Contains(Convert.ToHexString(c.Bytes.Span)) || round.KeysInUse.Contains(Convert.ToHexString(s.Bytes.Span)))
        {
            throw new ProtocolViolationException(from, stage, "advertised a public key that is already in use (keys must be distinct)");
        }

        if (_options.Verifier is { } verifier &&
            !verifier.Verify(from, AdvertisementPayload(_config, round.Spec.RoundId, from, c.Bytes.Span, s.Bytes.Span), signature))
        {
            throw new ProtocolViolationException(from, stage, "the key advertisement's signature does not verify");
        }

        round.KeysInUse.Add(Convert.ToHexString(c.Bytes.Span));
        round.KeysInUse.Add(Convert.ToHexString(s.Bytes.Span));
        round.Adverts[pos] = new Advert(c, s, signature);
    }

    private ServerOutbox EndAdvertise(Round round)
    {
        HashSet<int> u1 = NextSet(round, "advertised keys");
        var messages = new Dictionary<ParticipantId, byte[]>();
        foreach (int u in u1)
        {
            var w = new WireWriter(128 + 120 * (_graph.Degree + 1));
            new MessageHeader(_scheme, round.Spec.RoundId, ShareKeysStage).WriteTo(w);
            var members = u1.Where(v => _graph.InNeighbourhood(u, v)).Order().ToList();
            w.WriteVarUInt((ulong)members.Count);
            foreach (int v in members)
            {
                Advert a = round.Adverts[v];
                w.WriteParticipant(_config.Sites[v]).WriteRaw(a.C.Bytes.Span).WriteRaw(a.S.Bytes.Span).WriteBytes(a.Signature);
            }

            messages[_config.Sites[u]] = w.ToArray();
        }

        return Advance(round, u1, ShareKeysStage, messages);
    }

    // ---- stage 1: share keys ----

    private void ReceiveShares(ref WireReader r, Round round, int pos, ParticipantId from, string stage)
    {
        var expected = round.Asked.Where(v => _graph.AreNeighbours(pos, v)).ToHashSet();
        int count = r.ReadLength("ciphertexts", N);
        var outgoing = new Dictionary<int, byte[]>(count);
        for (int i = 0; i < count; i++)
        {
            ParticipantId recipient = r.ReadParticipant("recipient");
            byte[] ct = r.ReadBytes("ciphertext", MaxCiphertext).ToArray();
            int v = _config.IndexOf(recipient) - 1;
            if (v < 0 || !expected.Contains(v))
            {
                throw new ProtocolViolationException(from, stage, $"sent a share to '{recipient}', which is not one of its neighbours in this round");
            }

            if (ct.Length < AeadKey.TagSize + 2 * ShareBytes)
            {
                throw new ProtocolViolationException(from, stage, $"the ciphertext for '{recipient}' is too short to hold two shares");
            }

            if (!outgoing.TryAdd(v, ct))
            {
                throw new ProtocolViolationException(from, stage, $"sent two shares to '{recipient}'");
            }
        }

        r.EnsureEnd();
        if (outgoing.Count != expected.Count)
        {
            var missing = expected.Where(v => !outgoing.ContainsKey(v)).Select(v => _config.Sites[v]);
            throw new ProtocolViolationException(from, stage, $"sent no share to {string.Join(", ", missing)}");
        }

        round.Ciphertexts[pos] = outgoing;
    }

    private ServerOutbox EndShareKeys(Round round)
    {
        HashSet<int> u2 = NextSet(round, "shared keys");
        var messages = new Dictionary<ParticipantId, byte[]>();
        foreach (int u in u2)
        {
            var senders = u2.Where(v => _graph.AreNeighbours(u, v)).Order().ToList();
            var w = new WireWriter(64 + senders.Count * 330);
            new MessageHeader(_scheme, round.Spec.RoundId, MaskedInputStage).WriteTo(w);
            w.WriteVarUInt((ulong)senders.Count);
            foreach (int v in senders)
            {
                w.WriteParticipant(_config.Sites[v]).WriteBytes(round.Ciphertexts[v][u]);
            }

            messages[_config.Sites[u]] = w.ToArray();
        }

        round.Ciphertexts.Clear();
        round.U2 = u2;
        return Advance(round, u2, MaskedInputStage, messages);
    }

    // ---- stage 2: masked input ----

    private void ReceiveMaskedInput(ref WireReader r, Round round, int pos, ParticipantId from, string stage)
    {
        int wordBits = r.ReadByte("word-bits");
        if (wordBits != round.WordBits)
        {
            throw new ProtocolViolationException(from, stage, $"sent {wordBits}-bit words; this round uses {round.WordBits}-bit words");
        }

        byte[] commitment = r.ReadRaw(CommitmentSize, "commitment").ToArray();
        int length = r.ReadLength("length", RoundSpec.MaxLength);
        if (length != round.Spec.Length)
        {
            throw new ProtocolViolationException(from, stage, $"vector has {length} elements, expected {round.Spec.Length}");
        }

        ReadOnlySpan<byte> raw = r.ReadRaw(checked(length * (wordBits / 8)), "masked-vector");
        r.EnsureEnd();

        // Validated in full: only now fold it in.
        if (round.WordBits == 32)
        {
            ModularVector.Add(round.Sum32!, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, uint>(raw));
        }
        else
        {
            ModularVector.Add(round.Sum64!, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ulong>(raw));
        }

        round.Commitments[pos] = commitment;
    }

    private ServerOutbox EndMaskedInput(Round round)
    {
        var u3 = round.Replied.Where(v => !round.Excluded.Contains(v)).ToHashSet();
        var dropped = round.U2!.Where(v => !u3.Contains(v)).Order().ToList();
        // Check before revealing anything: too few survivors means no unmasking request is sent at all.
        if (u3.Count < _config.Threshold)
        {
            throw Fail(round, $"only {u3.Count} sites uploaded a masked input, the threshold is {_config.Threshold}", u3);
        }

        int tN = _graph.NeighbourhoodThreshold;
        foreach (int v in round.U2!)
        {
            int holders = u3.Count(u => _graph.InNeighbourhood(v, u));
            if (holders < tN)
            {
                throw Fail(round, $"only {holders} sites around '{_config.Sites[v]}' uploaded; {tN} shares are needed to unmask", u3);
            }
        }

        var w = new WireWriter(64 + N * 20);
        new MessageHeader(_scheme, round.Spec.RoundId, UnmaskStage).WriteTo(w);
        var survivors = u3.Order().ToList();
        w.WriteVarUInt((ulong)survivors.Count);
        foreach (int v in survivors)
        {
            w.WriteParticipant(_config.Sites[v]);
        }

        w.WriteVarUInt((ulong)dropped.Count);
        foreach (int v in dropped)
        {
            w.WriteParticipant(_config.Sites[v]);
        }

        byte[] request = w.ToArray();
        round.U3 = u3;
        round.Dropped = dropped.ToHashSet();
        return Advance(round, u3, UnmaskStage, survivors.ToDictionary(v => _config.Sites[v], _ => request));
    }

    // ---- stage 3: unmasking ----

    private void ReceiveUnmaskShares(ref WireReader r, Round round, int pos, ParticipantId from, string stage)
    {
        var b = ReadShares(ref r, round, pos, from, stage, "b-shares", v => round.U3!.Contains(v) && _graph.InNeighbourhood(pos, v));
        var s = ReadShares(ref r, round, pos, from, stage, "s-shares", v => round.Dropped!.Contains(v) && _graph.AreNeighbours(pos, v));
        int complaints = r.ReadLength("complaints", N);
        var accused = new List<ParticipantId>(complaints);
        for (int i = 0; i < complaints; i++)
        {
            accused.Add(r.ReadParticipant("complaint"));
        }

        r.EnsureEnd();
        foreach ((int owner, ShamirShare share) in b)
        {
            round.BShares[owner].Add(share);
        }

        foreach ((int owner, ShamirShare share) in s)
        {
            round.SShares[owner].Add(share);
        }

        foreach (ParticipantId a in accused)
        {
            round.Violations.Add($"{from} at stage share-keys: could not open the share sent by {a} (tampered or malformed ciphertext)");
        }
    }

    private List<(int Owner, ShamirShare Share)> ReadShares(ref WireReader r, Round round, int holder, ParticipantId from, string stage, string field, Func<int, bool> allowed)
    {
        int count = r.ReadLength(field, N);
        var list = new List<(int, ShamirShare)>(count);
        var seen = new HashSet<int>();
        for (int i = 0; i < count; i++)
        {
            ParticipantId owner = r.ReadParticipant(field);
            ReadOnlySpan<byte> bytes = r.ReadRaw(ShareBytes, field);
            int v = _config.IndexOf(owner) - 1;
            if (v < 0 || !allowed(v))
            {
                throw new ProtocolViolationException(from, stage, $"sent {field} for '{owner}', which were not asked for");
            }

            if (!seen.Add(v))
            {
                throw new ProtocolViolationException(from, stage, $"sent two {field} for '{owner}'");
            }

            ShamirShare share = ShamirShare.TryRead(holder + 1, bytes, ShareElements)
                ?? throw new ProtocolViolationException(from, stage, $"the share for '{owner}' is not a valid field element");
            list.Add((v, share));
        }

        return list;
    }

    private ServerOutbox EndUnmask(Round round)
    {
        var u4 = round.Replied.Where(v => !round.Excluded.Contains(v)).ToHashSet();
        int tN = _graph.NeighbourhoodThreshold;
        var missing = round.U3!.Where(v => !u4.Contains(v)).Select(v => _config.Sites[v]).ToList();
        var jobs = new List<MaskJob>();
        try
        {
            foreach (int v in round.U3!)
            {
                var shares = Usable(round.BShares[v], round);
                byte[] commitment = round.Commitments[v];
                byte[] seed = ReconstructVerified(round, shares, v, "self-mask seed",
                    secret => CryptographicOperations.FixedTimeEquals(SelfMaskCommitment(_config, round.Spec.RoundId, _config.Sites[v], secret), commitment), missing);
                jobs.Add(new MaskJob(MaskSeed.Import(seed), Add: false));
                CryptographicOperations.ZeroMemory(seed);
            }

            var droppedKeys = new List<(int V, X25519PrivateKey Key)>();
            foreach (int v in round.Dropped!)
            {
                var shares = Usable(round.SShares[v], round);
                X25519PublicKey expected = round.Adverts[v].S;
                byte[] key = ReconstructVerified(round, shares, v, "mask key",
                    secret =>
                    {
                        using var k = X25519PrivateKey.Import(secret);
                        return k.PublicKey.Equals(expected);
                    }, missing);
                droppedKeys.Add((v, X25519PrivateKey.Import(key)));
                CryptographicOperations.ZeroMemory(key);
            }

            // Each survivor u added +PRG(s_uv) for a dropped v < u and −PRG(s_uv) for v > u: undo exactly that.
            var pairs = new List<(int V, X25519PrivateKey Key, int U)>();
            foreach ((int v, X25519PrivateKey key) in droppedKeys)
            {
                foreach (int u in round.U3!.Where(u => _graph.AreNeighbours(u, v)))
                {
                    pairs.Add((v, key, u));
                }
            }

            RemoveMasks(round, jobs, pairs);
            foreach ((_, X25519PrivateKey key) in droppedKeys)
            {
                key.Dispose();
            }
        }
        finally
        {
            foreach (MaskJob j in jobs)
            {
                j.Seed.Dispose();
            }
        }

        var sum = new double[round.Spec.Length];
        var codec = new FixedPointCodec(round.Plan);
        if (round.WordBits == 32)
        {
            codec.Decode(round.Sum32!, sum);
        }
        else
        {
            codec.Decode(round.Sum64!, 64, sum);
        }

        var contributors = round.U3!.Order().Select(v => _config.Sites[v]).ToArray();
        var droppedSites = Enumerable.Range(0, N).Where(v => !round.U3!.Contains(v)).Select(v => _config.Sites[v]).ToArray();
        Result = new AggregationResult(round.Spec.RoundId, sum, contributors, droppedSites, round.Plan.ErrorBound)
        {
            Violations = round.Violations.ToArray(),
        };
        round.Dispose();
        round.Finished = true;
        return ServerOutbox.Completed("done");
    }

    private List<ShamirShare> Usable(List<ShamirShare> shares, Round round) =>
        shares.Where(s => !round.Excluded.Contains(s.Index - 1)).OrderBy(s => s.Index).ToList();

    /// <summary>
    /// Interpolates from the first t_N shares and checks the result (commitment or public key). If that fails and
    /// more shares are at hand, leaves each share out in turn, so one bad share is found and named instead of
    /// spoiling the sum.
    /// </summary>
    private byte[] ReconstructVerified(Round round, List<ShamirShare> shares, int owner, string what, Func<byte[], bool> verify, List<ParticipantId> missing)
    {
        int tN = _graph.NeighbourhoodThreshold;
        if (shares.Count < tN)
        {
            throw Fail(round, $"only {shares.Count} shares of the {what} of '{_config.Sites[owner]}' arrived; {tN} are needed", round.U3!.Where(v => round.Replied.Contains(v) && !round.Excluded.Contains(v)).ToHashSet(), missing);
        }

        byte[] secret = new byte[32];
        if (TryReconstruct(shares, -1, secret, verify))
        {
            return secret;
        }

        if (shares.Count > tN)
        {
            for (int skip = 0; skip < shares.Count; skip++)
            {
                if (TryReconstruct(shares, skip, secret, verify))
                {
                    round.Violations.Add($"{_config.Sites[shares[skip].Index - 1]} at stage unmasking: sent a wrong share of the {what} of {_config.Sites[owner]}");
                    return secret;
                }
            }
        }

        throw Fail(round, $"the shares of the {what} of '{_config.Sites[owner]}' are inconsistent (a site sent a wrong share)", round.U3!, missing);
    }

    private bool TryReconstruct(List<ShamirShare> shares, int skip, byte[] secret, Func<byte[], bool> verify)
    {
        int tN = _graph.NeighbourhoodThreshold;
        var chosen = new List<ShamirShare>(tN);
        for (int i = 0; i < shares.Count && chosen.Count < tN; i++)
        {
            if (i != skip)
            {
                chosen.Add(shares[i]);
            }
        }

        string key = string.Join(',', chosen.Select(s => s.Index));
        if (!_lagrange.TryGetValue(key, out LagrangeCoefficients? l))
        {
            l = ShamirSecretSharing.LagrangeAtZero(chosen.Select(s => s.Index).ToArray());
            if (_lagrange.Count > 4096)
            {
                _lagrange.Clear();
            }

            _lagrange[key] = l;
        }

        try
        {
            ShamirSecretSharing.Reconstruct(chosen, l, secret);
        }
        catch (ArgumentException)
        {
            return false;
        }

        if (verify(secret))
        {
            return true;
        }

        CryptographicOperations.ZeroMemory(secret);
        return false;
    }

    /// <summary>
    /// Subtracts every survivor's self mask and undoes the pairwise masks shared with dropped sites. Work is split over
    /// the cores; each worker accumulates into its own vector, added into the sum at the end.
    /// </summary>
    private void RemoveMasks(Round round, List<MaskJob> selfMasks, List<(int V, X25519PrivateKey Key, int U)> pairs)
    {
        int total = selfMasks.Count + pairs.Count;
        int workers = Math.Max(1, Math.Min(Environment.ProcessorCount, total / 4));
        var gate = new object();
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, w =>
        {
            uint[]? acc32 = round.WordBits == 32 ? new uint[round.Spec.Length] : null;
            ulong[]? acc64 = round.WordBits == 64 ? new ulong[round.Spec.Length] : null;
            for (int j = w; j < total; j += workers)
            {
                MaskSeed seed;
                bool add;
                bool owned = false;
                if (j < selfMasks.Count)
                {
                    (seed, add) = (selfMasks[j].Seed, selfMasks[j].Add);
                }
                else
                {
                    (int v, X25519PrivateKey key, int u) = pairs[j - selfMasks.Count];
                    seed = PairwiseSeed(key, round.Adverts[u].S, _config, round.Spec.RoundId, _config.Sites[v], _config.Sites[u])
                        ?? throw new InvalidOperationException("a validated key has small order");
                    owned = true;
                    add = v > u;
                }

                using (AesCtrPrg prg = seed.CreatePrg())
                {
                    if (acc32 is not null)
                    {
                        if (add) prg.AddTo(acc32); else prg.SubtractFrom(acc32);
                    }
                    else
                    {
                        if (add) prg.AddTo(acc64!); else prg.SubtractFrom(acc64!);
                    }
                }

                if (owned)
                {
                    seed.Dispose();
                }
            }

            lock (gate)
            {
                if (acc32 is not null)
                {
                    ModularVector.Add(round.Sum32!, acc32);
                }
                else
                {
                    ModularVector.Add(round.Sum64!, acc64!);
                }
            }
        });
    }

    // ---- helpers ----

    /// <summary>The sites that replied to this stage, pruned of any whose neighbourhood fell below t_N, checked against t.</summary>
    private HashSet<int> NextSet(Round round, string what)
    {
        var set = round.Replied.Where(v => !round.Excluded.Contains(v)).ToHashSet();
        int tN = _graph.NeighbourhoodThreshold;
        bool changed = true;
        while (changed)
        {
            changed = false;
            foreach (int u in set.ToArray())
            {
                if (set.Count(v => _graph.InNeighbourhood(u, v)) < tN)
                {
                    set.Remove(u);
                    changed = true;
                }
            }
        }

        if (set.Count < _config.Threshold)
        {
            throw Fail(round, $"only {set.Count} usable sites {what}, the threshold is {_config.Threshold}", set);
        }

        return set;
    }

    private ServerOutbox Advance(Round round, HashSet<int> next, byte stage, Dictionary<ParticipantId, byte[]> messages)
    {
        round.Stage = stage;
        round.Asked = next;
        round.Replied.Clear();
        return new ServerOutbox(StageName(stage), messages);
    }

    private AggregationFailedException Fail(Round round, string reason, HashSet<int> present, List<ParticipantId>? missing = null)
    {
        missing ??= Enumerable.Range(0, N).Where(v => !present.Contains(v)).Select(v => _config.Sites[v]).ToList();
        return new AggregationFailedException(
            $"{_scheme} round {round.Spec.RoundId} failed at stage {StageName(round.Stage)}: {reason}; missing: {(missing.Count == 0 ? "none" : string.Join(", ", missing))}. No result is released.",
            missing);
    }

    /// <summary>Records a violation; the caller decides whether the site is excluded (a bad message) or not (a late duplicate).</summary>
    private static ProtocolViolationException Violation(Round round, ParticipantId from, string stage, string reason, Exception? inner = null)
    {
        var e = inner is null ? new ProtocolViolationException(from, stage, reason) : new ProtocolViolationException(from, stage, reason, inner);
        round.Violations.Add(e.Message);
        return e;
    }

    private sealed record Advert(X25519PublicKey C, X25519PublicKey S, byte[] Signature);

    private sealed record MaskJob(MaskSeed Seed, bool Add);

    private sealed class Round : IDisposable
    {
        public Round(RoundSpec spec, FixedPointPlan plan, int sites)
        {
            Spec = spec;
            Plan = plan;
            WordBits = MaskingProtocol.WordBits(plan);
            if (WordBits == 32)
            {
                Sum32 = new uint[spec.Length];
            }
            else
            {
                Sum64 = new ulong[spec.Length];
            }

            for (int i = 0; i < sites; i++)
            {
                BShares[i] = [];
                SShares[i] = [];
            }
        }

        public RoundSpec Spec { get; }

        public FixedPointPlan Plan { get; }

        public int WordBits { get; }

        public byte Stage { get; set; } = AdvertiseStage;

        public bool Finished { get; set; }

        public HashSet<int> Asked { get; set; } = [];

        public HashSet<int> Replied { get; } = [];

        public HashSet<int> Excluded { get; } = [];

        public List<string> Violations { get; } = [];

        public Dictionary<int, Advert> Adverts { get; } = [];

        public HashSet<string> KeysInUse { get; } = new(StringComparer.Ordinal);

        public Dictionary<int, Dictionary<int, byte[]>> Ciphertexts { get; } = [];

        public HashSet<int>? U2 { get; set; }

        public HashSet<int>? U3 { get; set; }

        public HashSet<int>? Dropped { get; set; }

        public uint[]? Sum32 { get; }

        public ulong[]? Sum64 { get; }

        public Dictionary<int, byte[]> Commitments { get; } = [];

        public Dictionary<int, List<ShamirShare>> BShares { get; } = [];

        public Dictionary<int, List<ShamirShare>> SShares { get; } = [];

        public void Dispose()
        {
            foreach (ShamirShare s in BShares.Values.Concat(SShares.Values).SelectMany(l => l))
            {
                s.Dispose();
            }

            BShares.Clear();
            SShares.Clear();
            Ciphertexts.Clear();
        }
    }
}
