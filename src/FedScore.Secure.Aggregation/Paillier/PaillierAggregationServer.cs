using FedScore.Secure.Crypto.Paillier;
using FedScore.Secure.FixedPoint;
using FedScore.Secure.Wire;
using static FedScore.Secure.Aggregation.Paillier.PaillierProtocol;

namespace FedScore.Secure.Aggregation.Paillier;

/// <summary>
/// The aggregator: holds the decryptor's public key only (no type reachable from here holds a private key), folds
/// ciphertexts as they arrive (memory: one ciphertext per packed plaintext), asks for exactly one decryption per
/// round, and decodes the packed sums.
/// </summary>
internal sealed class PaillierAggregationServer : IAggregationServer
{
    private enum Phase
    {
        Idle,
        Key,
        Upload,
        Decrypt,
        Done,
    }

    private readonly SessionConfig _config;
    private readonly PaillierKeyPolicy _policy;
    private readonly HashSet<string> _usedRounds = new(StringComparer.Ordinal);
    private readonly List<ParticipantId> _contributors = [];
    private readonly HashSet<ParticipantId> _contributorSet = [];
    private readonly List<string> _violations = [];
    private PaillierPublicKey? _publicKey;
    private Phase _phase;
    private RoundSpec? _spec;
    private FixedPointRequirements? _requirements;
    private FixedPointPlan? _plan;
    private PaillierSlotLayout? _layout;
    private PaillierAccumulator? _accumulator;
    private int _ciphertextCount;
    private int _foldedAtDecryption;
    private double[]? _decoded;

    public PaillierAggregationServer(SessionConfig config, PaillierKeyPolicy policy)
    {
        _config = config;
        _policy = policy;
    }

    public AggregationResult? Result { get; private set; }

    /// <summary>Number of site vectors folded into the current aggregate (k: the server removes k·M per slot).</summary>
    internal int ContributorCount => _contributors.Count;

    internal PaillierPublicKey? PublicKey => _publicKey;

    public ServerOutbox BeginRound(RoundSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (_phase is Phase.Key or Phase.Upload or Phase.Decrypt)
        {
            throw new InvalidOperationException($"round {_spec!.RoundId} is still running");
        }

        if (_usedRounds.Contains(spec.RoundId))
        {
            throw new InvalidOperationException($"round id {spec.RoundId} was already used in this session");
        }

        // A slot is as wide as the plan needs (up to 126 bits), not a 64-bit word: tell the planner so.
        FixedPointRequirements requirements = spec.Requirements with { MaxModulusBits = PaillierSlotLayout.MaxSlotBits };
        FixedPointPlan plan = FixedPointPlanner.Plan(requirements);
        if (plan.Sites < _config.Sites.Count)
        {
            throw new ArgumentException(
                $"the fixed-point plan is for {plan.Sites} sites but the session has {_config.Sites.Count}; sums could overflow",
                nameof(spec));
        }

        _usedRounds.Add(spec.RoundId);
        _spec = spec;
        _requirements = requirements;
        _plan = plan;
        _layout = null;
        _accumulator = null;
        _decoded = null;
        _contributors.Clear();
        _contributorSet.Clear();
        _violations.Clear();
        Result = null;

        if (_publicKey is null)
        {
            _phase = Phase.Key;
            var w = new WireWriter(64);
            new MessageHeader(PaillierAggregationScheme.SchemeName, spec.RoundId, KeyStage).WriteTo(w);
            return new ServerOutbox(StageName(KeyStage), new Dictionary<ParticipantId, byte[]> { [PaillierAggregationScheme.Decryptor] = w.ToArray() });
        }

        return StartUpload();
    }

    public void Receive(ParticipantId from, ReadOnlySpan<byte> reply)
    {
        RoundSpec spec = _spec ?? throw new InvalidOperationException("no round is running");
        byte stage = _phase switch
        {
            Phase.Key => KeyStage,
            Phase.Upload => UploadStage,
            Phase.Decrypt => DecryptStage,
            _ => throw new ProtocolViolationException(from, "done", $"round {spec.RoundId} expects no message now"),
        };
        string stageName = StageName(stage);
        try
        {
            var r = new WireReader(reply, $"paillier {stageName} reply from {from}");
            MessageHeader h = MessageHeader.Read(ref r, PaillierAggregationScheme.SchemeName);
            if (h.RoundId != spec.RoundId || h.Stage != stage)
            {
                throw new ProtocolViolationException(from, stageName, $"message is for round {h.RoundId} stage {StageName(h.Stage)} (replayed or misrouted)");
            }

            switch (_phase)
            {
                case Phase.Key:
                    ReceiveKey(from, ref r);
                    break;
                case Phase.Upload:
                    ReceiveUpload(from, ref r);
                    break;
                default:
                    ReceivePlaintexts(from, ref r);
                    break;
            }
        }
        catch (MalformedMessageException e)
        {
            _violations.Add($"{from} at stage {stageName}: {e.Message}");
            throw new ProtocolViolationException(from, stageName, e.Message, e);
        }
        catch (ProtocolViolationException e)
        {
            _violations.Add(e.Message);
            throw;
        }
    }

    public ServerOutbox EndStage()
    {
        RoundSpec spec = _spec ?? throw new InvalidOperationException("no round is running");
        switch (_phase)
        {
            case Phase.Key:
                if (_publicKey is null)
                {
                    Fail();
                    throw new AggregationFailedException(
                        $"round {spec.RoundId}: the decryptor did not send its public key; no site input was requested",
                        [PaillierAggregationScheme.Decryptor]);
                }

                return StartUpload();

            case Phase.Upload:
                List<ParticipantId> dropped = Dropped();
                if (_contributors.Count < _config.Threshold)
                {
                    Fail();
                    throw new AggregationFailedException(
                        $"round {spec.RoundId}: only {_contributors.Count} of {_config.Sites.Count} sites uploaded, threshold is {_config.Threshold}; " +
                        $"missing: {string.Join(", ", dropped)}; nothing was sent for decryption",
                        dropped);
                }

                _phase = Phase.Decrypt;
                _foldedAtDecryption = _contributors.Count;
                PaillierCiphertext[] aggregate = _accumulator!.ToCiphertexts();
                var w = new WireWriter(64 + aggregate.Length * _publicKey!.CiphertextBytes);
                new MessageHeader(PaillierAggregationScheme.SchemeName, spec.RoundId, DecryptStage).WriteTo(w);
                w.WriteVarUInt((ulong)_foldedAtDecryption);
                PaillierWire.WriteCiphertexts(w, _publicKey, aggregate);
                _accumulator = null;
                return new ServerOutbox(StageName(DecryptStage), new Dictionary<ParticipantId, byte[]> { [PaillierAggregationScheme.Decryptor] = w.ToArray() });

            case Phase.Decrypt:
                if (_decoded is null)
                {
                    Fail();
                    throw new AggregationFailedException(
                        $"round {spec.RoundId}: the decryptor did not return the decrypted aggregate",
                        [PaillierAggregationScheme.Decryptor]);
                }

                _phase = Phase.Done;
                Result = new AggregationResult(spec.RoundId, _decoded, _contributors.Order().ToArray(), Dropped(), _plan!.ErrorBound)
                {
                    Violations = _violations.ToArray(),
                };
                return ServerOutbox.Completed("done");

            case Phase.Done:
                return ServerOutbox.Completed("done");

            default:
                throw new InvalidOperationException($"round {spec.RoundId} is not running (it failed or was never started)");
        }
    }

    private ServerOutbox StartUpload()
    {
        RoundSpec spec = _spec!;
        PaillierPublicKey pk = _publicKey!;
        _layout = new PaillierSlotLayout(_plan!, pk.ModulusBits);
        _ciphertextCount = _layout.PlaintextCount(spec.Length);
        _accumulator = new PaillierAccumulator(pk, _ciphertextCount);
        _phase = Phase.Upload;

        var w = new WireWriter(256 + 3 * pk.CiphertextBytes);
        new MessageHeader(PaillierAggregationScheme.SchemeName, spec.RoundId, UploadStage).WriteTo(w);
        pk.WriteTo(w);
        w.WriteVarUInt((ulong)spec.Length);
        WriteRequirements(w, _requirements!);
        byte[] request = w.ToArray();
        return new ServerOutbox(StageName(UploadStage), _config.Sites.ToDictionary(s => s, _ => request));
    }

    private void ReceiveKey(ParticipantId from, ref WireReader r)
    {
        if (from != PaillierAggregationScheme.Decryptor)
        {
            throw new ProtocolViolationException(from, "key", "only the decryptor supplies the public key");
        }

        if (_publicKey is not null)
        {
            throw new ProtocolViolationException(from, "key", "sent a second public key");
        }

        PaillierPublicKey pk = PaillierPublicKey.ReadFrom(ref r, _policy);
        r.EnsureEnd();
        // Check now that the key can carry this round's slots, so a useless key is refused rather than cached.
        _ = new PaillierSlotLayout(_plan!, pk.ModulusBits);
        _publicKey = pk;
    }

    private void ReceiveUpload(ParticipantId from, ref WireReader r)
    {
        if (_config.IndexOf(from) == 0)
        {
            throw new ProtocolViolationException(from, "upload", "is not a site of this session");
        }

        if (_contributorSet.Contains(from))
        {
            throw new ProtocolViolationException(from, "upload", "sent a second upload in the same round (replay)");
        }

        // The sender named inside the message catches misrouted or cross-site replayed uploads; it is not an
        // authentication (that is the transport's job: a forger can write any name here).
        ParticipantId sender = r.ReadParticipant("sender");
        if (sender != from)
        {
            throw new ProtocolViolationException(from, "upload", $"carries the upload of {sender} (misrouted or replayed)");
        }

        // Validate the whole vector (count, range, units) before folding anything in.
        PaillierCiphertext[] ciphertexts = PaillierWire.ReadCiphertexts(ref r, _publicKey!, _ciphertextCount);
        r.EnsureEnd();
        _accumulator!.Add(ciphertexts);
        _contributorSet.Add(from);
        _contributors.Add(from);
    }

    private void ReceivePlaintexts(ParticipantId from, ref WireReader r)
    {
        if (from != PaillierAggregationScheme.Decryptor)
        {
            throw new ProtocolViolationException(from, "decrypt", "only the decryptor returns the decrypted aggregate");
        }

        if (_decoded is not null)
        {
            throw new ProtocolViolationException(from, "decrypt", "sent a second decryption");
        }

        System.Numerics.BigInteger[] plaintexts = PaillierWire.ReadPlaintexts(ref r, _publicKey!, _ciphertextCount);
        r.EnsureEnd();

        PaillierSlotLayout layout = _layout!;
        int length = _spec!.Length;
        int k = _foldedAtDecryption;
        UInt128 maxSlot = (UInt128)layout.Offset * 2 * (UInt128)(uint)k;
        Int128 offsets = (Int128)((UInt128)layout.Offset * (UInt128)(uint)k);
        double inverseScale = 1.0 / _plan!.Scale;
        var decoded = new double[length];
        Span<UInt128> slots = stackalloc UInt128[layout.SlotsPerPlaintext];
        for (int c = 0; c < plaintexts.Length; c++)
        {
            int start = c * layout.SlotsPerPlaintext;
            int count = Math.Min(layout.SlotsPerPlaintext, length - start);
            layout.Unpack(plaintexts[c], slots[..count]);
            for (int j = 0; j < count; j++)
            {
                if (slots[j] > maxSlot)
                {
                    throw new ProtocolViolationException(from, "decrypt", $"slot {start + j} exceeds what {k} contributions can sum to");
                }

                decoded[start + j] = (double)((Int128)slots[j] - offsets) * inverseScale;
            }
        }

        _decoded = decoded;
    }

    private List<ParticipantId> Dropped() => _config.Sites.Where(s => !_contributorSet.Contains(s)).ToList();

    private void Fail()
    {
        _phase = Phase.Idle;
        _accumulator = null;
    }
}
