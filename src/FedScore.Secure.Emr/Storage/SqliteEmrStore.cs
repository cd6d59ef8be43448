using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace FedScore.Secure.Emr.Storage;

/// <summary>The default store: one SQLite file at the site. Opening creates the file if needed and migrates it.</summary>
public sealed class SqliteEmrStore : AdoEmrStore
{
    private readonly string _connectionString;
    private readonly string _path;

    private SqliteEmrStore(string path)
        : base(SqlDialect.Sqlite)
    {
        _path = Path.GetFullPath(path);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = _path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            ForeignKeys = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    public override string Description => $"sqlite:{_path}";

    /// <summary>Opens (creating if needed) the store at <paramref name="path"/> and applies pending migrations.</summary>
    public static SqliteEmrStore Open(string path) => Open(path, null);

    /// <summary>Test hook: migrates only up to <paramref name="targetVersion"/>.</summary>
    internal static SqliteEmrStore Open(string path, int? targetVersion)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var store = new SqliteEmrStore(path);
        try
        {
            store.Migrate(targetVersion);
            return store;
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    protected override DbConnection OpenConnection()
    {
        var c = new SqliteConnection(_connectionString);
        c.Open();
        return c;
    }

    protected override void Dispose(bool disposing)
    {
        // Pooled connections keep the file open; release them so the file can be moved or deleted.
        using var c = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(c);
    }
}
