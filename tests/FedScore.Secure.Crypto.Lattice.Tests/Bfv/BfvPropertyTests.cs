using CsCheck;
using FedScore.Secure.Crypto.Lattice.Bfv;
using FedScore.Secure.Crypto.Lattice.Rlwe;

namespace FedScore.Secure.Crypto.Lattice.Tests.Bfv;

public sealed class BfvPropertyTests
{
    private static readonly BfvParameters P = BfvParameters.CreateInsecureForTesting(
        new BfvParametersLiteral { LogN = 6, LogQ = [50], PlainModulus = 1UL << 16 });

    private static readonly SecretKey s_key = new KeyGenerator(P).CreateSecretKey();

    [Fact]
    public void DecryptionOfASumIsTheSumModuloT()
    {
        var encryptor = new Encryptor(P, s_key);
        var decryptor = new Decryptor(P, s_key);
        var encoder = new BfvEncoder(P);
        var eval = new Evaluator(P);
        Gen.Long[-32768, 32767].Array[1, 64].Select(Gen.Long[-32768, 32767].Array[1, 64]).Sample((a, b) =>
        {
            Ciphertext ca = encryptor.Encrypt(encoder.EncodeCoefficients(a));
            eval.AddInPlace(ca, encryptor.Encrypt(encoder.EncodeCoefficients(b)));
            long[] sum = encoder.DecodeCoefficients(decryptor.Decrypt(ca));
            for (int i = 0; i < 64; i++)
            {
                long expected = (i < a.Length ? a[i] : 0) + (i < b.Length ? b[i] : 0);
                expected = ((expected % 65536) + 65536 + 32767) % 65536 - 32767;
                if (sum[i] != expected)
                {
                    return false;
                }
            }

            return true;
        }, iter: 50);
    }
}
