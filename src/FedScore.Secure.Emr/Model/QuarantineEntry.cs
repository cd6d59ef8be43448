namespace FedScore.Secure.Emr.Model;

/// <summary>Why a row of an export was not stored as an encounter.</summary>
public enum QuarantineReason
{
    /// <summary>The line is not valid CSV (unterminated quote, text after a closing quote) or has the wrong field count.</summary>
    MalformedLine,

    /// <summary>The encounter id field is empty.</summary>
    MissingEncounterId,

    /// <summary>The encounter id is longer than <see cref="EncounterRecord.MaxIdLength"/>.</summary>
    InvalidEncounterId,

    /// <summary>The id was already seen earlier in the same file or is already in the store (first one kept).</summary>
    DuplicateEncounter,

    /// <summary>A value is not a finite number in invariant culture.</summary>
    UnparsableValue,

    /// <summary>A value, after unit conversion, is outside the variable's plausible range.</summary>
    OutOfRange,

    /// <summary>The outcome is neither 0/1 nor TRUE/FALSE (an empty outcome is a current case, not an error).</summary>
    InvalidOutcome,

    /// <summary>The split is not train/validate/test.</summary>
    InvalidSplit,

    /// <summary>The admission timestamp matches none of the mapping's date formats.</summary>
    InvalidTimestamp,
}

/// <summary>
/// A rejected row: where it came from and why. <see cref="Detail"/> names columns and limits but never a patient's
/// value, so it may be logged. <see cref="RawRecord"/> keeps the original line in the local store so that nothing is
/// lost and the row can be corrected and re-ingested; it is never logged or shown by ToString().
/// </summary>
public sealed record QuarantineEntry(string FileName, int RowNumber, string? Column, QuarantineReason Reason, string Detail, string? RawRecord)
{
    public override string ToString() =>
        $"{FileName}, line {RowNumber}{(Column is null ? "" : $", column '{Column}'")}: {Reason} ({Detail})";
}
