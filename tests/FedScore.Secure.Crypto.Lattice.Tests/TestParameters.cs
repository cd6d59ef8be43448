using FedScore.Secure.Crypto.Lattice.Bfv;
using FedScore.Secure.Crypto.Lattice.Ckks;
using FedScore.Secure.Crypto.Lattice.Ring;

namespace FedScore.Secure.Crypto.Lattice.Tests;

/// <summary>Insecure, small parameter sets for fast tests only (the production factory refuses them).</summary>
internal static class TestParameters
{
    public static readonly CkksParameters Ckks1024 =
        CkksParameters.CreateInsecureForTesting(new CkksParametersLiteral { LogN = 10, LogQ = [60, 50], LogScale = 40 });

    public static readonly CkksParameters Ckks256 =
        CkksParameters.CreateInsecureForTesting(new CkksParametersLiteral { LogN = 8, LogQ = [55], LogScale = 35 });

    public static readonly BfvParameters Bfv1024 = BfvParameters.CreateInsecureForTesting(new BfvParametersLiteral
    {
        LogN = 10,
        LogQ = [55, 54],
        PlainModulus = Primes.NextNttPrimeBelow(20, 1024, []),
    });
}
