namespace FedScore.Secure.Scoring.Modeling;

/// <summary>
/// A design matrix in compressed-row form (column indexes strictly increasing within a row). Dummy-coded AutoScore
/// designs have one entry per variable per row, so products cost O(variables²) per row, not O(columns²).
/// Rows excluded from the model (e.g. missing numeric predictors under glm's na.omit) are simply not stored.
/// </summary>
public sealed class SparseDesign
{
    internal SparseDesign(int columns, int[] rowStart, int[] columnIndex, double[] value, int[] outcome)
    {
        Columns = columns;
        RowStart = rowStart;
        ColumnIndex = columnIndex;
        Value = value;
        Outcome = outcome;
    }

    public int Columns { get; }

    public int Rows => Outcome.Length;

    internal int[] RowStart { get; }

    internal int[] ColumnIndex { get; }

    internal double[] Value { get; }

    internal int[] Outcome { get; }

    public double LinearPredictor(int row, ReadOnlySpan<double> beta)
    {
        var s = 0.0;
        for (var k = RowStart[row]; k < RowStart[row + 1]; k++)
        {
            s += Value[k] * beta[ColumnIndex[k]];
        }

        return s;
    }

    /// <summary>Incremental builder: call <see cref="Add"/> with increasing columns, then <see cref="EndRow"/>.</summary>
    internal sealed class Builder(int columns)
    {
        private readonly List<int> _rowStart = [0];
        private readonly List<int> _col = [];
        private readonly List<double> _val = [];
        private readonly List<int> _y = [];

        public void Add(int column, double value)
        {
            if (value != 0)
            {
                _col.Add(column);
                _val.Add(value);
            }
        }

        public void EndRow(int outcome)
        {
            _rowStart.Add(_col.Count);
            _y.Add(outcome);
        }

        public SparseDesign Build() => new(columns, [.. _rowStart], [.. _col], [.. _val], [.. _y]);
    }
}
