using System.Numerics;
using FedScore.Secure.Crypto.Paillier;
using FedScore.Secure.Wire;
using static FedScore.Secure.Aggregation.Paillier.PaillierProtocol;

namespace FedScore.Secure.Aggregation.Paillier;

/// <summary>
/// The decryptor role: owns the private key (generated on first use), publishes the public key, and decrypts exactly
/// one aggregate per round, only when the server claims at least the session threshold of contributors. It learns
/// the released sum, nothing else, as long as the server forwards only aggregates (the honest-but-curious model).
/// </summary>
internal sealed class PaillierDecryptorParticipant : IAggregationParticipant
{
    private readonly SessionConfig _config;
    private readonly int _modulusBits;
    private readonly int? _randomnessBits;
    private readonly PaillierKeyPolicy _policy;
    private readonly HashSet<string> _decryptedRounds = new(StringComparer.Ordinal);
    private readonly object _lock = new();
    private PaillierKeyPair? _keys;
    private bool _disposed;

    public PaillierDecryptorParticipant(SessionConfig config, int modulusBits, int? randomnessBits, PaillierKeyPolicy policy)
    {
        _config = config;
        _modulusBits = modulusBits;
        _randomnessBits = randomnessBits;
        _policy = policy;
    }

    public ParticipantId Id => PaillierAggregationScheme.Decryptor;

    public void SetInput(string roundId, ReadOnlyMemory<double> values, double weight = 1) =>
        throw new InvalidOperationException("the Paillier decryptor has no input of its own");

    public byte[] Handle(ReadOnlySpan<byte> message)
    {
        var r = new WireReader(message, $"paillier request to {Id}");
        MessageHeader h = MessageHeader.Read(ref r, PaillierAggregationScheme.SchemeName);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return h.Stage switch
            {
                KeyStage => HandleKeyRequest(h, ref r),
                DecryptStage => HandleDecryptRequest(h, ref r),
                _ => throw new ProtocolViolationException(null, StageName(h.Stage), $"{Id} only answers stages key and decrypt"),
            };
        }
    }

    private byte[] HandleKeyRequest(MessageHeader h, ref WireReader r)
    {
        r.EnsureEnd();
        _keys ??= PaillierKeyPair.Generate(_modulusBits, _randomnessBits, _policy);
        var w = new WireWriter(64 + 2 * _keys.PublicKey.CiphertextBytes);
        new MessageHeader(PaillierAggregationScheme.SchemeName, h.RoundId, KeyStage).WriteTo(w);
        _keys.PublicKey.WriteTo(w);
        return w.ToArray();
    }

    private byte[] HandleDecryptRequest(MessageHeader h, ref WireReader r)
    {
        PaillierKeyPair keys = _keys ?? throw new ProtocolViolationException(null, "decrypt", $"{Id} has not published a key yet");
        int contributors = r.ReadLength("contributors", _config.Sites.Count);
        if (contributors < _config.Threshold)
        {
            throw new ProtocolViolationException(null, "decrypt", $"{Id} refuses to decrypt an aggregate of {contributors} sites, below the threshold {_config.Threshold}");
        }

        PaillierCiphertext[] ciphertexts = PaillierWire.ReadCiphertexts(ref r, keys.PublicKey, 1, RoundSpec.MaxLength);
        r.EnsureEnd();

        // One aggregate per round: a second request (replayed, or a site's own vector sent to be opened) is refused.
        if (!_decryptedRounds.Add(h.RoundId))
        {
            throw new ProtocolViolationException(null, "decrypt", $"{Id} already decrypted the aggregate of round {h.RoundId}; a second decryption request is refused");
        }

        var plaintexts = new BigInteger[ciphertexts.Length];
        for (int i = 0; i < ciphertexts.Length; i++)
        {
            plaintexts[i] = keys.PrivateKey.Decrypt(ciphertexts[i]);
        }

        var w = new WireWriter(64 + plaintexts.Length * keys.PublicKey.PlaintextBytes);
        new MessageHeader(PaillierAggregationScheme.SchemeName, h.RoundId, DecryptStage).WriteTo(w);
        PaillierWire.WritePlaintexts(w, keys.PublicKey, plaintexts);
        return w.ToArray();
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _keys?.Dispose();
            _keys = null;
        }
    }
}
