using System.Security.Cryptography;
using FedScore.Secure.Crypto.Lattice.Multiparty;
using FedScore.Secure.Crypto.Lattice.Rlwe;
using FedScore.Secure.Crypto.Lattice.Serialization;
using FedScore.Secure.Crypto.Primitives;
using FedScore.Secure.Wire;
using static FedScore.Secure.Aggregation.Lattice.LatticeProtocol;

namespace FedScore.Secure.Aggregation.Lattice;

/// <summary>
/// The aggregator of the ckks / bfv schemes. It holds public material only — X25519 public keys, public-key shares and
/// the collective public key, encrypted Shamir shares it forwards unopened, ciphertexts and decryption shares — and no
/// type reachable from here holds a secret key share. It folds uploads and decryption shares as they arrive (memory
/// O(length) per round; the one-off key setup forwards O(n²) share ciphertexts).
/// </summary>
internal sealed class LatticeAggregationServer : IAggregationServer
{
    private readonly LatticeSchemeKind _kind;
    private readonly string _scheme;
    private readonly SessionConfig _config;
    private readonly LatticeOptions _options;
    private readonly HashSet<string> _usedRounds = new(StringComparer.Ordinal);
    private readonly HashSet<ParticipantId> _outForSession = [];
    private readonly Dictionary<ParameterSetId, KeySetup> _setups = [];
    private Round? _round;

    public LatticeAggregationServer(LatticeSchemeKind kind, string scheme, SessionConfig config, LatticeOptions options)
    {
        _options = options;
        _kind = kind;
        _scheme = scheme;
        _config = config;
    }

    public AggregationResult? Result { get; private set; }

    /// <summary>Sites that dropped or misbehaved during a key setup: they hold no key share and are not asked again.</summary>
    internal IReadOnlyCollection<ParticipantId> OutForSession => _outForSession;

    private int Threshold => _config.Threshold;

    public ServerOutbox BeginRound(RoundSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (_round is { Finished: false })
        {
            throw new InvalidOperationException($"round {_round.Spec.RoundId} is still running");
        }

        LatticeRoundPlan plan = LatticeRoundPlan.For(_kind, spec.Length, spec.Requirements);
        if (plan.Requirements.Sites < _config.Sites.Count)
        {
            throw new ArgumentException($"the round's requirements plan for {plan.Requirements.Sites} sites but the session has {_config.Sites.Count}; the noise bound would not hold", nameof(spec));
        }

        if (!_usedRounds.Add(spec.RoundId))
        {
            throw new InvalidOperationException($"round id {spec.RoundId} was already used in this session");
        }

        Result = null;
        if (_setups.TryGetValue(plan.Id, out KeySetup? setup))
        {
            _round = new Round(spec, plan, setup);
            return StartUpload(_round);
        }

        // First round with this parameter set: run the key setup. The CRP is public, derived from the session id.
        var protocol = new CollectivePublicKeyProtocol(plan.Parameters);
        setup = new KeySetup(plan.Id, spec.RoundId, protocol, protocol.SampleCrp(CommonReferenceString.Derive(_config.SessionId, CrsLabelFor(_scheme, plan.Id))));
        var round = new Round(spec, plan, setup) { Stage = AdvertiseStage };
        _round = round;
        var invited = _config.Sites.Where(s => !_outForSession.Contains(s)).ToHashSet();
        if (invited.Count < Threshold)
        {
            throw Fail(round, $"only {invited.Count} sites are still in the session, the threshold is {Threshold}", invited);
        }

        var w = new WireWriter(128);
        new MessageHeader(_scheme, spec.RoundId, AdvertiseStage).WriteTo(w);
        WriteId(w, plan.Id);
        w.WriteVarUInt((ulong)spec.Length);
        WriteRequirements(w, spec.Requirements);
        byte[] request = w.ToArray();
        round.Asked = invited;
        return new ServerOutbox(StageName(AdvertiseStage), invited.Order().ToDictionary(s => s, _ => request));
    }

    public void Receive(ParticipantId from, ReadOnlySpan<byte> reply)
    {
        Round round = _round ?? throw new InvalidOperationException("no round is running");
        string stage = StageName(round.Stage);
        if (_config.IndexOf(from) == 0)
        {
            throw new ProtocolViolationException(from, stage, "is not a site of this session");
        }

        // Late, unasked or repeated messages are recorded but do not exclude the site: what it sent before was valid
        // and may already be folded in.
        if (round.Finished)
        {
            throw Violation(round, from, stage, "the round is already over");
        }

        if (round.Excluded.Contains(from))
        {
            throw Violation(round, from, stage, "was dropped from this round after an earlier violation");
        }

        if (!round.Asked.Contains(from))
        {
            throw Violation(round, from, stage, "was not asked to reply at this stage");
        }

        if (round.Replied.Contains(from))
        {
            throw Violation(round, from, stage, "sent a second reply to the same stage (replay)");
        }

        try
        {
            var r = new WireReader(reply, $"{_scheme} {stage} reply from {from}");
            MessageHeader h = MessageHeader.Read(ref r, _scheme);
            if (h.RoundId != round.Spec.RoundId || h.Stage != round.Stage)
            {
                throw new ProtocolViolationException(from, stage, $"message is for round {h.RoundId} stage {StageName(h.Stage)} (replayed or misrouted)");
            }

            ParticipantId sender = r.ReadParticipant("sender");
            if (sender != from)
            {
                throw new ProtocolViolationException(from, stage, $"message claims to come from '{sender}' (misrouted or replayed)");
            }

            ParameterSetId id = ReadId(ref r);
            if (id != round.Plan.Id)
            {
                throw new ProtocolViolationException(from, stage, $"message is for parameter set {id}, this round uses {round.Plan.Id}");
            }

            // Each handler validates the whole message before it changes any state.
            switch (round.Stage)
            {
                case AdvertiseStage: ReceiveAdvertisement(ref r, round, from, stage); break;
                case KeygenStage: ReceiveKeygen(ref r, round, from, stage); break;
                case UploadStage: ReceiveUpload(ref r, round, from, stage); break;
                case DecryptStage: ReceiveDecryptionShares(ref r, round, from, stage); break;
                default: throw new InvalidOperationException("round is in an unknown stage");
            }

            round.Replied.Add(from);
        }
        catch (MalformedMessageException e)
        {
            round.Excluded.Add(from);
            throw Violation(round, from, stage, e.Message, e);
        }
        catch (ProtocolViolationException e) when (e.Participant == from)
        {
            round.Violations.Add(e.Message);
            round.Excluded.Add(from);
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

        return round.Stage switch
        {
            AdvertiseStage => EndAdvertise(round),
            KeygenStage => EndKeygen(round),
            UploadStage => EndUpload(round),
            DecryptStage => EndDecrypt(round),
            _ => throw new InvalidOperationException("round is in an unknown stage"),
        };
    }

    // ---- setup stage advertise-keys ----

    private void ReceiveAdvertisement(ref WireReader r, Round round, ParticipantId from, string stage)
    {
        var key = new X25519PublicKey(r.ReadRaw(X25519.KeySize, "x25519-key"));
        byte[] signature = r.ReadBytes("signature", MaxSignatureLength).ToArray();
        r.EnsureEnd();
        if (_options.Verifier is { } verifier &&
            !verifier.Verify(from, KeyAdvertisementPayload(_config, round.Setup.SetupRound, round.Plan.Id, from, key.Bytes.Span), signature))
        {
            throw new ProtocolViolationException(from, stage, "the key advertisement's signature does not verify");
        }

        if (!X25519.IsValidPublicKey(key))
        {
            throw new ProtocolViolationException(from, stage, "advertised a public key of small order");
        }

        KeySetup setup = round.Setup;
        if (setup.Keys.Values.Any(k => k.Equals(key)))
        {
            throw new ProtocolViolationException(from, stage, "advertised a public key that is already in use (keys must be distinct)");
        }

        setup.Keys[from] = key;
        setup.Signatures[from] = signature;
    }

    private ServerOutbox EndAdvertise(Round round)
    {
        List<ParticipantId> parties = Survivors(round);
        MarkOut(round.Asked.Where(s => !parties.Contains(s)));
        if (parties.Count < Threshold)
        {
            throw Fail(round, $"only {parties.Count} sites advertised keys, the threshold is {Threshold}", parties.ToHashSet());
        }

        KeySetup setup = round.Setup;
        setup.Parties = parties;
        var w = new WireWriter(128 + parties.Count * (X25519.KeySize + 40));
        new MessageHeader(_scheme, round.Spec.RoundId, KeygenStage).WriteTo(w);
        WriteId(w, round.Plan.Id);
        w.WriteVarUInt((ulong)parties.Count);
        foreach (ParticipantId s in parties)
        {
            w.WriteParticipant(s).WriteRaw(setup.Keys[s].Bytes.Span).WriteBytes(setup.Signatures[s]);
        }

        byte[] request = w.ToArray();
        return Advance(round, parties, KeygenStage, parties.ToDictionary(s => s, _ => request));
    }

    // ---- setup stage keygen ----

    private void ReceiveKeygen(ref WireReader r, Round round, ParticipantId from, string stage)
    {
        KeySetup setup = round.Setup;
        RlweParameters p = round.Plan.Parameters;
        int polySize = LatticeSerializer.PolynomialSize(p);
        ReadOnlySpan<byte> shareBytes = r.ReadBytes("pk-share", polySize + ShareHeaderAllowance);
        ReadOnlySpan<byte> shareSignature = r.ReadBytes("pk-share-signature", MaxSignatureLength);
        if (_options.Verifier is { } verifier &&
            !verifier.Verify(from, PublicKeySharePayload(_config, setup.SetupRound, setup.Id, from, shareBytes), shareSignature))
        {
            // A substituted p_i would change the collective public key to one the substitute can decrypt under.
            throw new ProtocolViolationException(from, stage, "the public-key share's signature does not verify (substituted share?)");
        }

        PublicKeyShare share = LatticeSerializer.ReadPublicKeyShare(shareBytes, p, $"public-key share from {from}");
        if (share.Contributors != 1)
        {
            throw new ProtocolViolationException(from, stage, $"the public-key share claims {share.Contributors} contributors, expected 1");
        }

        List<ParticipantId> parties = setup.Parties!;
        int count = r.ReadLength("shares", parties.Count);
        int minCt = polySize + AeadKey.TagSize;
        int maxCt = minCt + ShareHeaderAllowance;
        var outgoing = new Dictionary<ParticipantId, byte[]>(count);
        for (int i = 0; i < count; i++)
        {
            ParticipantId recipient = r.ReadParticipant("recipient");
            ReadOnlySpan<byte> ct = r.ReadBytes("share-ciphertext", maxCt);
            if (recipient == from || parties.BinarySearch(recipient) < 0)
            {
                throw new ProtocolViolationException(from, stage, $"sent a share to '{recipient}', which is not another key party");
            }

            if (ct.Length < minCt)
            {
                throw new ProtocolViolationException(from, stage, $"the share ciphertext for '{recipient}' is {ct.Length} bytes, too short to hold a share");
            }

            if (!outgoing.TryAdd(recipient, ct.ToArray()))
            {
                throw new ProtocolViolationException(from, stage, $"sent two shares to '{recipient}'");
            }
        }

        r.EnsureEnd();
        if (outgoing.Count != parties.Count - 1)
        {
            var missing = parties.Where(s => s != from && !outgoing.ContainsKey(s));
            throw new ProtocolViolationException(from, stage, $"sent no share to {string.Join(", ", missing)}");
        }

        // Validated in full: fold the public-key share in and keep the ciphertexts to forward.
        if (setup.Aggregate is null)
        {
            setup.Aggregate = share;
        }
        else
        {
            setup.Protocol.AggregateShares(setup.Aggregate, share, setup.Aggregate);
        }

        setup.Outgoing[from] = outgoing;
    }

    private ServerOutbox EndKeygen(Round round)
    {
        KeySetup setup = round.Setup;
        List<ParticipantId> dealers = Survivors(round);
        MarkOut(setup.Parties!.Where(s => !dealers.Contains(s)));
        if (dealers.Count < Threshold)
        {
            throw Fail(round, $"only {dealers.Count} sites completed key generation, the threshold is {Threshold}", dealers.ToHashSet());
        }

        // p = Σ_{i∈D} p_i: the collective key of the dealers' secrets (absent dealers count as sharing 0).
        setup.PublicKeyBytes = LatticeSerializer.Write(setup.Protocol.Finalize(setup.Aggregate!, setup.Crp));
        setup.Aggregate = null;
        setup.Dealers = dealers;
        // Each dealer's upload request is built here, once, with its delivery (collective key, dealer list, the
        // share ciphertexts addressed to it) appended; the setup keeps only views into these messages.
        byte[] prefix = UploadPrefix(round);
        var dealerList = new WireWriter(16 + dealers.Count * 40);
        dealerList.WriteVarUInt((ulong)dealers.Count);
        foreach (ParticipantId d in dealers)
        {
            dealerList.WriteParticipant(d);
        }

        var head = new WireWriter(prefix.Length + setup.PublicKeyBytes.Length + dealerList.Length + 16);
        head.WriteRaw(prefix).WriteByte(1).WriteBytes(setup.PublicKeyBytes).WriteRaw(dealerList.WrittenSpan).WriteVarUInt((ulong)(dealers.Count - 1));
        foreach (ParticipantId j in dealers)
        {
            // Sized exactly and written in place: for 100 sites these messages hold gigabytes in total.
            long size = head.Length;
            foreach (ParticipantId i in dealers)
            {
                if (i != j)
                {
                    byte[] ct = setup.Outgoing[i][j];
                    size += VarUIntSize((ulong)i.Value.Length) + i.Value.Length + VarUIntSize((ulong)ct.Length) + ct.Length;
                }
            }

            byte[] message = new byte[checked((int)size)];
            head.WrittenSpan.CopyTo(message);
            int at = head.Length;
            foreach (ParticipantId i in dealers)
            {
                if (i != j)
                {
                    // Forwarded unopened; the server cannot read it (AES-GCM under a key only i and j can derive).
                    byte[] ct = setup.Outgoing[i][j];
                    at = PutVarUInt(message, at, (ulong)i.Value.Length);
                    at += System.Text.Encoding.ASCII.GetBytes(i.Value, message.AsSpan(at));
                    at = PutVarUInt(message, at, (ulong)ct.Length);
                    ct.CopyTo(message, at);
                    at += ct.Length;
                    setup.Outgoing[i].Remove(j);
                }
            }

            setup.PendingDelivery[j] = new Delivery(message, prefix.Length + 1, round.Spec.RoundId);
        }

        setup.Outgoing.Clear();
        _setups[setup.Id] = setup;
        return StartUpload(round);
    }

    // ---- stage upload ----

    private byte[] UploadPrefix(Round round)
    {
        var w = new WireWriter(128);
        new MessageHeader(_scheme, round.Spec.RoundId, UploadStage).WriteTo(w);
        WriteId(w, round.Plan.Id);
        w.WriteVarUInt((ulong)round.Spec.Length);
        WriteRequirements(w, round.Spec.Requirements);
        return w.ToArray();
    }

    private ServerOutbox StartUpload(Round round)
    {
        KeySetup setup = round.Setup;
        byte[] prefix = UploadPrefix(round);
        byte[] plainRequest = [.. prefix, 0];
        var messages = new Dictionary<ParticipantId, byte[]>();
        foreach (ParticipantId s in setup.Dealers!)
        {
            if (_outForSession.Contains(s))
            {
                continue;
            }

            if (!setup.PendingDelivery.TryGetValue(s, out Delivery? delivery))
            {
                messages[s] = plainRequest;
            }
            else if (delivery.RoundId == round.Spec.RoundId)
            {
                messages[s] = delivery.Message;
            }
            else
            {
                // Until the site acknowledges the collective key by uploading, every upload request carries it with
                // the site's forwarded shares (it may have missed the first one).
                ReadOnlySpan<byte> payload = delivery.Payload;
                byte[] message = new byte[prefix.Length + 1 + payload.Length];
                prefix.CopyTo(message, 0);
                message[prefix.Length] = 1;
                payload.CopyTo(message.AsSpan(prefix.Length + 1));
                setup.PendingDelivery[s] = new Delivery(message, prefix.Length + 1, round.Spec.RoundId);
                messages[s] = message;
            }
        }

        return Advance(round, messages.Keys, UploadStage, messages);
    }

    private void ReceiveUpload(ref WireReader r, Round round, ParticipantId from, string stage)
    {
        LatticeRoundPlan plan = round.Plan;
        int count = r.ReadLength("ciphertexts", plan.Ciphertexts);
        if (count != plan.Ciphertexts)
        {
            throw new ProtocolViolationException(from, stage, $"sent {count} ciphertexts, the round needs {plan.Ciphertexts}");
        }

        var cts = new Ciphertext[count];
        for (int c = 0; c < count; c++)
        {
            // Every upload shares c1 with the running sum: copy it rather than re-expanding the seed per site.
            Ciphertext ct = LatticeSerializer.ReadCiphertext(ref r, plan.Parameters, round.Sum?[c], out int coefficients);
            if (coefficients != plan.UsedCoefficients(c))
            {
                throw new ProtocolViolationException(from, stage, $"ciphertext {c} carries {coefficients} coefficients of c0, the round's plan needs {plan.UsedCoefficients(c)}");
            }

            if (ct.Scale != plan.CiphertextScale || ct.Summands != 1)
            {
                throw new ProtocolViolationException(from, stage, $"ciphertext {c} has scale 2^{Math.Log2(ct.Scale):0.###} and {ct.Summands} summands; a fresh upload at scale 2^{Math.Log2(plan.CiphertextScale):0.###} was expected");
            }

            if (!ct.IsSeeded || !ct.C1Seed.SequenceEqual(CommonSeed(_config, round.Spec.RoundId, plan.Id, c)))
            {
                throw new ProtocolViolationException(from, stage, $"ciphertext {c} does not use this round's shared c1 seed");
            }

            cts[c] = ct;
        }

        r.EnsureEnd();
        if (round.Sum is null)
        {
            round.Sum = cts;
        }
        else
        {
            var evaluator = new Evaluator(plan.Parameters);
            for (int c = 0; c < count; c++)
            {
                evaluator.AddSharedC1InPlace(round.Sum[c], cts[c]);
            }
        }

        round.Contributors.Add(from);
    }

    private ServerOutbox EndUpload(Round round)
    {
        List<ParticipantId> contributors = round.Contributors.Order().ToList();
        foreach (ParticipantId s in contributors)
        {
            round.Setup.PendingDelivery.Remove(s);
        }

        // Check before revealing anything: with fewer than t contributors no decryption is asked for at all.
        if (contributors.Count < Threshold)
        {
            throw Fail(round, $"only {contributors.Count} sites uploaded, the threshold is {Threshold}; nothing was sent for decryption", contributors.ToHashSet());
        }

        // The active set is fixed now, from sites known to be alive. Exactly t: every member's absence fails the
        // round (shares are bound to the set), so more members would only add failure chances and smudging noise.
        List<ParticipantId> active = contributors.Take(Threshold).ToList();
        RlweParameters p = round.Plan.Parameters;
        var w = new WireWriter(128 + active.Count * 40 + round.Sum!.Length * (2 * LatticeSerializer.PolynomialSize(p) + 64));
        new MessageHeader(_scheme, round.Spec.RoundId, DecryptStage).WriteTo(w);
        WriteId(w, round.Plan.Id);
        w.WriteVarUInt((ulong)active.Count);
        foreach (ParticipantId s in active)
        {
            w.WriteParticipant(s);
        }

        // The aggregate is under the contributors' key s_U; the decryptors need U to pick their shares of it.
        w.WriteVarUInt((ulong)contributors.Count);
        foreach (ParticipantId s in contributors)
        {
            w.WriteParticipant(s);
        }

        w.WriteVarUInt((ulong)round.Sum.Length);
        foreach (Ciphertext ct in round.Sum)
        {
            LatticeSerializer.WriteTo(w, ct);
        }

        byte[] request = w.ToArray();
        round.Active = active;
        round.Decryption = new CollectiveDecryptionProtocol(p, round.Plan.SmudgingBits);
        round.Shares = new DecryptionShare?[round.Sum.Length];
        round.ExpectedIds = new byte[]?[round.Sum.Length];
        return Advance(round, active, DecryptStage, active.ToDictionary(s => s, _ => request));
    }

    // ---- stage decrypt ----

    private static void ReceiveDecryptionShares(ref WireReader r, Round round, ParticipantId from, string stage)
    {
        RlweParameters p = round.Plan.Parameters;
        int count = r.ReadLength("shares", round.Sum!.Length);
        if (count != round.Sum.Length)
        {
            throw new ProtocolViolationException(from, stage, $"sent {count} decryption shares for {round.Sum.Length} ciphertexts");
        }

        int maxShare = LatticeSerializer.PolynomialSize(p) + ShareHeaderAllowance + 32;
        var shares = new DecryptionShare[count];
        for (int c = 0; c < count; c++)
        {
            DecryptionShare share = LatticeSerializer.ReadDecryptionShare(r.ReadBytes("share", maxShare), p, $"decryption share {c} from {from}");
            if (share.Contributors != 1)
            {
                throw new ProtocolViolationException(from, stage, $"decryption share {c} claims {share.Contributors} contributors, expected 1");
            }

            if (round.ExpectedIds![c] is { } expected)
            {
                if (!CryptographicOperations.FixedTimeEquals(share.CiphertextId, expected))
                {
                    throw new ProtocolViolationException(from, stage, $"decryption share {c} is for another ciphertext");
                }
            }
            else
            {
                // The first share for a ciphertext: check its id against the aggregate itself (Finalize refuses a
                // share for another ciphertext), then hold later shares to that id.
                try
                {
                    _ = round.Decryption!.Finalize(round.Sum[c], share);
                }
                catch (ArgumentException)
                {
                    throw new ProtocolViolationException(from, stage, $"decryption share {c} is for another ciphertext");
                }

                round.ExpectedIds[c] = share.CiphertextId.ToArray();
            }

            shares[c] = share;
        }

        r.EnsureEnd();
        for (int c = 0; c < count; c++)
        {
            round.Shares![c] = round.Shares[c] is { } acc ? round.Decryption!.AggregateShares([acc, shares[c]]) : shares[c];
        }
    }

    private ServerOutbox EndDecrypt(Round round)
    {
        var missing = round.Active!.Where(s => !round.Replied.Contains(s) || round.Excluded.Contains(s)).ToList();
        if (missing.Count > 0)
        {
            throw Fail(round,
                $"active decryptor(s) {string.Join(", ", missing)} returned no valid decryption shares. Shares are single-use and bound to the active set " +
                "(a retry with the same ciphertexts would let the server average the smudging noise away), so this round fails; run a new round",
                [], missing);
        }

        var plaintexts = new Plaintext[round.Sum!.Length];
        for (int c = 0; c < plaintexts.Length; c++)
        {
            plaintexts[c] = round.Decryption!.Finalize(round.Sum[c], round.Shares![c]!);
        }

        double[] sum = round.Plan.Decode(plaintexts, round.Contributors.Count);
        var contributors = round.Contributors.Order().ToArray();
        var dropped = _config.Sites.Where(s => !round.Contributors.Contains(s)).ToArray();
        Result = new AggregationResult(round.Spec.RoundId, sum, contributors, dropped, round.Plan.ErrorBound)
        {
            Violations = round.Violations.ToArray(),
        };
        round.Finish();
        return ServerOutbox.Completed("done");
    }

    // ---- helpers ----

    /// <summary>Bytes of an unsigned LEB128 varint (as <see cref="WireWriter.WriteVarUInt"/> writes it).</summary>
    private static int VarUIntSize(ulong value)
    {
        int n = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            n++;
        }

        return n;
    }

    private static int PutVarUInt(byte[] destination, int at, ulong value)
    {
        while (value >= 0x80)
        {
            destination[at++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[at++] = (byte)value;
        return at;
    }

    private static List<ParticipantId> Survivors(Round round) =>
        round.Replied.Where(s => !round.Excluded.Contains(s)).Order().ToList();

    private void MarkOut(IEnumerable<ParticipantId> sites)
    {
        foreach (ParticipantId s in sites)
        {
            _outForSession.Add(s);
        }
    }

    private static ServerOutbox Advance(Round round, IEnumerable<ParticipantId> asked, byte stage, Dictionary<ParticipantId, byte[]> messages)
    {
        round.Stage = stage;
        round.Asked = asked.ToHashSet();
        round.Replied.Clear();
        return new ServerOutbox(StageName(stage), messages);
    }

    private AggregationFailedException Fail(Round round, string reason, HashSet<ParticipantId> present, List<ParticipantId>? missing = null)
    {
        missing ??= _config.Sites.Where(s => !present.Contains(s)).ToList();
        string stage = StageName(round.Stage);
        round.Finish();
        return new AggregationFailedException(
            $"{_scheme} round {round.Spec.RoundId} failed at stage {stage}: {reason}; missing: {(missing.Count == 0 ? "none" : string.Join(", ", missing))}. No result is released.",
            missing);
    }

    private static ProtocolViolationException Violation(Round round, ParticipantId from, string stage, string reason, Exception? inner = null)
    {
        var e = inner is null ? new ProtocolViolationException(from, stage, reason) : new ProtocolViolationException(from, stage, reason, inner);
        round.Violations.Add(e.Message);
        return e;
    }

    /// <summary>Public state of one key setup (per parameter set). Nothing in it is secret.</summary>
    private sealed class KeySetup
    {
        public KeySetup(ParameterSetId id, string setupRound, CollectivePublicKeyProtocol protocol, PublicKeyCrp crp)
        {
            Id = id;
            SetupRound = setupRound;
            Protocol = protocol;
            Crp = crp;
        }

        public ParameterSetId Id { get; }

        public string SetupRound { get; }

        public CollectivePublicKeyProtocol Protocol { get; }

        public PublicKeyCrp Crp { get; }

        public Dictionary<ParticipantId, X25519PublicKey> Keys { get; } = [];

        /// <summary>Each party's signature over its key advertisement (empty when none), forwarded with the key.</summary>
        public Dictionary<ParticipantId, byte[]> Signatures { get; } = [];

        public List<ParticipantId>? Parties { get; set; }

        public PublicKeyShare? Aggregate { get; set; }

        /// <summary>dealer → recipient → AES-GCM ciphertext of a Shamir share, held only until forwarded.</summary>
        public Dictionary<ParticipantId, Dictionary<ParticipantId, byte[]>> Outgoing { get; } = [];

        public List<ParticipantId>? Dealers { get; set; }

        public byte[]? PublicKeyBytes { get; set; }

        /// <summary>Collective key and forwarded share ciphertexts per site, until the site has uploaded once.</summary>
        public Dictionary<ParticipantId, Delivery> PendingDelivery { get; } = [];
    }

    /// <summary>An upload request that carries a site's key delivery from <see cref="PayloadOffset"/> on.</summary>
    private sealed record Delivery(byte[] Message, int PayloadOffset, string RoundId)
    {
        public ReadOnlySpan<byte> Payload => Message.AsSpan(PayloadOffset);
    }

    private sealed class Round
    {
        public Round(RoundSpec spec, LatticeRoundPlan plan, KeySetup setup)
        {
            Spec = spec;
            Plan = plan;
            Setup = setup;
        }

        public RoundSpec Spec { get; }

        public LatticeRoundPlan Plan { get; }

        public KeySetup Setup { get; }

        public byte Stage { get; set; } = UploadStage;

        public bool Finished { get; private set; }

        public HashSet<ParticipantId> Asked { get; set; } = [];

        public HashSet<ParticipantId> Replied { get; } = [];

        public HashSet<ParticipantId> Excluded { get; } = [];

        public List<string> Violations { get; } = [];

        public List<ParticipantId> Contributors { get; } = [];

        public Ciphertext[]? Sum { get; set; }

        public List<ParticipantId>? Active { get; set; }

        public CollectiveDecryptionProtocol? Decryption { get; set; }

        public DecryptionShare?[]? Shares { get; set; }

        public byte[]?[]? ExpectedIds { get; set; }

        public void Finish()
        {
            Finished = true;
            Sum = null;
            Shares = null;
            Setup.Outgoing.Clear();
        }
    }
}
