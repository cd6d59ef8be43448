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

    private static EncounterRecord Encounter(string id, double age) => EmrStoreBehaviourTests.Encounter(id, age);

    private static IngestionBatch Batch(string sha, IEnumerable<EncounterRecord> encounters) => EmrStoreBehaviourTests.Batch(sha, encounters);

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
