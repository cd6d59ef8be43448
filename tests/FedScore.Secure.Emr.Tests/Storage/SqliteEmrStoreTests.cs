using FedScore.Secure.Emr.CaseScoring;
using FedScore.Secure.Emr.Ingestion;
using FedScore.Secure.Emr.Model;
using FedScore.Secure.Emr.Storage;
using Microsoft.Data.Sqlite;

namespace FedScore.Secure.Emr.Tests.Storage;

public sealed class SqliteEmrStoreTests : IDisposable
{
    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    private static EncounterRecord Encounter(string id, double age, int? outcome = 0, int row = 2)
    {
        var values = Enumerable.Repeat(double.NaN, CommonDataModel.VariableCount).ToArray();
        values[CommonDataModel.IndexOf("Age")] = age;
        values[CommonDataModel.IndexOf("Vital_F")] = 36.6;
        return new EncounterRecord(id, values, outcome, outcome is null ? null : "train", sourceRow: row);
    }

    private static IngestionBatch Batch(string sha, IEnumerable<EncounterRecord> encounters, params QuarantineEntry[] quarantine) =>
        new("export.csv", sha, "mapping", 10, encounters, quarantine, new Dictionary<string, int>(), ["Age", "Vital_F"]);

    [Fact]
    public void OpeningCreatesTheLatestSchemaAndReopeningAppliesNothing()
    {
        using (var store = SqliteEmrStore.Open(_db.Path))
        {
            Assert.Equal(EmrMigrations.LatestVersion, store.SchemaVersion);
        }

        using (var again = SqliteEmrStore.Open(_db.Path))
        {
            Assert.Equal(EmrMigrations.LatestVersion, again.SchemaVersion);
        }

        Assert.Equal(EmrMigrations.LatestVersion, CountRows("schema_version"));
    }

    [Fact]
    public void AVersionOneDatabaseIsMigratedToTheLatestVersionKeepingItsData()
    {
        using (var v1 = SqliteEmrStore.Open(_db.Path, targetVersion: 1))
        {
            Assert.Equal(1, v1.SchemaVersion);
            v1.CommitIngestion(Batch("h1", [Encounter("e1", 50)]));
        }

        using var latest = SqliteEmrStore.Open(_db.Path);
        Assert.Equal(2, latest.SchemaVersion);
        Assert.Equal(1, latest.CountEncounters());
    }

    [Fact]
    public void ADatabaseFromANewerProgramIsRefused()
    {
        SqliteEmrStore.Open(_db.Path).Dispose();
        Execute("INSERT INTO schema_version (version, description, applied_at) VALUES (99, 'future', 'x')");
        var e = Assert.Throws<EmrStoreException>(() => SqliteEmrStore.Open(_db.Path));
        Assert.Contains("newer", e.Message);
    }

    [Fact]
    public void TheFrozenMigrationColumnsMatchTheCommonDataModel() =>
        Assert.Equal(CommonDataModel.Variables.Select(v => v.Column), EmrMigrations.V1VariableColumns);

    [Fact]
    public void ABatchIsStoredWithCountsAndReadBackInOrder()
    {
        using var store = SqliteEmrStore.Open(_db.Path);
        var commit = store.CommitIngestion(Batch("h1", [Encounter("b", 70, 1, 2), Encounter("a", 40, null, 3)],
            new QuarantineEntry("export.csv", 4, "Age", QuarantineReason.OutOfRange, "outside [0, 150]", "raw")));

        Assert.False(commit.AlreadyIngested);
        Assert.Equal(2, commit.Run.Accepted);
        Assert.Equal(1, commit.Run.Quarantined);
        Assert.Equal(1, commit.Run.QuarantinedByReason[QuarantineReason.OutOfRange]);
        Assert.Equal(["b", "a"], store.GetEncounters().Select(e => e.EncounterId));
        Assert.Equal(["b"], store.GetEncounters(EncounterSelection.WithOutcome).Select(e => e.EncounterId));
        Assert.Equal(["a"], store.GetEncounters(EncounterSelection.Current).Select(e => e.EncounterId));
        var b = store.GetEncounter("b")!;
        Assert.Equal(70, b["Age"]);
        Assert.True(double.IsNaN(b["Lab_A"]));
        Assert.Equal(["Vital_F", "Age"], store.GetCoveredVariables());
        Assert.Equal(0, commit.Run.MissingByVariable["Age"]);
    }

    [Fact]
    public void CommittingTheSameFileHashTwiceChangesNothing()
    {
        using var store = SqliteEmrStore.Open(_db.Path);
        var first = store.CommitIngestion(Batch("same", [Encounter("e1", 50)]));
        var second = store.CommitIngestion(Batch("same", [Encounter("e2", 60)]));

        Assert.True(second.AlreadyIngested);
        Assert.Equal(first.Run.Id, second.Run.Id);
        Assert.Equal(1, store.CountEncounters());
        Assert.Single(store.GetIngestionRuns());
    }

    [Fact]
    public void AnIdAlreadyStoredIsQuarantinedAsDuplicateAndTheStoredOneKept()
    {
        using var store = SqliteEmrStore.Open(_db.Path);
        store.CommitIngestion(Batch("h1", [Encounter("e1", 50)]));
        var commit = store.CommitIngestion(Batch("h2", [Encounter("e1", 99, row: 7), Encounter("e2", 60)]));

        Assert.Equal(1, commit.Run.Accepted);
        Assert.Equal(1, commit.Run.QuarantinedByReason[QuarantineReason.DuplicateEncounter]);
        Assert.Equal(50, store.GetEncounter("e1")!["Age"]);
        var q = Assert.Single(store.GetQuarantine());
        Assert.Equal(7, q.RowNumber);
    }

    [Fact]
    public void AFailureMidBatchLeavesTheStoreUnchanged()
    {
        using var store = SqliteEmrStore.Open(_db.Path);
        store.CommitIngestion(Batch("h1", [Encounter("keep", 50)]));

        IEnumerable<EncounterRecord> Failing()
        {
            for (var i = 0; i < 100; i++)
            {
                if (i == 50)
                {
                    throw new InvalidOperationException("injected failure");
                }

                yield return Encounter($"n{i}", 30);
            }
        }

        Assert.Throws<InvalidOperationException>(() => store.CommitIngestion(Batch("h2", Failing(),
            new QuarantineEntry("export.csv", 3, null, QuarantineReason.MalformedLine, "x", null))));

        Assert.Equal(["keep"], store.GetEncounters().Select(e => e.EncounterId));
        Assert.Single(store.GetIngestionRuns());
        Assert.Empty(store.GetQuarantine());
        Assert.Null(store.FindIngestionRun("h2"));
    }

    [Fact]
    public void AnSqlInjectionAttemptInAnIdIsStoredLiterally()
    {
        const string evil = "x'); DROP TABLE encounters; --";
        using var store = SqliteEmrStore.Open(_db.Path);
        store.CommitIngestion(Batch("h1", [Encounter(evil, 50)]));

        Assert.Equal(evil, store.GetEncounter(evil)!.EncounterId);
        Assert.Null(store.GetEncounter("x"));
        Assert.Equal(1, store.CountEncounters());
    }

    [Fact]
    public void ScoreTablesGetIncreasingVersionsWithProvenance()
    {
        using var store = SqliteEmrStore.Open(_db.Path);
        var card = new ScoreCard(
            [new ScoreCardVariable("Age", [new ScoreBin("(,50)", 0, BinKind.Range, Upper: 50), new ScoreBin("[50,)", 7, BinKind.Range, Lower: 50)])],
            [new RiskPoint(0, 0.01), new RiskPoint(5, 0.2)]);
        var v1 = store.SaveScoreCard(card, new ScoreProvenance("secagg+", Round: "3", Session: "s-1", Sites: ["site1", "site2"]));
        var v2 = store.SaveScoreCard(card, new ScoreProvenance("plain"));

        Assert.Equal(1, v1.Version);
        Assert.Equal(2, v2.Version);
        Assert.Equal(2, store.GetScoreCard()!.Version);
        var read = store.GetScoreCard(1)!;
        Assert.Equal("secagg+", read.Provenance.Scheme);
        Assert.Equal(["site1", "site2"], read.Provenance.Sites!);
        Assert.Equal(card.ToJson(), read.Card.ToJson());
        Assert.Equal(0.2, read.Card.RiskOf(6));
    }

    [Fact]
    public void AScoreTableAlteredInTheDatabaseIsRefused()
    {
        using var store = SqliteEmrStore.Open(_db.Path);
        var card = new ScoreCard([new ScoreCardVariable("Age", [new ScoreBin("all", 3, BinKind.Range)])], [new RiskPoint(0, 0.1)]);
        store.SaveScoreCard(card, new ScoreProvenance("plain"));
        Execute("UPDATE score_tables SET table_json = replace(table_json, '\"points\":3', '\"points\":30')");

        Assert.Throws<EmrStoreException>(() => store.GetScoreCard());
    }

    [Theory]
    [InlineData("Vital_F", "degF", 98.6, 37.0)]
    [InlineData("Vital_F", "K", 310.15, 37.0)]
    [InlineData("Lab_A", "mmol/L", 5.5, 99.0858)]
    [InlineData("Lab_D", "µmol/L", 88.4, 0.99998)]
    [InlineData("Lab_K", "mmol/L", 5.0, 14.007)]
    [InlineData("Lab_G", "g/L", 140, 14)]
    [InlineData("Age", null, 42, 42)]
    public void UnitsConvertToTheCanonicalUnit(string variable, string? unit, double value, double expected)
    {
        var conversion = UnitConversion.ToCanonical(CommonDataModel.Get(variable), unit)!;
        Assert.Equal(expected, conversion.Apply(value), 3);
    }

    [Fact]
    public void AnUnknownUnitIsRefused() =>
        Assert.Null(UnitConversion.ToCanonical(CommonDataModel.Get("Lab_B"), "mg/dL"));

    private int CountRows(string table)
    {
        using var c = new SqliteConnection($"Data Source={_db.Path};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT COUNT(*) FROM {table}";
        return Convert.ToInt32(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private void Execute(string sql)
    {
        using var c = new SqliteConnection($"Data Source={_db.Path};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }
}
