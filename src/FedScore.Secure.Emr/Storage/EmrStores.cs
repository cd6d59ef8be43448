namespace FedScore.Secure.Emr.Storage;

/// <summary>Opens a store from the one string a user gives on the command line.</summary>
public static class EmrStores
{
    /// <summary>Prefix that marks a PostgreSQL store: <c>postgres:Host=…;Database=…;Username=…</c> (an Npgsql connection string).</summary>
    public const string PostgresPrefix = "postgres:";

    /// <summary>
    /// <c>postgres:CONNECTION-STRING</c> opens <see cref="PostgresEmrStore"/>; anything else is the path of a SQLite
    /// file (created if missing). Passwords belong in PGPASSWORD or ~/.pgpass rather than on a command line.
    /// </summary>
    public static IEmrStore Open(string spec)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(spec);
        return spec.StartsWith(PostgresPrefix, StringComparison.OrdinalIgnoreCase)
            ? PostgresEmrStore.Open(spec[PostgresPrefix.Length..])
            : SqliteEmrStore.Open(spec);
    }

    /// <summary>A short name for a store, for site names: the file name without extension, or the PostgreSQL database name.</summary>
    public static string SiteNameOf(string spec)
    {
        if (spec.StartsWith(PostgresPrefix, StringComparison.OrdinalIgnoreCase))
        {
            var builder = new Npgsql.NpgsqlConnectionStringBuilder(spec[PostgresPrefix.Length..]);
            return string.IsNullOrEmpty(builder.Database) ? "postgres" : builder.Database;
        }

        return Path.GetFileNameWithoutExtension(spec);
    }
}
