namespace FedScore.Secure.Emr.Model;

/// <summary>
/// One encounter in the common data model. <see cref="Values"/> is indexed like
/// <see cref="CommonDataModel.Variables"/>; NaN means missing (the scoring layer's convention).
/// An encounter without an outcome is a current case (to be scored); with an outcome it is training data.
/// ToString() prints the id only, never clinical values, so that an encounter cannot leak into a log by accident.
/// </summary>
public sealed class EncounterRecord
{
    /// <summary>Longest encounter id accepted (ids are identifiers, not free text).</summary>
    public const int MaxIdLength = 128;

    private readonly double[] _values;

    public EncounterRecord(string encounterId, ReadOnlySpan<double> values, int? outcome = null, string? split = null, DateTimeOffset? admittedAt = null, int sourceRow = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(encounterId);
        if (encounterId.Length > MaxIdLength)
        {
            throw new ArgumentException($"An encounter id has at most {MaxIdLength} characters.", nameof(encounterId));
        }

        if (values.Length != CommonDataModel.VariableCount)
        {
            throw new ArgumentException($"Expected {CommonDataModel.VariableCount} values (one per common-data-model variable), got {values.Length}.", nameof(values));
        }

        if (outcome is not (null or 0 or 1))
        {
            throw new ArgumentException("The outcome must be 0, 1 or absent.", nameof(outcome));
        }

        if (split is not null && CommonDataModel.NormaliseSplit(split) != split)
        {
            throw new ArgumentException("The split must be train, validate or test.", nameof(split));
        }

        EncounterId = encounterId;
        _values = values.ToArray();
        Outcome = outcome;
        Split = split;
        AdmittedAt = admittedAt;
        SourceRow = sourceRow;
    }

    public string EncounterId { get; }

    /// <summary>Values in canonical units, NaN = missing.</summary>
    public ReadOnlySpan<double> Values => _values;

    public int? Outcome { get; }

    /// <summary>"train", "validate", "test" or null.</summary>
    public string? Split { get; }

    public DateTimeOffset? AdmittedAt { get; }

    /// <summary>Line in the source file (header = line 1); 0 when not from a file.</summary>
    public int SourceRow { get; }

    public bool IsCurrentCase => Outcome is null;

    /// <summary>Value of a variable by name; NaN when missing.</summary>
    public double this[string variable] => _values[IndexOrThrow(variable)];

    private static int IndexOrThrow(string variable)
    {
        var i = CommonDataModel.IndexOf(variable);
        return i >= 0 ? i : throw new KeyNotFoundException($"'{variable}' is not a variable of the common data model.");
    }

    public override string ToString() => $"Encounter {EncounterId}";
}
