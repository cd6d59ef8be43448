using System.Numerics;
using System.Security.Cryptography;
using FedScore.Secure.Crypto.Paillier;
using FedScore.Secure.FixedPoint;
using FedScore.Secure.Wire;
using static FedScore.Secure.Aggregation.Paillier.PaillierProtocol;

namespace FedScore.Secure.Aggregation.Paillier;

/// <summary>
/// A site: encodes w·x in fixed point (the weight multiplies inside the encoding and is never sent), shifts every
/// value by the offset M, packs the slots and encrypts each packed plaintext under the decryptor's key.
/// </summary>
internal sealed class PaillierSiteParticipant : IAggregationParticipant
{
    private readonly SessionConfig _config;
    private readonly PaillierKeyPolicy _policy;
    private readonly Dictionary<string, (ReadOnlyMemory<double> Values, double Weight)> _inputs = new(StringComparer.Ordinal);
    private readonly HashSet<string> _answered = new(StringComparer.Ordinal);
    private readonly object _lock = new();
    private PaillierPublicKey? _pinnedKey;

    public PaillierSiteParticipant(ParticipantId id, SessionConfig config, PaillierKeyPolicy policy)
    {
        Id = id;
        _config = config;
        _policy = policy;
    }

    public ParticipantId Id { get; }

    public void SetInput(string roundId, ReadOnlyMemory<double> values, double weight = 1)
    {
        if (!double.IsFinite(weight) || weight < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(weight), "weight must be finite and non-negative");
        }

        lock (_lock)
        {
            _inputs[roundId] = (values, weight);
        }
    }

    public byte[] Handle(ReadOnlySpan<byte> message)
    {
        var r = new WireReader(message, $"paillier request to {Id}");
        MessageHeader h = MessageHeader.Read(ref r, PaillierAggregationScheme.SchemeName);
        if (h.Stage != UploadStage)
        {
            throw new ProtocolViolationException(null, StageName(h.Stage), $"{Id} is a site and only answers stage upload");
        }

        PaillierPublicKey offered = PaillierPublicKey.ReadFrom(ref r, _policy);
        int length = r.ReadLength("length", RoundSpec.MaxLength);
        FixedPointRequirements requirements = ReadRequirements(ref r);
        r.EnsureEnd();

        PaillierPublicKey key;
        (ReadOnlyMemory<double> Values, double Weight) input;
        lock (_lock)
        {
            // Trust on first use: the key of the first round is kept, and a different key later is refused, so a
            // server cannot switch sites to a key it owns in the middle of a session.
            if (_pinnedKey is not null && !_pinnedKey.Equals(offered))
            {
                throw new ProtocolViolationException(null, "upload", $"{Id}: the decryptor's key changed from {_pinnedKey.Fingerprint} to {offered.Fingerprint}; refusing to encrypt");
            }

            key = _pinnedKey ??= offered;
            if (!_answered.Add(h.RoundId))
            {
                throw new ProtocolViolationException(null, "upload", $"{Id} already answered round {h.RoundId} (replayed request)");
            }

            if (!_inputs.Remove(h.RoundId, out input))
            {
                throw new ProtocolViolationException(null, "upload", $"{Id} has no input for round {h.RoundId}");
            }
        }

        if (input.Values.Length != length)
        {
            throw new ProtocolViolationException(null, "upload", $"{Id} has {input.Values.Length} values, the round expects {length}");
        }

        FixedPointPlan plan;
        PaillierSlotLayout layout;
        try
        {
            plan = FixedPointPlanner.Plan(requirements);
            layout = new PaillierSlotLayout(plan, key.ModulusBits);
        }
        catch (ArgumentException e)
        {
            throw new ProtocolViolationException(null, "upload", $"{Id} cannot use the round's fixed-point plan: {e.Message}", e);
        }

        if (plan.Sites < _config.Sites.Count)
        {
            throw new ProtocolViolationException(null, "upload", $"{Id}: the plan is for {plan.Sites} sites but the session has {_config.Sites.Count}; sums could overflow");
        }

        PaillierCiphertext[] ciphertexts = Encrypt(key, layout, input.Values.Span, input.Weight);
        var w = new WireWriter(64 + ciphertexts.Length * key.CiphertextBytes);
        new MessageHeader(PaillierAggregationScheme.SchemeName, h.RoundId, UploadStage).WriteTo(w);
        w.WriteParticipant(Id);
        PaillierWire.WriteCiphertexts(w, key, ciphertexts);
        return w.ToArray();
    }

    private PaillierCiphertext[] Encrypt(PaillierPublicKey key, PaillierSlotLayout layout, ReadOnlySpan<double> values, double weight)
    {
        var codec = new FixedPointCodec(layout.Plan);
        ulong[] encoded = new ulong[values.Length];
        try
        {
            try
            {
                codec.Encode(values, weight, encoded);
            }
            catch (ArgumentOutOfRangeException e)
            {
                // The site's own input breaks the declared bounds: it does not take part (and says why, locally).
                throw new InvalidOperationException($"{Id}: input does not fit the round's fixed-point plan: {e.Message}", e);
            }

            for (int i = 0; i < encoded.Length; i++)
            {
                encoded[i] = layout.Shift(encoded[i]);
            }

            int slots = layout.SlotsPerPlaintext;
            var ciphertexts = new PaillierCiphertext[layout.PlaintextCount(values.Length)];
            for (int c = 0; c < ciphertexts.Length; c++)
            {
                int start = c * slots;
                BigInteger packed = layout.Pack(encoded.AsSpan(start, Math.Min(slots, encoded.Length - start)));
                ciphertexts[c] = key.Encrypt(packed);
            }

            return ciphertexts;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(encoded.AsSpan()));
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _inputs.Clear();
        }
    }
}
