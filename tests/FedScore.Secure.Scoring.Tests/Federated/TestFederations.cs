using FedScore.Secure.Aggregation;
using FedScore.Secure.Aggregation.Federation;
using FedScore.Secure.Federation;
using FedScore.Secure.Scoring.Data;
using FedScore.Secure.Scoring.Federated;

namespace FedScore.Secure.Scoring.Tests.Federated;

/// <summary>
/// Builds in-process federations over a named scheme. Only the tests reference the aggregation layer: the Scoring
/// library itself sees aggregation through Core's <see cref="ISecureFederation"/> alone.
/// </summary>
internal static class TestFederations
{
    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "FedScore.Secure.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("FedScore.Secure.sln not found above " + AppContext.BaseDirectory);
    }

    public static bool IsKnownScheme(string name) => AggregationSchemes.IsKnown(name);

    public static ISecureFederation Create(string scheme, IReadOnlyDictionary<ParticipantId, ISiteStatistics> sites) =>
        new InProcessFederation(AggregationSchemes.Create(scheme), sites);

    /// <summary>Bytes the aggregation server received (participant → server) in the federation's transcript.</summary>
    public static IReadOnlyList<byte[]> ReceivedByServer(ISecureFederation federation) =>
        [.. ((InProcessFederation)federation).Transcript.Received.Select(e => e.Bytes)];

    public static void Dispose(ISecureFederation federation) => (federation as IDisposable)?.Dispose();

    private static readonly Lazy<(Dataset Site1, Dataset Site2)> s_data = new(() =>
    {
        var dir = Path.Combine(RepoRoot(), "data");
        return (CsvDatasetLoader.Load(Path.Combine(dir, "site1.csv")), CsvDatasetLoader.Load(Path.Combine(dir, "site2.csv")));
    });

    /// <summary>The demo data as three sites: site1 split in two by row parity (sizes ≈7000/7000), and site2.</summary>
    public static IReadOnlyList<Dataset> ThreeSites()
    {
        var (s1, s2) = s_data.Value;
        var even = Enumerable.Range(0, s1.RowCount).Where(i => i % 2 == 0).ToArray();
        var odd = Enumerable.Range(0, s1.RowCount).Where(i => i % 2 == 1).ToArray();
        return [s1.SelectRows(even), s1.SelectRows(odd), s2];
    }

    public static Dataset Pooled(IReadOnlyList<Dataset> sites) => sites.Skip(1).Aggregate(sites[0], Dataset.Concat);

    public static Dictionary<ParticipantId, ISiteStatistics> SiteStatistics(IReadOnlyList<Dataset> sites) =>
        sites.Select((d, i) => (Id: new ParticipantId($"site{i + 1}"), Site: (ISiteStatistics)FedScoreSiteStatistics.FromSplit(d)))
            .ToDictionary(t => t.Id, t => t.Site);
}
