namespace FedScore.Secure.Scoring.Data;

/// <summary>Which part of a site's data a statistic is computed on.</summary>
public enum DataPart
{
    Train,
    Validation,
    Test,
}

/// <summary>
/// A site's table: predictors (numeric or categorical), a binary outcome (0/1) and optionally a split label per row
/// ("train", "validate", "test"; also accepted: "validation", "train_set", "validation_set", "test_set").
/// </summary>
public sealed class Dataset
{
    private readonly PredictorColumn[] _predictors;
    private readonly Dictionary<string, int> _index;
    private readonly int[] _outcome;
    private readonly string[]? _split;

    public Dataset(IReadOnlyList<PredictorColumn> predictors, int[] outcome, string[]? split = null, string source = "(memory)")
    {
        _predictors = [.. predictors];
        _outcome = outcome;
        _split = split;
        Source = source;
        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < _predictors.Length; i++)
        {
            if (_predictors[i].Length != outcome.Length)
            {
                throw new ArgumentException($"Column '{_predictors[i].Name}' has {_predictors[i].Length} rows, outcome has {outcome.Length}.");
            }

            if (!_index.TryAdd(_predictors[i].Name, i))
            {
                throw new ArgumentException($"Duplicate column '{_predictors[i].Name}'.");
            }
        }

        foreach (var y in outcome)
        {
            if (y is not (0 or 1))
            {
                throw new ArgumentException("The outcome must be 0 or 1.");
            }
        }

        if (split is not null && split.Length != outcome.Length)
        {
            throw new ArgumentException("Split column length differs from the outcome length.");
        }
    }

    /// <summary>Where the data came from (file path), for messages.</summary>
    public string Source { get; }

    public int RowCount => _outcome.Length;

    public IReadOnlyList<PredictorColumn> Predictors => _predictors;

    public IEnumerable<string> PredictorNames => _predictors.Select(p => p.Name);

    public ReadOnlySpan<int> Outcome => _outcome;

    public bool HasSplit => _split is not null;

    public int EventCount
    {
        get
        {
            var s = 0;
            foreach (var y in _outcome)
            {
                s += y;
            }

            return s;
        }
    }

    public bool Contains(string name) => _index.ContainsKey(name);

    public PredictorColumn this[string name] =>
        _index.TryGetValue(name, out var i)
            ? _predictors[i]
            : throw new KeyNotFoundException($"{Source}: no predictor named '{name}' (have: {string.Join(", ", PredictorNames)}).");

    public static string SplitLabel(DataPart part) => part switch
    {
        DataPart.Train => "train",
        DataPart.Validation => "validate",
        _ => "test",
    };

    private static DataPart? ParsePart(string label) => label.ToLowerInvariant() switch
    {
        "train" or "train_set" or "training" => DataPart.Train,
        "validate" or "validation" or "validation_set" or "valid" => DataPart.Validation,
        "test" or "test_set" => DataPart.Test,
        _ => null,
    };

    /// <summary>Rows of one split. Throws if there is no split column.</summary>
    public Dataset Part(DataPart part)
    {
        if (_split is null)
        {
            throw new InvalidOperationException($"{Source}: no split column; cannot select the {SplitLabel(part)} rows.");
        }

        var rows = new List<int>();
        for (var i = 0; i < _split.Length; i++)
        {
            if (ParsePart(_split[i]) == part)
            {
                rows.Add(i);
            }
        }

        return SelectRows(rows.ToArray());
    }

    /// <summary>Checks that every split label is recognised.</summary>
    internal static bool IsKnownSplitLabel(string label) => ParsePart(label) is not null;

    public Dataset SelectRows(int[] rows)
    {
        var cols = new PredictorColumn[_predictors.Length];
        for (var j = 0; j < cols.Length; j++)
        {
            cols[j] = _predictors[j].Select(rows);
        }

        var y = new int[rows.Length];
        string[]? split = _split is null ? null : new string[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            y[i] = _outcome[rows[i]];
            if (split is not null)
            {
                split[i] = _split![rows[i]];
            }
        }

        return new Dataset(cols, y, split, Source);
    }

    /// <summary>The same rows with only the named predictors (in the given order).</summary>
    public Dataset WithPredictors(IEnumerable<string> names) =>
        new([.. names.Select(n => this[n])], _outcome, _split, Source);

    /// <summary>Replaces predictor columns by name (used by imputation).</summary>
    public Dataset WithReplacedColumns(IReadOnlyList<PredictorColumn> replacements)
    {
        var cols = (PredictorColumn[])_predictors.Clone();
        foreach (var r in replacements)
        {
            cols[_index[r.Name]] = r;
        }

        return new Dataset(cols, _outcome, _split, Source);
    }

    /// <summary>Stacks two datasets with the same predictor names (the pooled data of two sites).</summary>
    public static Dataset Concat(Dataset a, Dataset b)
    {
        var cols = new PredictorColumn[a._predictors.Length];
        for (var j = 0; j < cols.Length; j++)
        {
            cols[j] = PredictorColumn.Concat(a._predictors[j], b[a._predictors[j].Name]);
        }

        string[]? split = a._split is not null && b._split is not null ? [.. a._split, .. b._split] : null;
        return new Dataset(cols, [.. a._outcome, .. b._outcome], split, $"{a.Source}+{b.Source}");
    }
}
