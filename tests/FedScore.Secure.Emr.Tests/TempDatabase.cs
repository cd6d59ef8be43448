namespace FedScore.Secure.Emr.Tests;

/// <summary>A fresh SQLite file path in the temp folder, deleted (with journal files) on dispose.</summary>
internal sealed class TempDatabase : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"fedscore-emr-{Guid.NewGuid():N}.db");

    public void Dispose()
    {
        foreach (var suffix in new[] { "", "-journal", "-wal", "-shm" })
        {
            try
            {
                File.Delete(Path + suffix);
            }
            catch (IOException)
            {
            }
        }
    }
}
