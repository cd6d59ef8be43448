using FedScore.Secure.Emr.CaseScoring;
using FedScore.Secure.Emr.Model;

namespace FedScore.Secure.Emr.Storage;

/// <summary>Which encounters to read.</summary>
public enum EncounterSelection
{
    All,

    /// <summary>Encounters with an outcome: the site's training/validation/test data.</summary>
    WithOutcome,

    /// <summary>Encounters without an outcome yet: the current cases to score.</summary>
    Current,
}

/// <summary>Everything one ingestion wants to store; written all-or-nothing by <see cref="IEmrStore.CommitIngestion"/>.</summary>
/// <param name="Encounters">Accepted rows in file order; enumerated once, inside the transaction.</param>
public sealed record IngestionBatch(
    string FileName,
    string FileSha256,
    string MappingSha256,
    int RowsRead,
    IEnumerable<EncounterRecord> Encounters,
    IReadOnlyList<QuarantineEntry> Quarantine,
    IReadOnlyDictionary<string, int> MissingByVariable,
    IReadOnlyList<string> MappedVariables);

/// <summary>Result of a commit: the run as recorded and whether the file had been ingested before (then nothing changed).</summary>
public sealed record IngestionCommit(IngestionRun Run, bool AlreadyIngested);

/// <summary>
/// A site's local record store (SQLite by default, PostgreSQL optionally). Every write is one transaction: a failure
/// leaves the store as it was. All SQL is parameterised. Implementations open the schema at construction and apply
/// pending migrations (see <see cref="EmrMigrations"/>).
/// </summary>
public interface IEmrStore : IDisposable
{
    /// <summary>Schema version after migration (the highest version in the schema_version table).</summary>
    int SchemaVersion { get; }

    /// <summary>Where the store lives, for messages (a path or host/database; never a password).</summary>
    string Description { get; }

    /// <summary>The completed run for a file hash, if that file was ingested before.</summary>
    IngestionRun? FindIngestionRun(string fileSha256);

    IReadOnlyList<IngestionRun> GetIngestionRuns();

    /// <summary>
    /// Stores a batch in one transaction: records the run, inserts the encounters in order, quarantines any whose id is
    /// already stored (reason <see cref="QuarantineReason.DuplicateEncounter"/>), inserts the quarantine entries and the
    /// final counts. If a run with the same file hash exists, nothing is written and that run is returned.
    /// </summary>
    IngestionCommit CommitIngestion(IngestionBatch batch);

    EncounterRecord? GetEncounter(string encounterId);

    /// <summary>Encounters in ingestion order.</summary>
    IReadOnlyList<EncounterRecord> GetEncounters(EncounterSelection selection = EncounterSelection.All);

    int CountEncounters();

    IReadOnlyList<QuarantineEntry> GetQuarantine();

    /// <summary>Common-data-model variables supplied by at least one ingestion mapping, in model order.</summary>
    IReadOnlyList<string> GetCoveredVariables();

    /// <summary>Stores a score table as the next version (1, 2, …) with its provenance and the current time.</summary>
    StoredScoreCard SaveScoreCard(ScoreCard card, ScoreProvenance provenance);

    /// <summary>A stored score table; the latest when <paramref name="version"/> is null; null when none.</summary>
    StoredScoreCard? GetScoreCard(int? version = null);

    IReadOnlyList<StoredScoreCard> GetScoreCards();
}
