using System.Security.Cryptography;

namespace FedScore.Secure.Crypto.Primitives;

/// <summary>
/// An AES-256-GCM key (NIST SP 800-38D) with its nonce, derived by HKDF for exactly one message direction.
/// </summary>
/// <remarks>
/// Parameters: 256-bit key, 96-bit nonce, 128-bit tag (SP 800-38D §5.2.1.1, §5.2.1.2). Each key is derived from a
/// fresh per-round key agreement together with its nonce, and seals one message, so a (key, nonce) pair is never
/// reused — the one property GCM's security rests on.
/// </remarks>
public sealed class AeadKey : IDisposable
{
    public const int KeySize = 32;
    public const int NonceSize = 12;
    public const int TagSize = 16;

    private readonly byte[] _keyAndNonce = new byte[KeySize + NonceSize];
    private readonly AesGcm _gcm;

    private AeadKey(ReadOnlySpan<byte> keyAndNonce)
    {
        keyAndNonce.CopyTo(_keyAndNonce);
        _gcm = new AesGcm(_keyAndNonce.AsSpan(0, KeySize), TagSize);
    }

    /// <summary>Derives key and nonce with HKDF-SHA256 from a key agreement.</summary>
    public static AeadKey Derive(SharedSecret secret, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> info)
    {
        Span<byte> okm = stackalloc byte[KeySize + NonceSize];
        try
        {
            HkdfSha256.DeriveKey(secret, salt, info, okm);
            return new AeadKey(okm);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(okm);
        }
    }

    /// <summary>Test hook: a key from explicit bytes (key ‖ nonce).</summary>
    public static AeadKey Import(ReadOnlySpan<byte> keyAndNonce)
    {
        if (keyAndNonce.Length != KeySize + NonceSize)
        {
            throw new ArgumentException($"expected {KeySize + NonceSize} bytes of key and nonce", nameof(keyAndNonce));
        }

        return new AeadKey(keyAndNonce);
    }

    /// <summary>Ciphertext length for a plaintext of <paramref name="plaintextLength"/> bytes.</summary>
    public static int SealedLength(int plaintextLength) => plaintextLength + TagSize;

    /// <summary>Encrypts and authenticates; returns ciphertext ‖ tag.</summary>
    public byte[] Seal(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        byte[] output = new byte[SealedLength(plaintext.Length)];
        _gcm.Encrypt(Nonce, plaintext, output.AsSpan(0, plaintext.Length), output.AsSpan(plaintext.Length), associatedData);
        return output;
    }

    /// <summary>
    /// Decrypts ciphertext ‖ tag into <paramref name="plaintext"/>. Returns false (and zeroes the output) when the
    /// tag does not verify: tampering, a wrong key, or different associated data. Expected failure is a value.
    /// </summary>
    public bool TryOpen(ReadOnlySpan<byte> sealedMessage, ReadOnlySpan<byte> associatedData, Span<byte> plaintext)
    {
        if (sealedMessage.Length < TagSize || plaintext.Length != sealedMessage.Length - TagSize)
        {
            return false;
        }

        int n = sealedMessage.Length - TagSize;
        try
        {
            _gcm.Decrypt(Nonce, sealedMessage[..n], sealedMessage[n..], plaintext, associatedData);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            CryptographicOperations.ZeroMemory(plaintext);
            return false;
        }
    }

    private ReadOnlySpan<byte> Nonce => _keyAndNonce.AsSpan(KeySize, NonceSize);

    public void Dispose()
    {
        _gcm.Dispose();
        CryptographicOperations.ZeroMemory(_keyAndNonce);
    }

    public override string ToString() => "AeadKey(AES-256-GCM)";
}
