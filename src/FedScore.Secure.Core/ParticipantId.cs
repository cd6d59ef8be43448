namespace FedScore.Secure;

/// <summary>
/// The name of a participant in a federation (a site, or an auxiliary role such as a Paillier decryptor).
/// Names are short ASCII identifiers so that they can be logged, put in file names and bound into key-derivation
/// labels without escaping.
/// </summary>
public readonly record struct ParticipantId : IComparable<ParticipantId>
{
    public const int MaxLength = 64;

    public ParticipantId(string value)
    {
        if (!IsValid(value))
        {
            throw new ArgumentException(
                $"participant id '{Truncate(value)}' is invalid: use 1 to {MaxLength} characters from [A-Za-z0-9._-]",
                nameof(value));
        }

        Value = value;
    }

    public string Value { get; }

    public static bool IsValid(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > MaxLength)
        {
            return false;
        }

        foreach (char c in value)
        {
            bool ok = c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '.' or '_' or '-';
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    public int CompareTo(ParticipantId other) => string.CompareOrdinal(Value, other.Value);

    public override string ToString() => Value ?? "";

    public static implicit operator ParticipantId(string value) => new(value);

    private static string Truncate(string? s) => s is null ? "<null>" : s.Length > 80 ? s[..80] + "…" : s;
}
