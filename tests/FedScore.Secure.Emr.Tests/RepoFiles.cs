namespace FedScore.Secure.Emr.Tests;

/// <summary>Files of the repository (data/…), found by walking up to the solution file.</summary>
internal static class RepoFiles
{
    public static string Root
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "FedScore.Secure.sln")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("repository root (FedScore.Secure.sln) not found above the test binaries.");
        }
    }

    public static string Data(params string[] parts) => Path.Combine([Root, "data", .. parts]);
}
