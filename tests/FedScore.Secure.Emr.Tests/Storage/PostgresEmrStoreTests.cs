using FedScore.Secure.Emr.Storage;

namespace FedScore.Secure.Emr.Tests.Storage;

/// <summary>PostgreSQL-specific behaviour (the shared behaviour runs in <see cref="PostgresStoreBehaviourTests"/>).</summary>
public sealed class PostgresEmrStoreTests
{
    [PostgresFact]
    public void AVersionOneDatabaseIsMigratedToTheLatestVersionKeepingItsData()
    {
        using var db = new TempPostgresDatabase();
        using (var v1 = PostgresEmrStore.Open(db.ConnectionString, targetVersion: 1))
        {
            Assert.Equal(1, v1.SchemaVersion);
            v1.CommitIngestion(EmrStoreBehaviourTests.Batch("h1", [EmrStoreBehaviourTests.Encounter("e1", 50)]));
        }

        using var latest = EmrStores.Open(EmrStores.PostgresPrefix + db.ConnectionString);
        Assert.IsType<PostgresEmrStore>(latest);
        Assert.Equal(EmrMigrations.LatestVersion, latest.SchemaVersion);
        Assert.Equal(1, latest.CountEncounters());
    }

    [Fact]
    public void TheDescriptionNamesHostAndDatabaseButNeverThePassword()
    {
        // Port 1 on loopback: nothing listens, so opening fails — and the message must not carry the password.
        var e = Assert.Throws<EmrStoreException>(() =>
            PostgresEmrStore.Open("Host=127.0.0.1;Port=1;Database=site;Username=u;Password=hunter2;Timeout=2"));
        Assert.Contains("postgres:127.0.0.1:1/site", e.Message);
        Assert.DoesNotContain("hunter2", e.Message);
    }
}
