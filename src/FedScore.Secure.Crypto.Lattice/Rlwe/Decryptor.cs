using FedScore.Secure.Crypto.Lattice.Ring;

namespace FedScore.Secure.Crypto.Lattice.Rlwe;

/// <summary>Single-key decryption: m + e = INTT(c0 + c1·s). The multiparty layer replaces s·c1 by a sum of shares.</summary>
public sealed class Decryptor
{
    private readonly RlweParameters _parameters;
    private readonly SecretKey _secretKey;

    public Decryptor(RlweParameters parameters, SecretKey secretKey)
    {
        _parameters = parameters ?? throw new ArgumentNullException(nameof(parameters));
        ArgumentNullException.ThrowIfNull(secretKey);
        ParamCheck.Same(parameters, secretKey.Parameters, nameof(secretKey));
        _secretKey = secretKey;
    }

    public Plaintext Decrypt(Ciphertext ciphertext)
    {
        var pt = new Plaintext(_parameters);
        Decrypt(ciphertext, pt);
        return pt;
    }

    public void Decrypt(Ciphertext ciphertext, Plaintext destination)
    {
        ArgumentNullException.ThrowIfNull(ciphertext);
        ArgumentNullException.ThrowIfNull(destination);
        ParamCheck.Same(_parameters, ciphertext.Parameters, nameof(ciphertext));
        RnsBasis basis = _parameters.Basis;
        RnsPolynomial m = destination.Poly;
        m.IsNtt = true;
        // m = c0 + c1·s in one pass with s's precomputed Shoup companions, then back to coefficients.
        PolyArith.MulShoupAdd(basis, ciphertext.C1, _secretKey.Value, _secretKey.Shoup, ciphertext.C0, m);
        PolyArith.NttInverse(basis, m);
        destination.Scale = ciphertext.Scale;
    }
}
