using System.Security.Cryptography;
using FedScore.Secure.Crypto.Lattice.Ckks;
using FedScore.Secure.Crypto.Lattice.Multiparty;
using FedScore.Secure.Crypto.Lattice.Ring;
using FedScore.Secure.Crypto.Lattice.Rlwe;
using FedScore.Secure.Crypto.Lattice.Serialization;

namespace FedScore.Secure.Crypto.Lattice.Tests.Serialization;

public sealed class FrozenFormatTests
{
    /// <summary>
    /// A deterministic object (a public-key share whose polynomial is expanded from a fixed seed, for a fixed
    /// parameter set) hashed after serialization: any change to header, parameter-set id, prime generation, the
    /// AES-CTR expansion or bit packing breaks this test on purpose (Lattigo's TestRLWEConstSerialization idea).
    /// </summary>
    [Fact]
    public void WireFormatOfADeterministicObjectIsFrozen()
    {
        CkksParameters p = CkksParameters.CreateInsecureForTesting(new CkksParametersLiteral { LogN = 4, LogQ = [30, 25], LogScale = 10 });
        var poly = new RnsPolynomial(p.N, 2);
        using (var prng = new Prng(new byte[32], 7))
        {
            Sampler.Uniform(prng, p.Basis, poly, isNtt: true);
        }

        byte[] bytes = LatticeSerializer.Write(new PublicKeyShare(p, poly, 3));
        Assert.Equal(2 + 1 + 1 + 16 + 1 + 1 + 1 + 16 * 30 / 8 + 16 * 25 / 8, bytes.Length);
        string digest = Convert.ToHexString(SHA256.HashData(bytes));
        Assert.Equal(FrozenDigest, digest);
    }

    private const string FrozenDigest = "0FDD01AACEFCBB04F1E087334B907996D527153A6420029E7B15D9CCEE50E8C2";
}
