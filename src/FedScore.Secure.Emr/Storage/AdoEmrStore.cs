using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using FedScore.Secure.Emr.CaseScoring;
using FedScore.Secure.Emr.Model;

namespace FedScore.Secure.Emr.Storage;

/// <summary>
/// The store logic shared by SQLite and PostgreSQL, written against ADO.NET with named parameters only (no value is
/// ever spliced into SQL text; the only interpolated names are compile-time column constants). Each public
/// operation opens a connection, and each write runs in one transaction that is rolled back on any exception.
/// Not safe for concurrent use of one instance from several threads; several instances on one database are.
/// </summary>
public abstract class AdoEmrStore : IEmrStore
{
    private static readonly string s_variableColumnList = string.Join(", ", EmrMigrations.V1VariableColumns);
    private static readonly string s_encounterColumns =
        $"encounter_id, admitted_at, split, outcome, {s_variableColumnList}, source_row";

    private readonly SqlDialect _dialect;
    private bool _disposed;

    protected AdoEmrStore(SqlDialect dialect)
    {
        _dialect = dialect;
    }

    public int SchemaVersion { get; private set; }

    public abstract string Description { get; }

    protected abstract DbConnection OpenConnection();

    /// <summary>Serialises writers where the database does not do so by itself (PostgreSQL advisory lock).</summary>
    protected virtual void AcquireWriteLock(DbConnection connection, DbTransaction transaction)
    {
    }

    /// <summary>Applies pending migrations up to <paramref name="targetVersion"/> (default: latest) in one transaction.</summary>
    protected void Migrate(int? targetVersion = null)
    {
        var target = targetVersion ?? EmrMigrations.LatestVersion;
        using var c = OpenConnection();
        using var t = c.BeginTransaction();
        AcquireWriteLock(c, t);
        Execute(c, t, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)");
        var current = Convert.ToInt32(Scalar(c, t, "SELECT COALESCE(MAX(version), 0) FROM schema_version"), CultureInfo.InvariantCulture);
        if (current > EmrMigrations.LatestVersion)
        {
            throw new EmrStoreException(
                $"{Description}: schema version {current} is newer than this program supports ({EmrMigrations.LatestVersion}); upgrade FedScore.Secure.");
        }

        foreach (var m in EmrMigrations.For(_dialect).Where(m => m.Version > current && m.Version <= target))
        {
            foreach (var sql in m.Statements)
            {
                Execute(c, t, sql);
            }

            Execute(c, t, "INSERT INTO schema_version (version, description, applied_at) VALUES (@v, @d, @a)",
                ("@v", DbType.Int32, m.Version), ("@d", DbType.String, m.Description), ("@a", DbType.String, Now()));
            current = m.Version;
        }

        t.Commit();
        SchemaVersion = current;
    }

    public IngestionRun? FindIngestionRun(string fileSha256)
    {
        using var c = OpenConnection();
        return FindRun(c, null, fileSha256);
    }

    public IReadOnlyList<IngestionRun> GetIngestionRuns()
    {
        using var c = OpenConnection();
        using var cmd = Command(c, null, $"SELECT {RunColumns} FROM ingestion_runs ORDER BY id");
        using var r = cmd.ExecuteReader();
        var runs = new List<IngestionRun>();
        while (r.Read())
        {
            runs.Add(ReadRun(r));
        }

        return runs;
    }

    public IngestionCommit CommitIngestion(IngestionBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using var c = OpenConnection();
        using var t = c.BeginTransaction();
        AcquireWriteLock(c, t);
        if (FindRun(c, t, batch.FileSha256) is { } previous)
        {
            return new IngestionCommit(previous, AlreadyIngested: true);
        }

        var runId = Convert.ToInt64(Scalar(c, t,
            """
            INSERT INTO ingestion_runs (file_name, file_sha256, mapping_sha256, completed_at, rows_read, accepted, quarantined,
                                        quarantined_by_reason, missing_by_variable, mapped_variables)
            VALUES (@f, @h, @m, @at, @n, 0, 0, '{}', '{}', '')
            RETURNING id
            """,
            ("@f", DbType.String, batch.FileName), ("@h", DbType.String, batch.FileSha256), ("@m", DbType.String, batch.MappingSha256),
            ("@at", DbType.String, Now()), ("@n", DbType.Int32, batch.RowsRead)), CultureInfo.InvariantCulture);

        var quarantine = new List<QuarantineEntry>(batch.Quarantine);
        var mapped = batch.MappedVariables.Select(CommonDataModel.IndexOf).Where(i => i >= 0).Order().ToArray();
        var missing = new int[CommonDataModel.VariableCount];
        var accepted = 0;

        using (var exists = Command(c, t, "SELECT COUNT(*) FROM encounters WHERE encounter_id = @id", ("@id", DbType.String, "")))
        using (var insert = Command(c, t,
            $"INSERT INTO encounters ({s_encounterColumns}, ingestion_run_id) VALUES (@id, @at, @split, @y, " +
            string.Join(", ", Enumerable.Range(0, CommonDataModel.VariableCount).Select(i => $"@v{i}")) + ", @row, @run)"))
        {
            AddParameter(insert, "@id", DbType.String, null);
            AddParameter(insert, "@at", DbType.String, null);
            AddParameter(insert, "@split", DbType.String, null);
            AddParameter(insert, "@y", DbType.Int32, null);
            for (var i = 0; i < CommonDataModel.VariableCount; i++)
            {
                AddParameter(insert, $"@v{i}", DbType.Double, null);
            }

            AddParameter(insert, "@row", DbType.Int32, null);
            AddParameter(insert, "@run", DbType.Int64, runId);

            foreach (var e in batch.Encounters)
            {
                exists.Parameters[0].Value = e.EncounterId;
                if (Convert.ToInt64(exists.ExecuteScalar(), CultureInfo.InvariantCulture) > 0)
                {
                    quarantine.Add(new QuarantineEntry(batch.FileName, e.SourceRow, null, QuarantineReason.DuplicateEncounter,
                        "encounter id already in the store from an earlier ingestion; the stored one is kept", null));
                    continue;
                }

                insert.Parameters[0].Value = e.EncounterId;
                insert.Parameters[1].Value = e.AdmittedAt is { } at ? at.ToString("O", CultureInfo.InvariantCulture) : DBNull.Value;
                insert.Parameters[2].Value = (object?)e.Split ?? DBNull.Value;
                insert.Parameters[3].Value = e.Outcome is { } y ? y : DBNull.Value;
                var values = e.Values;
                for (var i = 0; i < values.Length; i++)
                {
                    insert.Parameters[4 + i].Value = double.IsNaN(values[i]) ? DBNull.Value : values[i];
                }

                foreach (var i in mapped)
                {
                    if (double.IsNaN(values[i]))
                    {
                        missing[i]++;
                    }
                }

                insert.Parameters[4 + values.Length].Value = e.SourceRow;
                insert.ExecuteNonQuery();
                accepted++;
            }
        }

        using (var q = Command(c, t,
            """
            INSERT INTO quarantine (ingestion_run_id, file_name, row_number, column_name, reason, detail, raw_record)
            VALUES (@run, @f, @row, @col, @reason, @detail, @raw)
            """))
        {
            AddParameter(q, "@run", DbType.Int64, runId);
            AddParameter(q, "@f", DbType.String, null);
            AddParameter(q, "@row", DbType.Int32, null);
            AddParameter(q, "@col", DbType.String, null);
            AddParameter(q, "@reason", DbType.String, null);
            AddParameter(q, "@detail", DbType.String, null);
            AddParameter(q, "@raw", DbType.String, null);
            foreach (var entry in quarantine.OrderBy(e => e.RowNumber))
            {
                q.Parameters[1].Value = entry.FileName;
                q.Parameters[2].Value = entry.RowNumber;
                q.Parameters[3].Value = (object?)entry.Column ?? DBNull.Value;
                q.Parameters[4].Value = entry.Reason.ToString();
                q.Parameters[5].Value = entry.Detail;
                q.Parameters[6].Value = (object?)entry.RawRecord ?? DBNull.Value;
                q.ExecuteNonQuery();
            }
        }

        var byReason = quarantine.GroupBy(e => e.Reason).OrderBy(g => g.Key).ToDictionary(g => g.Key.ToString(), g => g.Count());
        var missingByVariable = mapped.ToDictionary(i => CommonDataModel.Variables[i].Name, i => missing[i]);
        Execute(c, t,
            """
            UPDATE ingestion_runs SET accepted = @a, quarantined = @q, quarantined_by_reason = @r, missing_by_variable = @m,
                                      mapped_variables = @v, completed_at = @at
            WHERE id = @id
            """,
            ("@a", DbType.Int32, accepted), ("@q", DbType.Int32, quarantine.Count), ("@r", DbType.String, JsonSerializer.Serialize(byReason)),
            ("@m", DbType.String, JsonSerializer.Serialize(missingByVariable)),
            ("@v", DbType.String, string.Join(",", mapped.Select(i => CommonDataModel.Variables[i].Name))),
            ("@at", DbType.String, Now()), ("@id", DbType.Int64, runId));
        var run = FindRun(c, t, batch.FileSha256) ?? throw new EmrStoreException("the ingestion run vanished inside its own transaction.");
        t.Commit();
        return new IngestionCommit(run, AlreadyIngested: false);
    }

    public EncounterRecord? GetEncounter(string encounterId)
    {
        ArgumentNullException.ThrowIfNull(encounterId);
        using var c = OpenConnection();
        using var cmd = Command(c, null, $"SELECT {s_encounterColumns} FROM encounters WHERE encounter_id = @id", ("@id", DbType.String, encounterId));
        using var r = cmd.ExecuteReader();
        return r.Read() ? ReadEncounter(r) : null;
    }

    public IReadOnlyList<EncounterRecord> GetEncounters(EncounterSelection selection = EncounterSelection.All)
    {
        var where = selection switch
        {
            EncounterSelection.WithOutcome => " WHERE outcome IS NOT NULL",
            EncounterSelection.Current => " WHERE outcome IS NULL",
            _ => "",
        };
        using var c = OpenConnection();
        using var cmd = Command(c, null, $"SELECT {s_encounterColumns} FROM encounters{where} ORDER BY seq");
        using var r = cmd.ExecuteReader();
        var list = new List<EncounterRecord>();
        while (r.Read())
        {
            list.Add(ReadEncounter(r));
        }

        return list;
    }

    public int CountEncounters()
    {
        using var c = OpenConnection();
        return Convert.ToInt32(Scalar(c, null, "SELECT COUNT(*) FROM encounters"), CultureInfo.InvariantCulture);
    }

    public IReadOnlyList<QuarantineEntry> GetQuarantine()
    {
        using var c = OpenConnection();
        using var cmd = Command(c, null, "SELECT file_name, row_number, column_name, reason, detail, raw_record FROM quarantine ORDER BY id");
        using var r = cmd.ExecuteReader();
        var list = new List<QuarantineEntry>();
        while (r.Read())
        {
            list.Add(new QuarantineEntry(
                r.GetString(0), Convert.ToInt32(r.GetValue(1), CultureInfo.InvariantCulture), r.IsDBNull(2) ? null : r.GetString(2),
                Enum.Parse<QuarantineReason>(r.GetString(3)), r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5)));
        }

        return list;
    }

    public IReadOnlyList<string> GetCoveredVariables()
    {
        var covered = new HashSet<string>(StringComparer.Ordinal);
        foreach (var run in GetIngestionRuns())
        {
            covered.UnionWith(run.MappedVariables);
        }

        return [.. CommonDataModel.Variables.Select(v => v.Name).Where(covered.Contains)];
    }

    public StoredScoreCard SaveScoreCard(ScoreCard card, ScoreProvenance provenance)
    {
        ArgumentNullException.ThrowIfNull(card);
        ArgumentNullException.ThrowIfNull(provenance);
        ArgumentException.ThrowIfNullOrEmpty(provenance.Scheme);
        card.Validate();
        var json = card.ToJson();
        var sha = card.Sha256();
        var createdAt = DateTimeOffset.UtcNow;
        using var c = OpenConnection();
        using var t = c.BeginTransaction();
        AcquireWriteLock(c, t);
        var version = Convert.ToInt32(Scalar(c, t, "SELECT COALESCE(MAX(version), 0) FROM score_tables"), CultureInfo.InvariantCulture) + 1;
        Execute(c, t,
            """
            INSERT INTO score_tables (version, created_at, scheme, round, session, sites, note, table_json, table_sha256)
            VALUES (@v, @at, @scheme, @round, @session, @sites, @note, @json, @sha)
            """,
            ("@v", DbType.Int32, version), ("@at", DbType.String, createdAt.ToString("O", CultureInfo.InvariantCulture)),
            ("@scheme", DbType.String, provenance.Scheme), ("@round", DbType.String, provenance.Round),
            ("@session", DbType.String, provenance.Session),
            ("@sites", DbType.String, provenance.Sites is null ? null : JsonSerializer.Serialize(provenance.Sites)),
            ("@note", DbType.String, provenance.Note), ("@json", DbType.String, json), ("@sha", DbType.String, sha));
        t.Commit();
        return new StoredScoreCard(version, createdAt, provenance, card, sha);
    }

    public StoredScoreCard? GetScoreCard(int? version = null)
    {
        using var c = OpenConnection();
        using var cmd = version is { } v
            ? Command(c, null, $"SELECT {ScoreColumns} FROM score_tables WHERE version = @v", ("@v", DbType.Int32, v))
            : Command(c, null, $"SELECT {ScoreColumns} FROM score_tables ORDER BY version DESC LIMIT 1");
        using var r = cmd.ExecuteReader();
        return r.Read() ? ReadScoreCard(r) : null;
    }

    public IReadOnlyList<StoredScoreCard> GetScoreCards()
    {
        using var c = OpenConnection();
        using var cmd = Command(c, null, $"SELECT {ScoreColumns} FROM score_tables ORDER BY version");
        using var r = cmd.ExecuteReader();
        var list = new List<StoredScoreCard>();
        while (r.Read())
        {
            list.Add(ReadScoreCard(r));
        }

        return list;
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            Dispose(true);
            GC.SuppressFinalize(this);
        }
    }

    protected virtual void Dispose(bool disposing)
    {
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private const string RunColumns =
        "id, file_name, file_sha256, mapping_sha256, completed_at, rows_read, accepted, quarantined, quarantined_by_reason, missing_by_variable, mapped_variables";

    private const string ScoreColumns = "version, created_at, scheme, round, session, sites, note, table_json, table_sha256";

    private static string Now() => DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);

    private static IngestionRun? FindRun(DbConnection c, DbTransaction? t, string sha)
    {
        using var cmd = Command(c, t, $"SELECT {RunColumns} FROM ingestion_runs WHERE file_sha256 = @h", ("@h", DbType.String, sha));
        using var r = cmd.ExecuteReader();
        return r.Read() ? ReadRun(r) : null;
    }

    private static IngestionRun ReadRun(DbDataReader r)
    {
        var byReason = JsonSerializer.Deserialize<Dictionary<string, int>>(r.GetString(8)) ?? [];
        var variables = r.GetString(10);
        return new IngestionRun(
            Convert.ToInt64(r.GetValue(0), CultureInfo.InvariantCulture), r.GetString(1), r.GetString(2), r.GetString(3),
            DateTimeOffset.Parse(r.GetString(4), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
            Convert.ToInt32(r.GetValue(5), CultureInfo.InvariantCulture), Convert.ToInt32(r.GetValue(6), CultureInfo.InvariantCulture),
            Convert.ToInt32(r.GetValue(7), CultureInfo.InvariantCulture),
            byReason.ToDictionary(p => Enum.Parse<QuarantineReason>(p.Key), p => p.Value),
            JsonSerializer.Deserialize<Dictionary<string, int>>(r.GetString(9)) ?? [],
            variables.Length == 0 ? [] : variables.Split(','));
    }

    private static EncounterRecord ReadEncounter(DbDataReader r)
    {
        Span<double> values = stackalloc double[CommonDataModel.VariableCount];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = r.IsDBNull(4 + i) ? double.NaN : Convert.ToDouble(r.GetValue(4 + i), CultureInfo.InvariantCulture);
        }

        return new EncounterRecord(
            r.GetString(0), values,
            outcome: r.IsDBNull(3) ? null : Convert.ToInt32(r.GetValue(3), CultureInfo.InvariantCulture),
            split: r.IsDBNull(2) ? null : r.GetString(2),
            admittedAt: r.IsDBNull(1) ? null : DateTimeOffset.Parse(r.GetString(1), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
            sourceRow: Convert.ToInt32(r.GetValue(4 + values.Length), CultureInfo.InvariantCulture));
    }

    private StoredScoreCard ReadScoreCard(DbDataReader r)
    {
        var version = Convert.ToInt32(r.GetValue(0), CultureInfo.InvariantCulture);
        var json = r.GetString(7);
        var sha = r.GetString(8);
        ScoreCard card;
        try
        {
            card = ScoreCard.FromJson(json);
        }
        catch (ArgumentException e)
        {
            throw new EmrStoreException($"{Description}: score table version {version} is unreadable: {e.Message}", e);
        }

        if (card.Sha256() != sha)
        {
            throw new EmrStoreException($"{Description}: score table version {version} does not match its recorded SHA-256 (altered after storing?).");
        }

        var provenance = new ScoreProvenance(
            r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4),
            r.IsDBNull(5) ? null : JsonSerializer.Deserialize<List<string>>(r.GetString(5)), r.IsDBNull(6) ? null : r.GetString(6));
        return new StoredScoreCard(version, DateTimeOffset.Parse(r.GetString(1), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind), provenance, card, sha);
    }

    private protected static DbCommand Command(DbConnection c, DbTransaction? t, string sql, params (string Name, DbType Type, object? Value)[] parameters)
    {
        var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = t;
        foreach (var (name, type, value) in parameters)
        {
            AddParameter(cmd, name, type, value);
        }

        return cmd;
    }

    private static void AddParameter(DbCommand cmd, string name, DbType type, object? value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.DbType = type;
        p.Value = value ?? DBNull.Value;
        cmd.Parameters.Add(p);
    }

    private protected static int Execute(DbConnection c, DbTransaction? t, string sql, params (string Name, DbType Type, object? Value)[] parameters)
    {
        using var cmd = Command(c, t, sql, parameters);
        return cmd.ExecuteNonQuery();
    }

    private protected static object? Scalar(DbConnection c, DbTransaction? t, string sql, params (string Name, DbType Type, object? Value)[] parameters)
    {
        using var cmd = Command(c, t, sql, parameters);
        return cmd.ExecuteScalar();
    }
}
