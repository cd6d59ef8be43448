using System.Security.Cryptography;
using FedScore.Secure.Crypto.Lattice.Multiparty;
using FedScore.Secure.Crypto.Lattice.Rlwe;
using FedScore.Secure.Crypto.Lattice.Serialization;
using FedScore.Secure.Crypto.Primitives;
using FedScore.Secure.FixedPoint;
using FedScore.Secure.Wire;
using static FedScore.Secure.Aggregation.Lattice.LatticeProtocol;

namespace FedScore.Secure.Aggregation.Lattice;

/// <summary>
/// A site's side of the ckks / bfv schemes. Holds, per parameter set, its additive secret s_i (it encrypts uploads)
/// and the Shamir shares dealt to it, per dealer (during setup also an ephemeral X25519 key, forgotten once the
/// shares are in). One round at a time; each
/// stage is accepted once, in order, for the running round only; a round id is accepted once per session; and a
/// decryption request is answered at most once per round (the library also refuses a second share per ciphertext).
/// </summary>
internal sealed class LatticeParticipant : IAggregationParticipant
{
    private readonly LatticeSchemeKind _kind;
    private readonly string _scheme;
    private readonly SessionConfig _config;
    private readonly LatticeOptions _options;
    private readonly Dictionary<string, (ReadOnlyMemory<double> Values, double Weight)> _inputs = new(StringComparer.Ordinal);
    private readonly HashSet<string> _usedRounds = new(StringComparer.Ordinal);
    private readonly HashSet<string> _decryptedRounds = new(StringComparer.Ordinal);
    private readonly Dictionary<ParameterSetId, SiteKeys> _keys = [];
    private RoundState? _round;

    public LatticeParticipant(LatticeSchemeKind kind, string scheme, ParticipantId id, SessionConfig config, LatticeOptions options)
    {
        _options = options;
        _kind = kind;
        _scheme = scheme;
        Id = id;
        _config = config;
    }

    public ParticipantId Id { get; }

    /// <summary>True once this site holds a threshold key share for the parameter set (tests).</summary>
    internal bool HoldsThresholdKey(ParameterSetId id) => _keys.TryGetValue(id, out SiteKeys? k) && k.Complete;

    public void SetInput(string roundId, ReadOnlyMemory<double> values, double weight = 1)
    {
        ArgumentNullException.ThrowIfNull(roundId);
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
        if (h.Stage == DecryptStage && _decryptedRounds.Contains(h.RoundId))
        {
            throw Refuse(stage, $"already gave decryption shares in round {h.RoundId}; a second set would leak key material (retries are refused)");
        }

        try
        {
            if (h.Stage == AdvertiseStage)
            {
                return Advertise(ref r, h.RoundId, stage);
            }

            if (h.Stage == UploadStage && _round?.RoundId != h.RoundId)
            {
                // A round whose parameter set is already keyed starts directly with the upload request.
                return Upload(ref r, message, null, h.RoundId, stage);
            }

            RoundState round = _round is { } cur && cur.RoundId == h.RoundId
                ? cur
                : throw Refuse(stage, $"is not running round {h.RoundId} (replayed or misrouted message)");
            if (h.Stage != round.ExpectedStage)
            {
                throw Refuse(stage, $"expected stage {StageName(round.ExpectedStage)} of round {h.RoundId} (replayed or reordered message)");
            }

            return h.Stage switch
            {
                KeygenStage => Keygen(ref r, round, stage),
                UploadStage => Upload(ref r, message, round, h.RoundId, stage),
                DecryptStage => Decrypt(ref r, round, stage),
                _ => throw Refuse(stage, "unknown stage"),
            };
        }
        catch
        {
            // A refused message ends this site's part in the round; it keeps nothing a retry could probe.
            EndRound();
            throw;
        }
    }

    public void Dispose()
    {
        EndRound();
        foreach (SiteKeys k in _keys.Values)
        {
            k.Dispose();
        }

        _keys.Clear();
        _inputs.Clear();
    }

    // ---- stage advertise-keys (setup) ----

    private byte[] Advertise(ref WireReader r, string roundId, string stage)
    {
        ParameterSetId id = ReadId(ref r);
        int length = r.ReadLength("length", RoundSpec.MaxLength);
        FixedPointRequirements requirements = ReadRequirements(ref r);
        r.EnsureEnd();
        RoundState round = BeginRound(roundId, length, requirements, id, stage);
        if (_keys.Remove(id, out SiteKeys? existing))
        {
            if (existing.Complete)
            {
                _keys[id] = existing;
                throw Refuse(stage, $"already holds a threshold key for parameter set {id}; a second key setup is refused");
            }

            existing.Dispose(); // an earlier setup that never completed: start afresh
        }

        var keys = new SiteKeys(id, roundId);
        _keys[id] = keys;
        round.ExpectedStage = KeygenStage;

        var w = new WireWriter(128);
        new MessageHeader(_scheme, roundId, AdvertiseStage).WriteTo(w);
        w.WriteParticipant(Id);
        WriteId(w, id);
        ReadOnlySpan<byte> key = keys.Ephemeral!.PublicKey.Bytes.Span;
        w.WriteRaw(key);
        w.WriteBytes(_options.Signer?.Sign(Id, KeyAdvertisementPayload(_config, roundId, id, Id, key)) ?? []);
        return w.ToArray();
    }

    // ---- stage keygen (setup) ----

    private byte[] Keygen(ref WireReader r, RoundState round, string stage)
    {
        ParameterSetId id = ReadId(ref r);
        CheckId(id, round, stage);
        int count = r.ReadLength("parties", _config.Sites.Count);
        var parties = new List<ParticipantId>(count);
        var partyKeys = new Dictionary<ParticipantId, X25519PublicKey>(count);
        var distinct = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            ParticipantId site = r.ReadParticipant("party");
            var key = new X25519PublicKey(r.ReadRaw(X25519.KeySize, "x25519-key"));
            ReadOnlySpan<byte> signature = r.ReadBytes("signature", MaxSignatureLength);
            if (_config.IndexOf(site) == 0)
            {
                throw Refuse(stage, $"lists '{site}', which is not a site of this session");
            }

            // A key the server substituted would let it open the Shamir shares sent to (or from) that site.
            if (_options.Verifier is { } verifier &&
                !verifier.Verify(site, KeyAdvertisementPayload(_config, round.RoundId, id, site, key.Bytes.Span), signature))
            {
                throw Refuse(stage, $"the key advertisement of '{site}' has an invalid signature (substituted key?)");
            }

            if (parties.Count > 0 && parties[^1].CompareTo(site) >= 0)
            {
                throw Refuse(stage, "the key parties are not strictly sorted (duplicate or reordered site)");
            }

            if (!X25519.IsValidPublicKey(key) || !distinct.Add(Convert.ToHexString(key.Bytes.Span)))
            {
                throw Refuse(stage, $"the key of '{site}' has small order or is already in use");
            }

            parties.Add(site);
            partyKeys[site] = key;
        }

        r.EnsureEnd();
        SiteKeys keys = PendingKeys(id, round, stage);
        if (!partyKeys.TryGetValue(Id, out X25519PublicKey? mine) || !mine.Equals(keys.Ephemeral!.PublicKey))
        {
            throw Discard(keys, stage, "the forwarded keys do not include this site's own key unchanged");
        }

        if (parties.Count < _config.Threshold)
        {
            throw Discard(keys, stage, $"only {parties.Count} sites take part in key generation; the threshold is {_config.Threshold}");
        }

        keys.Parties = parties;
        keys.PartyKeys = partyKeys;
        keys.Point = parties.BinarySearch(Id) + 1;

        RlweParameters p = round.Plan.Parameters;
        var cpk = new CollectivePublicKeyProtocol(p);
        PublicKeyCrp crp = cpk.SampleCrp(CommonReferenceString.Derive(_config.SessionId, CrsLabelFor(_scheme, id)));
        keys.Additive = AdditiveKeyShare.FromSecretKey(new KeyGenerator(p).CreateSecretKey());
        byte[] pkShare = LatticeSerializer.Write(cpk.GenerateShare(keys.Additive.Secret, crp));
        IReadOnlyList<ShamirShare> shares = new ShamirKeySharing(p, _config.Threshold, parties.Count).Split(keys.Additive, keys.Point);

        int shareSize = LatticeSerializer.PolynomialSize(p) + ShareHeaderAllowance + AeadKey.TagSize;
        var w = new WireWriter(128 + pkShare.Length + parties.Count * (shareSize + 80));
        new MessageHeader(_scheme, round.RoundId, KeygenStage).WriteTo(w);
        w.WriteParticipant(Id);
        WriteId(w, id);
        w.WriteBytes(pkShare);
        w.WriteBytes(_options.Signer?.Sign(Id, PublicKeySharePayload(_config, keys.SetupRound, id, Id, pkShare)) ?? []);
        w.WriteVarUInt((ulong)(parties.Count - 1));
        try
        {
            for (int j = 0; j < parties.Count; j++)
            {
                ParticipantId recipient = parties[j];
                if (recipient == Id)
                {
                    keys.Own = shares[j];
                    continue;
                }

                using AeadKey aead = ShareKey(keys.Ephemeral!, partyKeys[recipient], _config, keys.SetupRound, id, Id, recipient)
                    ?? throw Discard(keys, stage, $"the key of '{recipient}' has small order");
                byte[] plaintext = LatticeSerializer.Write(shares[j]);
                w.WriteParticipant(recipient).WriteBytes(aead.Seal(plaintext, ShareAssociatedData(_config, keys.SetupRound, id, Id, recipient)));
                CryptographicOperations.ZeroMemory(plaintext);
                shares[j].Dispose();
            }
        }
        catch
        {
            foreach (ShamirShare s in shares)
            {
                s.Dispose();
            }

            throw;
        }

        round.ExpectedStage = UploadStage;
        return w.ToArray();
    }

    // ---- stage upload ----

    private byte[] Upload(ref WireReader r, ReadOnlySpan<byte> message, RoundState? round, string roundId, string stage)
    {
        ParameterSetId id = ReadId(ref r);
        int length = r.ReadLength("length", RoundSpec.MaxLength);
        FixedPointRequirements requirements = ReadRequirements(ref r);
        byte flag = r.ReadByte("setup-flag");
        if (flag > 1)
        {
            throw r.Fail("setup-flag", $"is {flag}, expected 0 or 1");
        }

        byte[]? publicKey = null;
        List<ParticipantId>? dealers = null;
        // Where each forwarded ciphertext sits in the message (opened in place, not copied).
        Dictionary<ParticipantId, Range>? forwarded = null;
        if (flag == 1)
        {
            // Sizes are fixed by the parameter set, but that is only known after planning: cap by the largest
            // 128-bit set (N = 32768, log Q ≤ 881 → ≤ 3.7 MB per polynomial) and check exactly when opening.
            publicKey = r.ReadBytes("collective-public-key", 4 << 20).ToArray();
            dealers = ReadSortedSites(ref r, _config, "dealers");
            int count = r.ReadLength("forwarded-shares", _config.Sites.Count);
            forwarded = new Dictionary<ParticipantId, Range>(count);
            for (int i = 0; i < count; i++)
            {
                ParticipantId dealer = r.ReadParticipant("dealer");
                int ctLength = r.ReadBytes("share-ciphertext", 4 << 20).Length;
                if (!forwarded.TryAdd(dealer, (r.Position - ctLength)..r.Position))
                {
                    throw Refuse(stage, $"two shares forwarded from '{dealer}'");
                }
            }
        }

        r.EnsureEnd();
        if (round is null)
        {
            round = BeginRound(roundId, length, requirements, id, stage);
        }
        else if (round.Plan.Length != length || round.Plan.Requirements != requirements)
        {
            throw Refuse(stage, "the round's length or requirements changed between stages");
        }

        CheckId(id, round, stage);
        if (!_keys.TryGetValue(id, out SiteKeys? keys))
        {
            throw Refuse(stage, $"holds no key for parameter set {id} (it took no part in that key setup)");
        }

        if (publicKey is not null)
        {
            if (keys.Complete)
            {
                // The delivery is repeated until acknowledged; the key it carries must be the one already in use.
                if (!publicKey.AsSpan().SequenceEqual(keys.PublicKeyBytes))
                {
                    throw Refuse(stage, "the collective public key differs from the one this site already uses");
                }
            }
            else
            {
                CompleteSetup(keys, round.Plan, publicKey, dealers!, message, forwarded!, stage);
            }
        }
        else if (!keys.Complete)
        {
            throw Refuse(stage, $"the key setup for parameter set {id} is incomplete (no collective key was delivered)");
        }

        LatticeRoundPlan.PreparedInput input = round.Input!;
        string uploadRound = round.RoundId;
        Ciphertext[] cts = round.Plan.Encrypt(keys.Encryptor!, input, c => CommonSeed(_config, uploadRound, id, c));
        input.Clear();
        round.Input = null;

        int size = LatticeSerializer.PolynomialSize(round.Plan.Parameters);
        var w = new WireWriter(128 + cts.Length * (2 * size + 64));
        new MessageHeader(_scheme, round.RoundId, UploadStage).WriteTo(w);
        w.WriteParticipant(Id);
        WriteId(w, id);
        w.WriteVarUInt((ulong)cts.Length);
        for (int c = 0; c < cts.Length; c++)
        {
            // A short last ciphertext travels trimmed to the coefficients that carry values (c0 in coefficient form).
            int used = round.Plan.UsedCoefficients(c);
            if (used < round.Plan.Parameters.N)
            {
                LatticeSerializer.WriteTrimmedTo(w, cts[c], used);
            }
            else
            {
                LatticeSerializer.WriteTo(w, cts[c]);
            }
        }

        round.ExpectedStage = DecryptStage;
        return w.ToArray();
    }

    /// <summary>
    /// Opens the forwarded shares f_i(j) (AES-GCM under the pairwise X25519/HKDF key, associated data binding
    /// session, setup, parameter set, sender and recipient), keeps them per dealer (a key party that never dealt is in no
    /// contributor set, so it needs no stand-in share), and forgets the ephemeral key; the additive secret stays for
    /// encrypting uploads. Any failure discards the setup: this site then takes no part in it.
    /// </summary>
    private void CompleteSetup(SiteKeys keys, LatticeRoundPlan plan, byte[] publicKey, List<ParticipantId> dealers, ReadOnlySpan<byte> message, Dictionary<ParticipantId, Range> forwarded, string stage)
    {
        if (keys.Parties is null || keys.Additive is null || keys.Own is null)
        {
            throw Discard(keys, stage, "a collective key was delivered before this site generated its key share");
        }

        if (!dealers.Contains(Id))
        {
            throw Discard(keys, stage, "this site is not listed among the dealers of the key it is given");
        }

        if (dealers.Count < _config.Threshold)
        {
            throw Discard(keys, stage, $"only {dealers.Count} dealers; the threshold is {_config.Threshold}");
        }

        foreach (ParticipantId d in dealers)
        {
            if (keys.Parties.BinarySearch(d) < 0)
            {
                throw Discard(keys, stage, $"dealer '{d}' did not take part in key generation");
            }

            if (d != Id && !forwarded.ContainsKey(d))
            {
                throw Discard(keys, stage, $"no share was forwarded from dealer '{d}'");
            }
        }

        if (forwarded.Count != dealers.Count - 1 || forwarded.ContainsKey(Id))
        {
            throw Discard(keys, stage, "shares were forwarded from sites that are not dealers");
        }

        RlweParameters p = plan.Parameters;
        var received = new List<ShamirShare>(keys.Parties.Count) { keys.Own };
        keys.Own = null;
        try
        {
            foreach ((ParticipantId dealer, Range range) in forwarded)
            {
                ReadOnlySpan<byte> ct = message[range];
                int dealerPoint = keys.Parties.BinarySearch(dealer) + 1;
                using AeadKey aead = ShareKey(keys.Ephemeral!, keys.PartyKeys![dealer], _config, keys.SetupRound, keys.Id, dealer, Id)
                    ?? throw Discard(keys, stage, $"the key of '{dealer}' has small order");
                byte[] plaintext = new byte[Math.Max(0, ct.Length - AeadKey.TagSize)];
                try
                {
                    if (!aead.TryOpen(ct, ShareAssociatedData(_config, keys.SetupRound, keys.Id, dealer, Id), plaintext))
                    {
                        throw Discard(keys, stage, $"the share from '{dealer}' does not authenticate (tampered or misrouted)");
                    }

                    ShamirShare share;
                    try
                    {
                        share = LatticeSerializer.ReadShamirShare(plaintext, p, $"share from {dealer} to {Id}");
                    }
                    catch (MalformedMessageException e)
                    {
                        throw Discard(keys, stage, $"the share from '{dealer}' is malformed: {e.Message}");
                    }

                    received.Add(share);
                    if (share.Dealer != dealerPoint || share.Recipient != keys.Point)
                    {
                        throw Discard(keys, stage, $"the share from '{dealer}' is addressed from point {share.Dealer} to {share.Recipient}, expected {dealerPoint} to {keys.Point}");
                    }
                }
                finally
                {
                    CryptographicOperations.ZeroMemory(plaintext);
                }
            }

            // A key party that never dealt contributes nothing: its s_i is in no upload's key, so no decryption ever
            // names it among the dealers U (shares are kept per dealer; see DealerShareSet).
            PublicKey pk;
            try
            {
                pk = LatticeSerializer.ReadPublicKey(publicKey, p, "collective public key");
            }
            catch (MalformedMessageException e)
            {
                throw Discard(keys, stage, $"the collective public key is malformed: {e.Message}");
            }

            _ = pk; // validated; uploads are encrypted under this site's additive share (shared-seed c1), not under pk
            keys.Shares = new DealerShareSet(p, _config.Threshold, keys.Parties.Count, keys.Point, received);
            received.Clear(); // ownership moved to the set
            keys.Holders = dealers;
            keys.PublicKeyBytes = publicKey;
            keys.Encryptor = new Encryptor(p, keys.Additive.Secret);
            keys.ForgetSetupSecrets();
        }
        finally
        {
            foreach (ShamirShare s in received)
            {
                s.Dispose();
            }
        }
    }

    // ---- stage decrypt ----

    private byte[] Decrypt(ref WireReader r, RoundState round, string stage)
    {
        // Recorded before anything else: whatever happens below, this round gets no second set of shares.
        _decryptedRounds.Add(round.RoundId);
        ParameterSetId id = ReadId(ref r);
        CheckId(id, round, stage);
        List<ParticipantId> active = ReadSortedSites(ref r, _config, "active");
        List<ParticipantId> contributors = ReadSortedSites(ref r, _config, "contributors");
        int count = r.ReadLength("ciphertexts", round.Plan.Ciphertexts);
        if (count != round.Plan.Ciphertexts)
        {
            throw Refuse(stage, $"{count} aggregate ciphertexts, the round has {round.Plan.Ciphertexts}");
        }

        RlweParameters p = round.Plan.Parameters;
        var cts = new Ciphertext[count];
        for (int c = 0; c < count; c++)
        {
            cts[c] = LatticeSerializer.ReadCiphertext(ref r, p);
        }

        r.EnsureEnd();
        for (int c = 0; c < count; c++)
        {
            if (!cts[c].IsSeeded || !cts[c].C1Seed.SequenceEqual(CommonSeed(_config, round.RoundId, id, c)))
            {
                throw Refuse(stage, $"aggregate ciphertext {c} does not carry this round's shared c1");
            }
        }

        SiteKeys keys = _keys.TryGetValue(id, out SiteKeys? k) && k.Complete
            ? k
            : throw Refuse(stage, $"holds no threshold key for parameter set {id}");
        if (active.Count < _config.Threshold)
        {
            throw Refuse(stage, $"only {active.Count} active decryptors are listed; the threshold is {_config.Threshold}");
        }

        if (active.BinarySearch(Id) < 0)
        {
            throw Refuse(stage, "this site is not in the active set it is asked to decrypt for");
        }

        var points = new int[active.Count];
        for (int i = 0; i < active.Count; i++)
        {
            if (keys.Holders!.BinarySearch(active[i]) < 0)
            {
                throw Refuse(stage, $"'{active[i]}' holds no share of this key");
            }

            points[i] = keys.Parties!.BinarySearch(active[i]) + 1;
        }

        // The aggregate is under s_U, U = the contributors: every contributor must hold a share of this key, and at
        // least t of them must be summed (the server learns only sums of ≥ t sites).
        if (contributors.Count < _config.Threshold)
        {
            throw Refuse(stage, $"only {contributors.Count} contributors are listed; the threshold is {_config.Threshold}");
        }

        var dealerPoints = new int[contributors.Count];
        for (int i = 0; i < contributors.Count; i++)
        {
            if (keys.Holders!.BinarySearch(contributors[i]) < 0)
            {
                throw Refuse(stage, $"contributor '{contributors[i]}' holds no share of this key");
            }

            dealerPoints[i] = keys.Parties!.BinarySearch(contributors[i]) + 1;
        }

        using ThresholdKeyShare share = keys.Shares!.ForDealers(dealerPoints);
        var dec = new CollectiveDecryptionProtocol(p, round.Plan.SmudgingBits);
        var w = new WireWriter(128 + count * (LatticeSerializer.PolynomialSize(p) + 96));
        new MessageHeader(_scheme, round.RoundId, DecryptStage).WriteTo(w);
        w.WriteParticipant(Id);
        WriteId(w, id);
        w.WriteVarUInt((ulong)count);
        foreach (Ciphertext ct in cts)
        {
            w.WriteBytes(LatticeSerializer.Write(dec.GenerateShare(share, points, ct)));
        }

        EndRound();
        return w.ToArray();
    }

    // ---- helpers ----

    private RoundState BeginRound(string roundId, int length, FixedPointRequirements requirements, ParameterSetId id, string stage)
    {
        if (!_usedRounds.Add(roundId))
        {
            throw Refuse(stage, $"already took part in round {roundId} (replayed request)");
        }

        EndRound();
        LatticeRoundPlan plan;
        try
        {
            plan = LatticeRoundPlan.For(_kind, length, requirements);
        }
        catch (ArgumentException e)
        {
            throw Refuse(stage, $"the round's requirements cannot be planned: {e.Message}");
        }

        if (plan.Requirements.Sites < _config.Sites.Count)
        {
            throw Refuse(stage, $"the plan covers {plan.Requirements.Sites} sites but the session has {_config.Sites.Count}; the noise bound would not hold");
        }

        if (plan.Id != id)
        {
            throw Refuse(stage, $"parameter set {id} is not the one planned from the round's public inputs ({plan.Id})");
        }

        if (!_inputs.Remove(roundId, out var input))
        {
            throw Refuse(stage, $"has no input for round {roundId}");
        }

        if (input.Values.Length != length)
        {
            throw Refuse(stage, $"has {input.Values.Length} values, the round expects {length}");
        }

        LatticeRoundPlan.PreparedInput prepared;
        try
        {
            prepared = plan.Prepare(input.Values, input.Weight);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new InvalidOperationException($"{Id}: input for round {roundId} does not fit the plan ({e.Message})", e);
        }

        var round = new RoundState(roundId, plan, prepared);
        _round = round;
        return round;
    }

    private SiteKeys PendingKeys(ParameterSetId id, RoundState round, string stage) =>
        _keys.TryGetValue(id, out SiteKeys? keys) && !keys.Complete && keys.SetupRound == round.RoundId
            ? keys
            : throw Refuse(stage, $"has no key setup under way for parameter set {id} in round {round.RoundId}");

    private void CheckId(ParameterSetId id, RoundState round, string stage)
    {
        if (id != round.Plan.Id)
        {
            throw Refuse(stage, $"parameter set {id} is not this round's ({round.Plan.Id})");
        }
    }

    /// <summary>Drops a setup that cannot complete (its secrets are wiped) and returns the refusal to throw.</summary>
    private ProtocolViolationException Discard(SiteKeys keys, string stage, string reason)
    {
        if (_keys.TryGetValue(keys.Id, out SiteKeys? current) && ReferenceEquals(current, keys))
        {
            _keys.Remove(keys.Id);
        }

        keys.Dispose();
        return Refuse(stage, reason);
    }

    private ProtocolViolationException Refuse(string stage, string reason) =>
        new(null, stage, $"{Id} refused the server's message: {reason}");

    private void EndRound()
    {
        _round?.Input?.Clear();
        _round = null;
    }

    private sealed class RoundState
    {
        public RoundState(string roundId, LatticeRoundPlan plan, LatticeRoundPlan.PreparedInput input)
        {
            RoundId = roundId;
            Plan = plan;
            Input = input;
        }

        public string RoundId { get; }

        public LatticeRoundPlan Plan { get; }

        public LatticeRoundPlan.PreparedInput? Input { get; set; }

        public byte ExpectedStage { get; set; } = UploadStage;
    }

    /// <summary>A site's keys for one parameter set. Secrets are wiped on dispose; nothing secret is printed.</summary>
    private sealed class SiteKeys : IDisposable
    {
        public SiteKeys(ParameterSetId id, string setupRound)
        {
            Id = id;
            SetupRound = setupRound;
        }

        public ParameterSetId Id { get; }

        public string SetupRound { get; }

        /// <summary>Fresh per setup; only for the share channel.</summary>
        public X25519PrivateKey? Ephemeral { get; private set; } = X25519PrivateKey.Generate();

        /// <summary>The key parties in ascending order; a party's position + 1 is its Shamir point.</summary>
        public List<ParticipantId>? Parties { get; set; }

        public Dictionary<ParticipantId, X25519PublicKey>? PartyKeys { get; set; }

        public int Point { get; set; }

        public AdditiveKeyShare? Additive { get; set; }

        public ShamirShare? Own { get; set; }

        /// <summary>The dealers, i.e. the parties that hold threshold shares of the collective key.</summary>
        public List<ParticipantId>? Holders { get; set; }

        /// <summary>The Shamir shares this site received, per dealer (decryption under the contributors' key).</summary>
        public DealerShareSet? Shares { get; set; }

        public byte[]? PublicKeyBytes { get; set; }

        public Encryptor? Encryptor { get; set; }

        public bool Complete => Shares is not null;

        /// <summary>Forgets the share-channel key and the own share; the additive secret stays (it encrypts uploads).</summary>
        public void ForgetSetupSecrets()
        {
            Ephemeral?.Dispose();
            Ephemeral = null;
            Own?.Dispose();
            Own = null;
        }

        public void Dispose()
        {
            ForgetSetupSecrets();
            Additive?.Dispose();
            Additive = null;
            Shares?.Dispose();
            Shares = null;
            Encryptor = null;
        }

        public override string ToString() => $"SiteKeys({Id}, {(Complete ? "threshold share" : "setup under way")})";
    }
}
