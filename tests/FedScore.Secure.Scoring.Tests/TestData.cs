using FedScore.Secure.Scoring.Data;
using FedScore.Secure.Scoring.Statistics;

namespace FedScore.Secure.Scoring.Tests;

/// <summary>Locates the repository's data/ folder (walks up to FedScore.Secure.sln) and caches loaded sites.</summary>
internal static class TestData
{
    private static readonly Lazy<Dataset> s_site1 = new(() => CsvDatasetLoader.Load(PathOf("site1.csv")));
    private static readonly Lazy<Dataset> s_site2 = new(() => CsvDatasetLoader.Load(PathOf("site2.csv")));

    public static Dataset Site1 => s_site1.Value;

    public static Dataset Site2 => s_site2.Value;

    public static SiteStatistics Site1Statistics => SiteStatistics.FromSplit(Site1);

    public static string PathOf(string file)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "FedScore.Secure.sln")))
        {
            dir = dir.Parent;
        }

        if (dir is null)
        {
            throw new InvalidOperationException("repository root (FedScore.Secure.sln) not found above " + AppContext.BaseDirectory);
        }

        return Path.Combine(dir.FullName, "data", file);
    }
}
