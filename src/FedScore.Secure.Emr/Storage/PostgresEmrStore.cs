using System.Data;
using System.Data.Common;
using Npgsql;

namespace FedScore.Secure.Emr.Storage;

/// <summary>
/// The optional store for hospitals that run PostgreSQL. Same schema, migrations and behaviour as
/// <see cref="SqliteEmrStore"/> (all logic lives in <see cref="AdoEmrStore"/>); PostgreSQL does not serialise writers
/// the way SQLite's file lock does, so every write transaction first takes a transaction-scoped advisory lock.
/// </summary>
public sealed class PostgresEmrStore : AdoEmrStore
{
    /// <summary>
    /// Key of the advisory lock that serialises writers of one database (an arbitrary constant: "FSEMR" in ASCII).
    /// Needed because two concurrent ingestions could otherwise both find an encounter id absent and race on the
    /// UNIQUE constraint, or both compute the same next score-table version.
    /// </summary>
    private const long WriteLockKey = 0x4653_454D_52;

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _description;

    private PostgresEmrStore(string connectionString)
        : base(SqlDialect.Postgres)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException e)
        {
            throw new EmrStoreException($"the PostgreSQL connection string is invalid: {e.Message}", e);
        }

        // Never a password in a description: it goes into messages.
        _description = $"postgres:{builder.Host}:{builder.Port}/{builder.Database}";
        _dataSource = NpgsqlDataSource.Create(builder);
    }

    public override string Description => _description;

    /// <summary>Connects with an Npgsql connection string (the database must exist) and applies pending migrations.</summary>
    public static PostgresEmrStore Open(string connectionString) => Open(connectionString, null);

    /// <summary>Test hook: migrates only up to <paramref name="targetVersion"/>.</summary>
    internal static PostgresEmrStore Open(string connectionString, int? targetVersion)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        var store = new PostgresEmrStore(connectionString);
        try
        {
            store.Migrate(targetVersion);
            return store;
        }
        catch (NpgsqlException e)
        {
            store.Dispose();
            throw new EmrStoreException($"{store.Description}: {e.Message}", e);
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    protected override DbConnection OpenConnection()
    {
        try
        {
            return _dataSource.OpenConnection();
        }
        catch (NpgsqlException e)
        {
            throw new EmrStoreException($"{Description}: cannot connect: {e.Message}", e);
        }
    }

    protected override void AcquireWriteLock(DbConnection connection, DbTransaction transaction) =>
        Execute(connection, transaction, "SELECT pg_advisory_xact_lock(@k)", ("@k", DbType.Int64, WriteLockKey));

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _dataSource.Dispose();
        }
    }
}
