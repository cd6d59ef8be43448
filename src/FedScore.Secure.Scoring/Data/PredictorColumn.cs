namespace FedScore.Secure.Scoring.Data;

public enum PredictorKind
{
    /// <summary>Real-valued; missing values are NaN.</summary>
    Numeric,

    /// <summary>Fewer than 10 levels (AutoScore's factor rule); missing values have code -1.</summary>
    Categorical,
}

/// <summary>One predictor column: numeric values (NaN = missing) or categorical codes into a sorted level list.</summary>
public sealed class PredictorColumn
{
    private readonly double[] _values;
    private readonly int[] _codes;
    private readonly string[] _levels;

    private PredictorColumn(string name, PredictorKind kind, double[] values, int[] codes, string[] levels)
    {
        Name = name;
        Kind = kind;
        _values = values;
        _codes = codes;
        _levels = levels;
    }

    public string Name { get; }

    public PredictorKind Kind { get; }

    public int Length => Kind == PredictorKind.Numeric ? _values.Length : _codes.Length;

    /// <summary>Numeric values (NaN = missing). Empty for categorical columns.</summary>
    public ReadOnlySpan<double> Values => _values;

    /// <summary>Level codes (-1 = missing) into <see cref="Levels"/>. Empty for numeric columns.</summary>
    public ReadOnlySpan<int> Codes => _codes;

    /// <summary>Levels in ordinal string order (as R sorts factor levels in the C locale).</summary>
    public IReadOnlyList<string> Levels => _levels;

    public static PredictorColumn Numeric(string name, double[] values) =>
        new(name, PredictorKind.Numeric, values, [], []);

    /// <summary>Builds a categorical column from strings (null or empty = missing); levels are sorted ordinally.</summary>
    public static PredictorColumn Categorical(string name, IReadOnlyList<string?> values)
    {
        var levels = values.Where(v => !string.IsNullOrEmpty(v)).Select(v => v!).Distinct().ToArray();
        Array.Sort(levels, StringComparer.Ordinal);
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < levels.Length; i++)
        {
            index[levels[i]] = i;
        }

        var codes = new int[values.Count];
        for (var i = 0; i < codes.Length; i++)
        {
            var v = values[i];
            codes[i] = string.IsNullOrEmpty(v) ? -1 : index[v];
        }

        return new(name, PredictorKind.Categorical, [], codes, levels);
    }

    public bool IsMissing(int row) =>
        Kind == PredictorKind.Numeric ? double.IsNaN(_values[row]) : _codes[row] < 0;

    /// <summary>The level string of a categorical row, or null when missing.</summary>
    public string? LevelAt(int row) => _codes[row] < 0 ? null : _levels[_codes[row]];

    public int MissingCount()
    {
        var count = 0;
        for (var i = 0; i < Length; i++)
        {
            if (IsMissing(i))
            {
                count++;
            }
        }

        return count;
    }

    public PredictorColumn Select(ReadOnlySpan<int> rows)
    {
        if (Kind == PredictorKind.Numeric)
        {
            var v = new double[rows.Length];
            for (var i = 0; i < rows.Length; i++)
            {
                v[i] = _values[rows[i]];
            }

            return Numeric(Name, v);
        }

        var c = new int[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            c[i] = _codes[rows[i]];
        }

        return new(Name, PredictorKind.Categorical, [], c, _levels);
    }

    /// <summary>Same column with missing entries replaced (numeric by <paramref name="number"/>, categorical by <paramref name="level"/>).</summary>
    public PredictorColumn WithMissingReplaced(double number, string? level)
    {
        if (Kind == PredictorKind.Numeric)
        {
            var v = (double[])_values.Clone();
            for (var i = 0; i < v.Length; i++)
            {
                if (double.IsNaN(v[i]))
                {
                    v[i] = number;
                }
            }

            return Numeric(Name, v);
        }

        if (level is null)
        {
            return this;
        }

        var strings = new string?[_codes.Length];
        for (var i = 0; i < strings.Length; i++)
        {
            strings[i] = _codes[i] < 0 ? level : _levels[_codes[i]];
        }

        return Categorical(Name, strings);
    }

    internal static PredictorColumn Concat(PredictorColumn a, PredictorColumn b)
    {
        if (a.Kind != b.Kind)
        {
            throw new ArgumentException($"Column '{a.Name}' is {a.Kind} in one dataset and {b.Kind} in the other.");
        }

        if (a.Kind == PredictorKind.Numeric)
        {
            return Numeric(a.Name, [.. a._values, .. b._values]);
        }

        var strings = new string?[a.Length + b.Length];
        for (var i = 0; i < a.Length; i++)
        {
            strings[i] = a.LevelAt(i);
        }

        for (var i = 0; i < b.Length; i++)
        {
            strings[a.Length + i] = b.LevelAt(i);
        }

        return Categorical(a.Name, strings);
    }
}
