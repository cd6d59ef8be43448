using System.Runtime.InteropServices;
using System.Security.Cryptography;
using FedScore.Secure.Crypto.Lattice.Ring;
using FedScore.Secure.Crypto.Lattice.Rlwe;

namespace FedScore.Secure.Crypto.Lattice.Multiparty;

/// <summary>
/// Refuses a second decryption share for the same ciphertext. A share is s_i·c1 + smudging and depends on the
/// ciphertext only through c1, so c1 (with the parameter-set id) is what is hashed: a request that changes c0 but
/// keeps c1 is the same request. Retries would let an adversary average smudging noise away and recover the key
/// (Lattigo SECURITY.md, "On the insecurity of retries"; Mouchet et al. PETS 2021 §5).
/// </summary>
internal sealed class ShareLedger
{
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);
    private readonly object _gate = new();

    public static byte[] CiphertextId(Ciphertext ct)
    {
        using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> id = stackalloc byte[ParameterSetId.Size];
        ct.Parameters.Id.WriteTo(id);
        h.AppendData("FedScore.Secure.Lattice.DecShare/v1"u8);
        h.AppendData(id);
        h.AppendData(MemoryMarshal.AsBytes(ct.C1.AsSpan()));
        return h.GetHashAndReset();
    }

    public void Claim(byte[] ciphertextId, string who)
    {
        string key = Convert.ToHexString(ciphertextId);
        lock (_gate)
        {
            if (!_used.Add(key))
            {
                throw new ProtocolViolationException(null, "decryption-share",
                    $"{who} already produced a decryption share for ciphertext {key[..16]}…; a second share for the same " +
                    "ciphertext would leak the secret key, so it is refused");
            }
        }
    }
}

/// <summary>
/// A party's additive share s_i of the collective secret s = Σ s_i (N-of-N decryption). Owns its secret and wipes it
/// on dispose; produces at most one decryption share per ciphertext.
/// </summary>
public sealed class AdditiveKeyShare : IDisposable
{
    internal AdditiveKeyShare(SecretKey secret)
    {
        Secret = secret;
    }

    /// <summary>Takes ownership of a party's freshly generated secret (from <see cref="KeyGenerator.CreateSecretKey"/>).</summary>
    public static AdditiveKeyShare FromSecretKey(SecretKey secret) => new(secret ?? throw new ArgumentNullException(nameof(secret)));

    /// <summary>The party's secret, for <see cref="CollectivePublicKeyProtocol.GenerateShare"/> and <see cref="ShamirKeySharing.Split"/>.</summary>
    public SecretKey Secret { get; }

    public RlweParameters Parameters => Secret.Parameters;

    internal ShareLedger Ledger { get; } = new();

    public void Dispose() => Secret.Dispose();

    public override string ToString() => "AdditiveKeyShare";
}

/// <summary>
/// A party's Shamir share s'_j = f(j) of the collective secret s (t-of-n), f of degree t − 1 over each RNS prime
/// with f(0) = s. Kept in NTT form (sharing commutes with the NTT, which is linear). Wiped on dispose.
/// </summary>
public sealed class ThresholdKeyShare : IDisposable
{
    private readonly RnsPolynomial _value;
    private bool _disposed;

    internal ThresholdKeyShare(RlweParameters parameters, int point, int threshold, int parties, RnsPolynomial value, ShareLedger? ledger = null)
    {
        Parameters = parameters;
        Point = point;
        Threshold = threshold;
        Parties = parties;
        _value = value;
        Ledger = ledger ?? new ShareLedger();
    }

    public RlweParameters Parameters { get; }

    /// <summary>The party's evaluation point j ∈ [1, n] (SessionConfig.IndexOf gives it).</summary>
    public int Point { get; }

    public int Threshold { get; }

    public int Parties { get; }

    internal ShareLedger Ledger { get; }

    internal RnsPolynomial Value
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _value;
        }
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _value.Clear();
        }
    }

    public override string ToString() => $"ThresholdKeyShare(point={Point}, {Threshold}-of-{Parties})";
}

/// <summary>
/// One dealer's Shamir share f_i(j) of its secret s_i, addressed to party j. SECRET: send it only over an
/// authenticated, encrypted channel to party j; wiped on dispose.
/// </summary>
public sealed class ShamirShare : IDisposable
{
    private bool _disposed;

    internal ShamirShare(RlweParameters parameters, int dealer, int recipient, RnsPolynomial value)
    {
        Parameters = parameters;
        Dealer = dealer;
        Recipient = recipient;
        Value = value;
    }

    public RlweParameters Parameters { get; }

    public int Dealer { get; }

    public int Recipient { get; }

    internal RnsPolynomial Value { get; }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            Value.Clear();
        }
    }

    public override string ToString() => $"ShamirShare({Dealer}→{Recipient})";
}
