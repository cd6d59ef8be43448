using FedScore.Secure.Crypto.Paillier;

namespace FedScore.Secure.Crypto.Tests.Paillier;

/// <summary>One shared INSECURE 1024-bit key for the fast tests (generated once per test run).</summary>
public sealed class PaillierTestKeys : IDisposable
{
    public PaillierKeyPair Small { get; } = PaillierKeyPair.GenerateInsecureForTests(1024);

    public PaillierKeyPair Other { get; } = PaillierKeyPair.GenerateInsecureForTests(512);

    public void Dispose()
    {
        Small.Dispose();
        Other.Dispose();
    }
}
