namespace FedScore.Secure.Scoring.Binning;

/// <summary>
/// The cut points of one variable, keyed by its name. AutoScore-R matches cut vectors to columns by position
/// (<c>transform_df_fixed</c> walks the columns with a counter), so a reordered list silently mis-bins; that is a bug
/// we do not reproduce — every cut vector here carries its variable name and is looked up by it.
/// </summary>
public sealed record CutVector
{
    private CutVector(string variable, double[] cuts, bool letBinary)
    {
        Variable = variable;
        Cuts = cuts;
        IsLetBinary = letBinary;
    }

    public string Variable { get; }

    /// <summary>Inner cut points (may contain duplicates, as in R; binning de-duplicates).</summary>
    public IReadOnlyList<double> Cuts { get; }

    /// <summary>AutoScore's "let_binary": too few distinct quantiles; the variable becomes "mode" vs "not_mode".</summary>
    public bool IsLetBinary { get; }

    public static CutVector Numeric(string variable, IEnumerable<double> cuts)
    {
        var c = cuts.ToArray();
        if (c.Length == 0 || c.Any(x => !double.IsFinite(x)))
        {
            throw new ArgumentException($"cut vector of '{variable}' must hold at least one finite value.");
        }

        return new CutVector(variable, c, false);
    }

    public static CutVector LetBinary(string variable) => new(variable, [], true);

    public override string ToString() =>
        IsLetBinary ? $"{Variable}: let_binary" : $"{Variable}: [{string.Join(", ", Cuts.Select(c => RNumerics.FormatG(c, 6)))}]";
}
