using FedScore.Secure.Scoring.Data;

namespace FedScore.Secure.Scoring.Binning;

/// <summary>
/// How one variable is turned into categories (AutoScore <c>transform_df_fixed</c>). Levels are indexed 0..L-1 in
/// natural order (numeric bins low to high, then "*Unknown"); <see cref="Labels"/> gives R's label strings.
/// </summary>
public abstract class VariableBinning
{
    protected VariableBinning(string variable, IReadOnlyList<string> labels)
    {
        Variable = variable;
        Labels = labels;
    }

    public string Variable { get; }

    public IReadOnlyList<string> Labels { get; }

    public int LevelCount => Labels.Count;

    /// <summary>Level index of a row, or -1 if the row falls in no level (a missing value with no Unknown level).</summary>
    public abstract int LevelOf(PredictorColumn column, int row);

    /// <summary>R's reference level for the first glm: the level whose label sorts first (C-locale string order).</summary>
    public int FirstLevelInStringOrder(ReadOnlySpan<long> levelCounts)
    {
        var best = -1;
        for (var l = 0; l < LevelCount; l++)
        {
            if (levelCounts[l] == 0)
            {
                continue;
            }

            if (best < 0 || string.CompareOrdinal(Labels[l], Labels[best]) < 0)
            {
                best = l;
            }
        }

        return best < 0 ? 0 : best;
    }

    public override string ToString() => $"{Variable}: {string.Join(" | ", Labels)}";
}

/// <summary>
/// Left-closed bins <c>[a,b)</c> between the cut points, with an open first bin "(,c1)" when the training data go
/// below c1 and an open last bin "[ck,)" when they reach ck (R adds sentinels floor(min)-100 / ceiling(max+100) and
/// rewrites those labels; we use ±∞ so that signif() of a sentinel can never cut off data). Values outside the
/// training range on new data fall into the nearest end bin (R would produce an unmatched label and a total score of
/// 0 for that patient — a documented difference). Missing values go to "*Unknown" when the training data had any.
/// </summary>
public sealed class NumericBinning : VariableBinning
{
    private readonly double[] _breaks;

    private NumericBinning(string variable, double[] breaks, bool openLow, bool openHigh, bool unknown, IReadOnlyList<string> labels)
        : base(variable, labels)
    {
        _breaks = breaks;
        HasOpenLowBin = openLow;
        HasOpenHighBin = openHigh;
        HasUnknownLevel = unknown;
    }

    /// <summary>Sorted distinct inner breaks (signif 3, as R's <c>unique(signif(breaks, 3))</c>).</summary>
    public IReadOnlyList<double> Breaks => _breaks;

    public bool HasOpenLowBin { get; }

    public bool HasOpenHighBin { get; }

    public bool HasUnknownLevel { get; }

    /// <summary>
    /// Builds the bins from a cut vector and three facts about the training data, each a count (so a federation can
    /// get them from secure sums): whether some value is below the first break, whether some value is at or above the
    /// last break, and whether some value is missing.
    /// </summary>
    public static NumericBinning Create(string variable, IEnumerable<double> cuts, bool anyBelowFirst, bool anyAtOrAboveLast, bool anyMissing)
    {
        var breaks = cuts.Select(c => RNumerics.Signif(c, 3)).Distinct().Order().ToArray();
        if (breaks.Length == 0)
        {
            throw new ArgumentException($"no cut points for '{variable}'.");
        }

        var labels = new List<string>();
        var formatted = FormatBreaks(breaks);
        if (anyBelowFirst)
        {
            labels.Add($"(,{formatted[0]})");
        }

        for (var i = 0; i + 1 < breaks.Length; i++)
        {
            labels.Add($"[{formatted[i]},{formatted[i + 1]})");
        }

        // R: the high sentinel is appended only if max(x) >= last break; then "[ck,)" exists.
        var openHigh = anyAtOrAboveLast || breaks.Length == 1;
        if (openHigh)
        {
            labels.Add($"[{formatted[^1]},)");
        }

        if (labels.Count == 0)
        {
            labels.Add($"[{formatted[0]},)");
            openHigh = true;
        }

        if (anyMissing)
        {
            labels.Add("*Unknown");
        }

        return new NumericBinning(variable, breaks, anyBelowFirst, openHigh, anyMissing, labels);
    }

    /// <summary>Builds the bins directly from a column (the local, single-site shortcut of <see cref="Create"/>).</summary>
    public static NumericBinning FromData(string variable, IEnumerable<double> cuts, PredictorColumn column)
    {
        var breaks = cuts.Select(c => RNumerics.Signif(c, 3)).ToArray();
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        var missing = false;
        foreach (var v in column.Values)
        {
            if (double.IsNaN(v))
            {
                missing = true;
                continue;
            }

            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }

        return Create(variable, cuts, min < breaks.Min(), max >= breaks.Max(), missing);
    }

    /// <summary>R <c>cut(dig.lab = 3)</c>: three significant digits, more only if needed to keep labels distinct.</summary>
    private static string[] FormatBreaks(double[] breaks)
    {
        for (var digits = 3; ; digits++)
        {
            var f = breaks.Select(b => RNumerics.FormatG(b, digits)).ToArray();
            if (f.Distinct().Count() == f.Length || digits >= 15)
            {
                return f;
            }
        }
    }

    public override int LevelOf(PredictorColumn column, int row) => LevelOfValue(column.Values[row]);

    public int LevelOfValue(double v)
    {
        if (double.IsNaN(v))
        {
            return HasUnknownLevel ? LevelCount - 1 : -1;
        }

        // Number of breaks ≤ v: 0 → below the first break.
        var idx = Array.BinarySearch(_breaks, v);
        var atOrBelow = idx >= 0 ? idx + 1 : ~idx;
        var innerBins = _breaks.Length - 1;
        int level;
        if (atOrBelow == 0)
        {
            level = 0; // "(,c1)" if it exists, else clamp into the first [c1,c2) bin
        }
        else
        {
            var bin = atOrBelow - 1; // 0..breaks-1; bin == breaks-1 means v ≥ last break
            if (bin >= innerBins && !HasOpenHighBin)
            {
                bin = innerBins - 1;
            }

            level = bin + (HasOpenLowBin ? 1 : 0);
        }

        var numericLevels = LevelCount - (HasUnknownLevel ? 1 : 0);
        return Math.Min(level, numericLevels - 1);
    }
}

/// <summary>
/// AutoScore's "let_binary": the value equal to the training mode keeps its label, every other value becomes
/// "not_&lt;mode&gt;". R recomputes the mode on every data set it transforms (so validation data can be binned on a
/// different mode); here the mode is fixed from the training data.
/// </summary>
public sealed class LetBinaryBinning : VariableBinning
{
    private LetBinaryBinning(string variable, double mode, bool unknown)
        : base(variable, unknown
            ? [RNumerics.AsCharacter(mode), "not_" + RNumerics.AsCharacter(mode), "*Unknown"]
            : [RNumerics.AsCharacter(mode), "not_" + RNumerics.AsCharacter(mode)])
    {
        Mode = mode;
        HasUnknownLevel = unknown;
    }

    public double Mode { get; }

    public bool HasUnknownLevel { get; }

    public static LetBinaryBinning Create(string variable, double mode, bool anyMissing) => new(variable, mode, anyMissing);

    public override int LevelOf(PredictorColumn column, int row)
    {
        var v = column.Values[row];
        if (double.IsNaN(v))
        {
            return HasUnknownLevel ? 2 : -1;
        }

        return v == Mode ? 0 : 1;
    }
}

/// <summary>A categorical predictor kept as is; missing → "Unknown" when the training data had missing values.</summary>
public sealed class CategoricalBinning : VariableBinning
{
    private readonly Dictionary<string, int> _index;

    private CategoricalBinning(string variable, IReadOnlyList<string> labels, bool unknown)
        : base(variable, labels)
    {
        HasUnknownLevel = unknown;
        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < labels.Count; i++)
        {
            _index[labels[i]] = i;
        }
    }

    public bool HasUnknownLevel { get; }

    public static CategoricalBinning Create(string variable, IEnumerable<string> levels, bool anyMissing)
    {
        var l = levels.Distinct().Order(StringComparer.Ordinal).ToList();
        if (anyMissing && !l.Contains("Unknown"))
        {
            l.Add("Unknown");
        }

        return new CategoricalBinning(variable, l, anyMissing);
    }

    public override int LevelOf(PredictorColumn column, int row)
    {
        var s = column.LevelAt(row);
        if (s is null)
        {
            return HasUnknownLevel ? _index["Unknown"] : -1;
        }

        return _index.TryGetValue(s, out var i) ? i : -1;
    }
}
