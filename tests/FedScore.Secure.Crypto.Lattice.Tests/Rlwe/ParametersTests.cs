using FedScore.Secure.Crypto.Lattice.Bfv;
using FedScore.Secure.Crypto.Lattice.Ckks;
using FedScore.Secure.Crypto.Lattice.Ring;
using FedScore.Secure.Crypto.Lattice.Rlwe;

namespace FedScore.Secure.Crypto.Lattice.Tests.Rlwe;

public sealed class ParametersTests
{
    [Theory]
    [InlineData(10, 27)]
    [InlineData(11, 54)]
    [InlineData(12, 109)]
    [InlineData(13, 218)]
    [InlineData(14, 438)]
    [InlineData(15, 881)]
    public void SecurityTableMatchesTheHomomorphicEncryptionStandard(int logN, int maxLogQ) =>
        Assert.Equal(maxLogQ, SecurityStandard.MaxLog2Q128(1 << logN));

    [Fact]
    public void ModulusAboveTheStandardIsRefused()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            CkksParameters.Create(new CkksParametersLiteral { LogN = 12, LogQ = [60, 50], LogScale = 40 }));
        Assert.Contains("110", e.Message);
        Assert.Throws<ArgumentException>(() =>
            BfvParameters.Create(new BfvParametersLiteral { LogN = 11, LogQ = [30, 30], PlainModulus = 65537 }));
    }

    [Fact]
    public void SmallRingIsRefusedUnlessMadeByTheTestOnlyFactory()
    {
        var lit = new CkksParametersLiteral { LogN = 5, LogQ = [20], LogScale = 8 };
        Assert.Throws<ArgumentException>(() => CkksParameters.Create(lit));
        CkksParameters p = CkksParameters.CreateInsecureForTesting(lit);
        Assert.True(p.IsInsecureForTesting);
        Assert.Contains("INSECURE", p.ToString());
    }

    [Fact]
    public void PresetsAreSecureAndCountTheFullModulus()
    {
        CkksParameters c = CkksParameters.Example128BitLogN12LogQ109;
        Assert.Equal(4096, c.N);
        Assert.Equal(109, c.Log2Q);
        Assert.False(c.IsInsecureForTesting);
        Assert.Equal(140, CkksParameters.Example128BitLogN13LogQ140.Log2Q);
        BfvParameters b = BfvParameters.Example128BitLogN12;
        Assert.True(b.SupportsBatching);
        Assert.Equal(20, 64 - System.Numerics.BitOperations.LeadingZeroCount(b.PlainModulus));
        Assert.Equal(1UL, b.PlainModulus % 8192);
        Assert.All(b.Moduli, q => Assert.True(Primes.IsPrime(q)));
    }

    [Fact]
    public void SealComparisonPresetsHaveTheBenchmarkedShapes()
    {
        // The SEAL 4.4 rows the benchmarks are compared with: CKKS N=4096 log Q=109, N=8192/16384 log Q=140 (140 is
        // within the 218/438-bit bounds), BFV N=4096/8192/16384 at the BFVDefault sizes with a 20-bit batching t.
        Assert.Equal((4096, 109), (CkksParameters.Example128BitLogN12LogQ109.N, CkksParameters.Example128BitLogN12LogQ109.Log2Q));
        Assert.Equal((8192, 140), (CkksParameters.Example128BitLogN13LogQ140.N, CkksParameters.Example128BitLogN13LogQ140.Log2Q));
        Assert.Equal((16384, 140), (CkksParameters.Example128BitLogN14LogQ140.N, CkksParameters.Example128BitLogN14LogQ140.Log2Q));
        foreach ((BfvParameters b, int n, int logQ) in new[] { (BfvParameters.Example128BitLogN12, 4096, 109), (BfvParameters.Example128BitLogN13, 8192, 218), (BfvParameters.Example128BitLogN14, 16384, 438) })
        {
            Assert.Equal((n, logQ), (b.N, b.Log2Q));
            Assert.Equal(20, System.Numerics.BitOperations.Log2(b.PlainModulus) + 1);
            Assert.True(b.SupportsBatching);
            Assert.False(b.IsInsecureForTesting);
        }
    }

    [Fact]
    public void ParameterSetIdIsStableAndSeparatesDifferentSets()
    {
        var lit = new CkksParametersLiteral { LogN = 12, LogQ = [60, 49], LogScale = 40 };
        Assert.Equal(CkksParameters.Create(lit).Id, CkksParameters.Example128BitLogN12LogQ109.Id);
        Assert.NotEqual(CkksParameters.Create(lit with { LogScale = 41 }).Id, CkksParameters.Example128BitLogN12LogQ109.Id);
        Assert.NotEqual(CkksParameters.CreateInsecureForTesting(lit).Id, CkksParameters.Example128BitLogN12LogQ109.Id);
        Assert.NotEqual(BfvParameters.Example128BitLogN12.Id, CkksParameters.Example128BitLogN12LogQ109.Id);
    }

    [Fact]
    public void InconsistentLiteralsAreRefusedWithAReason()
    {
        Assert.Throws<ArgumentException>(() => CkksParameters.Create(new CkksParametersLiteral { LogN = 12 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => CkksParameters.Create(new CkksParametersLiteral { LogN = 12, LogQ = [62] }));
        Assert.Throws<ArgumentException>(() => CkksParameters.Create(new CkksParametersLiteral { LogN = 12, Moduli = [1UL << 40] }));
        Assert.Throws<ArgumentOutOfRangeException>(() => CkksParameters.Create(new CkksParametersLiteral { LogN = 12, LogQ = [50], LogScale = 60 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => BfvParameters.Create(new BfvParametersLiteral { LogN = 12, LogQ = [50], PlainModulus = 1 }));
    }
}
