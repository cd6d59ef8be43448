using FedScore.Secure.Scoring.Binning;
using FedScore.Secure.Scoring.Data;

namespace FedScore.Secure.Scoring.Modeling;

/// <summary>
/// A public description of a logistic model's design (which columns, how coded), from which every site builds its
/// own design matrix. Descriptions hold no patient data, so a coordinator can send them to sites in clear.
/// </summary>
public abstract class LogisticDesign
{
    public abstract IReadOnlyList<string> ColumnNames { get; }

    public int Columns => ColumnNames.Count;

    /// <summary>Builds the site's design matrix (column 0 is the intercept).</summary>
    public abstract SparseDesign Build(Dataset data);
}

/// <summary>Intercept plus numeric predictors as they are; rows with a missing predictor are dropped (glm's na.omit).</summary>
public sealed class NumericDesign : LogisticDesign
{
    private readonly string[] _predictors;
    private readonly string[] _names;

    public NumericDesign(IEnumerable<string> predictors)
    {
        _predictors = [.. predictors];
        _names = ["(Intercept)", .. _predictors];
    }

    public IReadOnlyList<string> Predictors => _predictors;

    public override IReadOnlyList<string> ColumnNames => _names;

    public override SparseDesign Build(Dataset data) => BuildComplete(data, _predictors, Columns, static (_, x) => x);

    /// <summary>
    /// Intercept plus the given numeric predictors, each value passed through <paramref name="transform"/>(j, x);
    /// rows with any missing predictor are skipped (glm's na.omit). Shared by raw and standardized designs.
    /// </summary>
    internal static SparseDesign BuildComplete(Dataset data, string[] predictors, int columns, Func<int, double, double> transform)
    {
        var cols = new PredictorColumn[predictors.Length];
        for (var j = 0; j < cols.Length; j++)
        {
            cols[j] = data[predictors[j]];
            if (cols[j].Kind != PredictorKind.Numeric)
            {
                throw new ArgumentException($"{data.Source}: predictor '{predictors[j]}' is categorical; a numeric design needs numbers.");
            }
        }

        var b = new SparseDesign.Builder(columns);
        var y = data.Outcome;
        for (var r = 0; r < data.RowCount; r++)
        {
            var complete = true;
            foreach (var c in cols)
            {
                if (double.IsNaN(c.Values[r]))
                {
                    complete = false;
                    break;
                }
            }

            if (!complete)
            {
                continue;
            }

            b.Add(0, 1);
            for (var j = 0; j < cols.Length; j++)
            {
                b.Add(j + 1, transform(j, cols[j].Values[r]));
            }

            b.EndRow(y[r]);
        }

        return b.Build();
    }
}

/// <summary>
/// Dummy coding of binned variables: intercept, then for each variable one indicator per non-reference level
/// (R's treatment contrasts). Column names are R's: variable name + level label, e.g. "Age[49,76)".
/// Rows whose value falls in no level (missing without an Unknown level) contribute no indicator for that variable.
/// </summary>
public sealed class BinnedDesign : LogisticDesign
{
    private readonly VariableBinning[] _binnings;
    private readonly int[] _references;
    private readonly int[][] _columnOfLevel; // -1 for the reference
    private readonly string[] _names;

    public BinnedDesign(IReadOnlyList<VariableBinning> binnings, IReadOnlyList<int> referenceLevels)
    {
        if (binnings.Count != referenceLevels.Count)
        {
            throw new ArgumentException("one reference level per variable is required.");
        }

        _binnings = [.. binnings];
        _references = [.. referenceLevels];
        _columnOfLevel = new int[_binnings.Length][];
        var names = new List<string> { "(Intercept)" };
        for (var v = 0; v < _binnings.Length; v++)
        {
            var bn = _binnings[v];
            if (_references[v] < 0 || _references[v] >= bn.LevelCount)
            {
                throw new ArgumentOutOfRangeException(nameof(referenceLevels), $"reference level of '{bn.Variable}' out of range.");
            }

            _columnOfLevel[v] = new int[bn.LevelCount];
            for (var l = 0; l < bn.LevelCount; l++)
            {
                if (l == _references[v])
                {
                    _columnOfLevel[v][l] = -1;
                }
                else
                {
                    _columnOfLevel[v][l] = names.Count;
                    names.Add(bn.Variable + bn.Labels[l]);
                }
            }
        }

        _names = [.. names];
    }

    public IReadOnlyList<VariableBinning> Binnings => _binnings;

    public IReadOnlyList<int> References => _references;

    public override IReadOnlyList<string> ColumnNames => _names;

    /// <summary>Design column of a variable's level, or -1 for the reference level.</summary>
    public int ColumnOf(int variable, int level) => _columnOfLevel[variable][level];

    public override SparseDesign Build(Dataset data)
    {
        var cols = _binnings.Select(bn => data[bn.Variable]).ToArray();
        var b = new SparseDesign.Builder(Columns);
        var y = data.Outcome;
        // Columns increase with the variable index, so entries are added in increasing column order.
        for (var r = 0; r < data.RowCount; r++)
        {
            b.Add(0, 1);
            for (var v = 0; v < _binnings.Length; v++)
            {
                var level = _binnings[v].LevelOf(cols[v], r);
                if (level >= 0 && _columnOfLevel[v][level] >= 0)
                {
                    b.Add(_columnOfLevel[v][level], 1);
                }
            }

            b.EndRow(y[r]);
        }

        return b.Build();
    }
}
