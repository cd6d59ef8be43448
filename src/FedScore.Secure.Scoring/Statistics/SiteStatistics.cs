using FedScore.Secure.Scoring.Binning;
using FedScore.Secure.Scoring.Data;
using FedScore.Secure.Scoring.Evaluation;
using FedScore.Secure.Scoring.Modeling;

namespace FedScore.Secure.Scoring.Statistics;

/// <summary>
/// The local half of every statistic: what ONE site computes on its own rows and would contribute to a sum.
/// Pure computation, no cryptography and no communication. Data parts come from the split column, or are given
/// explicitly.
/// </summary>
public sealed class SiteStatistics : IPooledStatistics
{
    private readonly Dictionary<DataPart, Dataset> _parts = [];
    private readonly Dictionary<(DataPart, string), double[]> _sorted = [];
    private readonly Dictionary<(DataPart, LogisticDesign), SparseDesign> _designs = [];
    private readonly Lock _lock = new();

    public SiteStatistics(Dataset train, Dataset? validation = null, Dataset? test = null)
    {
        _parts[DataPart.Train] = train;
        if (validation is not null)
        {
            _parts[DataPart.Validation] = validation;
        }

        if (test is not null)
        {
            _parts[DataPart.Test] = test;
        }

        Schema = [.. train.Predictors.Select(p => new PredictorInfo(p.Name, p.Kind, p.Levels))];
    }

    /// <summary>A site whose CSV has a split column: train/validate/test rows become the three parts.</summary>
    public static SiteStatistics FromSplit(Dataset data)
    {
        var validation = data.Part(DataPart.Validation);
        var test = data.Part(DataPart.Test);
        return new SiteStatistics(data.Part(DataPart.Train), validation.RowCount > 0 ? validation : null, test.RowCount > 0 ? test : null);
    }

    public IReadOnlyList<PredictorInfo> Schema { get; }

    public Dataset Data(DataPart part) =>
        _parts.TryGetValue(part, out var d) ? d : throw new InvalidOperationException($"this site has no {Dataset.SplitLabel(part)} data.");

    public bool HasPart(DataPart part) => _parts.ContainsKey(part);

    public long[] RowAndEventCounts(DataPart part)
    {
        var d = Data(part);
        return [d.RowCount, d.EventCount];
    }

    public long[] CountAtOrBelow(DataPart part, IReadOnlyList<string> variables, IReadOnlyList<double> thresholds)
    {
        if (variables.Count != thresholds.Count)
        {
            throw new ArgumentException("one threshold per variable entry is required.");
        }

        var result = new long[variables.Count];
        for (var i = 0; i < result.Length; i++)
        {
            var sorted = Sorted(part, variables[i]);
            var t = thresholds[i];
            if (double.IsNaN(t))
            {
                throw new ArgumentException("threshold is NaN.");
            }

            // Upper bound: first index with value > t.
            int lo = 0, hi = sorted.Length;
            while (lo < hi)
            {
                var mid = (lo + hi) >>> 1;
                if (sorted[mid] <= t)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid;
                }
            }

            result[i] = lo;
        }

        return result;
    }

    public long[] LevelCounts(DataPart part, string variable, IReadOnlyList<string> levels)
    {
        var column = Data(part)[variable];
        var counts = new long[levels.Count + 1];
        if (column.Kind != PredictorKind.Categorical)
        {
            throw new ArgumentException($"'{variable}' is not categorical.");
        }

        var map = new int[column.Levels.Count];
        for (var l = 0; l < map.Length; l++)
        {
            map[l] = -1;
            for (var k = 0; k < levels.Count; k++)
            {
                if (levels[k] == column.Levels[l])
                {
                    map[l] = k;
                }
            }
        }

        foreach (var c in column.Codes)
        {
            if (c < 0)
            {
                counts[^1]++;
            }
            else if (map[c] >= 0)
            {
                counts[map[c]]++;
            }
        }

        return counts;
    }

    public long[] BinOutcomeCounts(DataPart part, IReadOnlyList<VariableBinning> binnings)
    {
        var d = Data(part);
        var y = d.Outcome;
        var result = new long[binnings.Sum(b => 2 * b.LevelCount)];
        var offset = 0;
        foreach (var b in binnings)
        {
            var column = d[b.Variable];
            for (var r = 0; r < d.RowCount; r++)
            {
                var level = b.LevelOf(column, r);
                if (level >= 0)
                {
                    result[offset + 2 * level]++;
                    result[offset + 2 * level + 1] += y[r];
                }
            }

            offset += 2 * b.LevelCount;
        }

        return result;
    }

    public LogisticStatistics Logistic(DataPart part, LogisticDesign design, double[] beta)
    {
        SparseDesign? x;
        lock (_lock)
        {
            if (!_designs.TryGetValue((part, design), out x))
            {
                x = design.Build(Data(part));
                _designs[(part, design)] = x;
            }
        }

        return LogisticStatistics.Compute(x, beta);
    }

    public ScoreCounts ScoreCounts(DataPart part, ScoringTable table)
    {
        var d = Data(part);
        return Evaluation.ScoreCounts.Tally(table.Score(d), d.Outcome, table.MaxTotal);
    }

    private double[] Sorted(DataPart part, string variable)
    {
        lock (_lock)
        {
            if (_sorted.TryGetValue((part, variable), out var s))
            {
                return s;
            }

            var column = Data(part)[variable];
            if (column.Kind != PredictorKind.Numeric)
            {
                throw new ArgumentException($"'{variable}' is not numeric.");
            }

            var list = new List<double>(column.Length);
            foreach (var v in column.Values)
            {
                if (!double.IsNaN(v))
                {
                    list.Add(v);
                }
            }

            s = [.. list];
            Array.Sort(s);
            _sorted[(part, variable)] = s;
            return s;
        }
    }
}
