using System.Reflection;

namespace FedScore.Secure.Cli.Tests;

/// <summary>The layers depend only downward: cryptography knows nothing of scoring, scoring knows aggregation only through Core's interface.</summary>
public class ArchitectureTests
{
    private static readonly string[] s_projectAssemblies =
    [
        "FedScore.Secure.Core", "FedScore.Secure.Crypto", "FedScore.Secure.Crypto.Lattice", "FedScore.Secure.Aggregation",
        "FedScore.Secure.Scoring", "FedScore.Secure.Transport.Grpc", "FedScore.Secure.Emr", "FedScore.Secure.Emr.Web", "fedscore",
    ];

    public static TheoryData<string, string[]> AllowedReferences => new()
    {
        { "FedScore.Secure.Core", [] },
        { "FedScore.Secure.Crypto", ["FedScore.Secure.Core"] },
        { "FedScore.Secure.Crypto.Lattice", ["FedScore.Secure.Core"] },
        { "FedScore.Secure.Aggregation", ["FedScore.Secure.Core", "FedScore.Secure.Crypto", "FedScore.Secure.Crypto.Lattice"] },
        { "FedScore.Secure.Scoring", ["FedScore.Secure.Core"] },
        { "FedScore.Secure.Emr", ["FedScore.Secure.Core", "FedScore.Secure.Scoring"] },
        { "FedScore.Secure.Emr.Web", ["FedScore.Secure.Core", "FedScore.Secure.Scoring", "FedScore.Secure.Emr"] },
    };

    [Theory]
    [MemberData(nameof(AllowedReferences))]
    public void EachLayerReferencesOnlyTheLayersBelowIt(string assembly, string[] allowed)
    {
        string path = Path.Combine(AppContext.BaseDirectory, assembly + ".dll");
        Assert.True(File.Exists(path), $"{path} not found");

        string[] referenced = Assembly.LoadFrom(path).GetReferencedAssemblies()
            .Select(a => a.Name!)
            .Where(s_projectAssemblies.Contains)
            .ToArray();

        Assert.All(referenced, r => Assert.Contains(r, allowed));
    }
}
