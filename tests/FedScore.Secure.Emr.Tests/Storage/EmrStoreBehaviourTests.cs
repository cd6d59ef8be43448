using FedScore.Secure.Emr.CaseScoring;
using FedScore.Secure.Emr.Ingestion;
using FedScore.Secure.Emr.Model;
using FedScore.Secure.Emr.Storage;
using FedScore.Secure.Emr.Tests.Ingestion;

namespace FedScore.Secure.Emr.Tests.Storage;

/// <summary>
/// What every <see cref="IEmrStore"/> backend must do, run once per backend (SQLite always; PostgreSQL when a test
/// server is configured, reported skipped otherwise). Each test gets a fresh, empty database.
/// </summary>
public abstract class EmrStoreBehaviourTests : IDisposable
{
    /// <summary>Opens (or re-opens) this test's database.</summary>
    protected abstract IEmrStore Open();

    public abstract void Dispose();

    internal static EncounterRecord Encounter(string id, double age, int? outcome = 0, int row = 2)
    {
        var values = Enumerable.Repeat(double.NaN, CommonDataModel.VariableCount).ToArray();
        values[CommonDataModel.IndexOf("Age")] = age;
        values[CommonDataModel.IndexOf("Vital_F")] = 36.6;
        return new EncounterRecord(id, values, outcome, outcome is null ? null : "train", sourceRow: row);
    }

    internal static IngestionBatch Batch(string sha, IEnumerable<EncounterRecord> encounters, params QuarantineEntry[] quarantine) =>
        new("export.csv", sha, "mapping", 10, encounters, quarantine, new Dictionary<string, int>(), ["Age", "Vital_F"]);

    private static readonly Lazy<string> s_messy = new(() => MessyExport.Generate(RepoFiles.Data("site1.csv")));

    internal static byte[] MessyBytes => System.Text.Encoding.UTF8.GetBytes(s_messy.Value);

    internal static EmrMapping ExampleMapping => EmrMapping.Load(RepoFiles.Data("emr", "mapping.json"));

    [StoreFact]
    public void OpeningCreatesTheLatestSchemaAndReopeningAppliesNothing()
    {
        using (var store = Open())
        {
            Assert.Equal(EmrMigrations.LatestVersion, store.SchemaVersion);
            store.CommitIngestion(Batch("h1", [Encounter("e1", 50)]));
        }

        using var again = Open();
        Assert.Equal(EmrMigrations.LatestVersion, again.SchemaVersion);
        Assert.Equal(1, again.CountEncounters());
    }

    [StoreFact]
    public void ABatchIsStoredWithCountsAndReadBackInOrder()
    {
        using var store = Open();
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
        var q = Assert.Single(store.GetQuarantine());
        Assert.Equal((4, "Age", "raw"), (q.RowNumber, q.Column, q.RawRecord));
    }

    [StoreFact]
    public void CommittingTheSameFileHashTwiceChangesNothing()
    {
        using var store = Open();
        var first = store.CommitIngestion(Batch("same", [Encounter("e1", 50)]));
        var second = store.CommitIngestion(Batch("same", [Encounter("e2", 60)]));

        Assert.True(second.AlreadyIngested);
        Assert.Equal(first.Run.Id, second.Run.Id);
        Assert.Equal(1, store.CountEncounters());
        Assert.Single(store.GetIngestionRuns());
    }

    [StoreFact]
    public void AnIdAlreadyStoredIsQuarantinedAsDuplicateAndTheStoredOneKept()
    {
        using var store = Open();
        store.CommitIngestion(Batch("h1", [Encounter("e1", 50)]));
        var commit = store.CommitIngestion(Batch("h2", [Encounter("e1", 99, row: 7), Encounter("e2", 60)]));

        Assert.Equal(1, commit.Run.Accepted);
        Assert.Equal(1, commit.Run.QuarantinedByReason[QuarantineReason.DuplicateEncounter]);
        Assert.Equal(50, store.GetEncounter("e1")!["Age"]);
        var q = Assert.Single(store.GetQuarantine());
        Assert.Equal(7, q.RowNumber);
    }

    [StoreFact]
    public void AFailureMidBatchLeavesTheStoreUnchanged()
    {
        using var store = Open();
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

    [StoreFact]
    public void AnSqlInjectionAttemptInAnIdIsStoredLiterally()
    {
        const string evil = "x'); DROP TABLE encounters; --";
        using var store = Open();
        store.CommitIngestion(Batch("h1", [Encounter(evil, 50)]));

        Assert.Equal(evil, store.GetEncounter(evil)!.EncounterId);
        Assert.Null(store.GetEncounter("x"));
        Assert.Equal(1, store.CountEncounters());
    }

    [StoreFact]
    public void ScoreTablesGetIncreasingVersionsWithProvenance()
    {
        using var store = Open();
        var card = new ScoreCard(
            [new ScoreCardVariable("Age", [new ScoreBin("(,50)", 0, BinKind.Range, Upper: 50), new ScoreBin("[50,)", 7, BinKind.Range, Lower: 50)])],
            [new RiskPoint(0, 0.01), new RiskPoint(5, 0.2)]);
        var v1 = store.SaveScoreCard(card, new ScoreProvenance("secagg+", Round: "3", Session: "s-1", Sites: ["site1", "site2"], Note: "variables: Age"));
        var v2 = store.SaveScoreCard(card, new ScoreProvenance("plain"));

        Assert.Equal(1, v1.Version);
        Assert.Equal(2, v2.Version);
        Assert.Equal(2, store.GetScoreCard()!.Version);
        Assert.Equal([1, 2], store.GetScoreCards().Select(c => c.Version));
        var read = store.GetScoreCard(1)!;
        Assert.Equal("secagg+", read.Provenance.Scheme);
        Assert.Equal(("3", "s-1", "variables: Age"), (read.Provenance.Round, read.Provenance.Session, read.Provenance.Note));
        Assert.Equal(["site1", "site2"], read.Provenance.Sites!);
        Assert.Equal(card.ToJson(), read.Card.ToJson());
        Assert.Equal(0.2, read.Card.RiskOf(6));
        Assert.Null(store.GetScoreCard(3));
    }

    [StoreFact]
    public void TheMessyExportIngestsWithTheExpectedCountsByReason()
    {
        using var store = Open();
        var report = ExportIngestor.Ingest(store, ExampleMapping, MessyBytes, "export.csv");

        Assert.False(report.AlreadyIngested);
        Assert.Equal(MessyExport.RowsRead, report.RowsRead);
        Assert.Equal(MessyExport.Accepted, report.Accepted);
        Assert.Equal(MessyExport.RowsRead - MessyExport.Accepted, report.Quarantined);
        Assert.Equal(new Dictionary<string, int>
        {
            ["MalformedLine"] = MessyExport.Malformed,
            ["MissingEncounterId"] = MessyExport.MissingId,
            ["DuplicateEncounter"] = MessyExport.Duplicates,
            ["UnparsableValue"] = MessyExport.Unparsable,
            ["OutOfRange"] = MessyExport.OutOfRange,
            ["InvalidOutcome"] = MessyExport.InvalidOutcome,
            ["InvalidTimestamp"] = MessyExport.InvalidTimestamp,
        }, report.QuarantinedByReason);
        Assert.Equal(MessyExport.MissingLactate, report.MissingByVariable["Lab_H"]);
        Assert.Equal(MessyExport.MissingGlucose, report.MissingByVariable["Lab_A"]);
        Assert.Equal(0, report.MissingByVariable["Age"]);
        Assert.Equal(["Ward"], report.UnmappedColumns);

        Assert.Equal(MessyExport.Accepted, store.CountEncounters());
        Assert.Equal(MessyExport.CurrentCases, store.GetEncounters(EncounterSelection.Current).Count);
        var quarantine = store.GetQuarantine();
        Assert.Equal(report.Quarantined, quarantine.Count);
        Assert.All(quarantine, q => Assert.Equal("export.csv", q.FileName));
        Assert.All(quarantine, q => Assert.NotNull(q.RawRecord));
        Assert.Equal(quarantine.Count, quarantine.Select(q => q.RowNumber).Distinct().Count());
        Assert.DoesNotContain("Vital_A", store.GetCoveredVariables());
        Assert.Equal(20, store.GetCoveredVariables().Count);
    }

    [StoreFact]
    public void ReIngestingTheSameFileChangesNothing()
    {
        using var store = Open();
        var first = ExportIngestor.Ingest(store, ExampleMapping, MessyBytes, "export.csv");
        var again = ExportIngestor.Ingest(store, ExampleMapping, MessyBytes, "export-copy.csv");

        Assert.True(again.AlreadyIngested);
        Assert.Equal(first.Accepted, again.Accepted);
        Assert.Equal(first.FileSha256, again.FileSha256);
        Assert.Single(store.GetIngestionRuns());
        Assert.Equal(MessyExport.Accepted, store.CountEncounters());
        Assert.Equal(first.Quarantined, store.GetQuarantine().Count);
    }

    [StoreFact]
    public void AnIngestionThatFailsHalfWayLeavesTheStoreUnchanged()
    {
        using var store = Open();
        store.CommitIngestion(Batch("h1", [Encounter("keep", 50)]));
        using var failing = new FailAfter(store, 100);

        Assert.Throws<IOException>(() => ExportIngestor.Ingest(failing, ExampleMapping, MessyBytes, "export.csv"));

        Assert.Equal(["keep"], store.GetEncounters().Select(e => e.EncounterId));
        Assert.Single(store.GetIngestionRuns());
        Assert.Empty(store.GetQuarantine());
    }

    /// <summary>A store whose next ingestion fails (like a full disk) after some encounters were written.</summary>
    private sealed class FailAfter(IEmrStore inner, int count) : IEmrStore
    {
        public int SchemaVersion => inner.SchemaVersion;
        public string Description => inner.Description;
        public IngestionRun? FindIngestionRun(string fileSha256) => inner.FindIngestionRun(fileSha256);
        public IReadOnlyList<IngestionRun> GetIngestionRuns() => inner.GetIngestionRuns();

        public IngestionCommit CommitIngestion(IngestionBatch batch) =>
            inner.CommitIngestion(batch with { Encounters = Failing(batch.Encounters) });

        private IEnumerable<EncounterRecord> Failing(IEnumerable<EncounterRecord> source)
        {
            var n = 0;
            foreach (var e in source)
            {
                if (n++ == count)
                {
                    throw new IOException("injected: disk full");
                }

                yield return e;
            }
        }

        public EncounterRecord? GetEncounter(string encounterId) => inner.GetEncounter(encounterId);
        public IReadOnlyList<EncounterRecord> GetEncounters(EncounterSelection selection = EncounterSelection.All) => inner.GetEncounters(selection);
        public int CountEncounters() => inner.CountEncounters();
        public IReadOnlyList<QuarantineEntry> GetQuarantine() => inner.GetQuarantine();
        public IReadOnlyList<string> GetCoveredVariables() => inner.GetCoveredVariables();
        public StoredScoreCard SaveScoreCard(ScoreCard card, ScoreProvenance provenance) => inner.SaveScoreCard(card, provenance);
        public StoredScoreCard? GetScoreCard(int? version = null) => inner.GetScoreCard(version);
        public IReadOnlyList<StoredScoreCard> GetScoreCards() => inner.GetScoreCards();

        public void Dispose()
        {
        }
    }
}

/// <summary>The shared store behaviour on SQLite (always runs).</summary>
public sealed class SqliteStoreBehaviourTests : EmrStoreBehaviourTests
{
    private readonly TempDatabase _db = new();

    protected override IEmrStore Open() => SqliteEmrStore.Open(_db.Path);

    public override void Dispose() => _db.Dispose();
}

/// <summary>The shared store behaviour on PostgreSQL: a database with a random name per test, dropped afterwards.</summary>
[RequiresPostgres]
public sealed class PostgresStoreBehaviourTests : EmrStoreBehaviourTests
{
    private readonly TempPostgresDatabase _db = new();

    protected override IEmrStore Open() => PostgresEmrStore.Open(_db.ConnectionString);

    public override void Dispose() => _db.Dispose();
}
