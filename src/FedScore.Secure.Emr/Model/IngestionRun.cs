namespace FedScore.Secure.Emr.Model;

/// <summary>One completed ingestion of a file, as recorded in the store (counts only, no patient data).</summary>
/// <param name="FileSha256">Lower-case hex SHA-256 of the file's bytes: the idempotency key.</param>
/// <param name="MappedVariables">Common-data-model variables the mapping supplied for this file.</param>
public sealed record IngestionRun(
    long Id,
    string FileName,
    string FileSha256,
    string MappingSha256,
    DateTimeOffset CompletedAt,
    int RowsRead,
    int Accepted,
    int Quarantined,
    IReadOnlyDictionary<QuarantineReason, int> QuarantinedByReason,
    IReadOnlyDictionary<string, int> MissingByVariable,
    IReadOnlyList<string> MappedVariables);
