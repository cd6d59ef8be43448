using FedScore.Secure.Scoring.Binning;
using FedScore.Secure.Scoring.Statistics;

namespace FedScore.Secure.Scoring.Data;

/// <summary>
/// AutoScore_impute: numeric → median of the training data (R median = type-7 quantile at 0.5), categorical → mode
/// (first level in sort order on ties). Computed from pooled counts, so the federated imputation values equal the
/// pooled ones.
/// </summary>
public sealed class MissingValueImputer
{
    private readonly Dictionary<string, double> _medians;
    private readonly Dictionary<string, string> _modes;

    private MissingValueImputer(Dictionary<string, double> medians, Dictionary<string, string> modes)
    {
        _medians = medians;
        _modes = modes;
    }

    public IReadOnlyDictionary<string, double> Medians => _medians;

    public IReadOnlyDictionary<string, string> Modes => _modes;

    public static MissingValueImputer Fit(IPooledStatistics stats, DataPart part)
    {
        var numeric = stats.Schema.Where(p => p.Kind == PredictorKind.Numeric).Select(p => p.Name).ToList();
        var medians = new Dictionary<string, double>(StringComparer.Ordinal);
        if (numeric.Count > 0)
        {
            var q = CutPointCalculator.Quantiles(stats, part, numeric, [0.5]);
            for (var v = 0; v < numeric.Count; v++)
            {
                medians[numeric[v]] = q[v][0];
            }
        }

        var modes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in stats.Schema.Where(p => p.Kind == PredictorKind.Categorical && p.Levels.Count > 0))
        {
            var counts = stats.LevelCounts(part, p.Name, p.Levels);
            var best = 0;
            for (var l = 1; l < p.Levels.Count; l++)
            {
                if (counts[l] > counts[best])
                {
                    best = l;
                }
            }

            modes[p.Name] = p.Levels[best];
        }

        return new MissingValueImputer(medians, modes);
    }

    public Dataset Apply(Dataset data)
    {
        var replaced = new List<PredictorColumn>();
        foreach (var c in data.Predictors)
        {
            if (c.MissingCount() == 0)
            {
                continue;
            }

            replaced.Add(c.Kind == PredictorKind.Numeric
                ? c.WithMissingReplaced(_medians[c.Name], null)
                : c.WithMissingReplaced(double.NaN, _modes.GetValueOrDefault(c.Name)));
        }

        return replaced.Count == 0 ? data : data.WithReplacedColumns(replaced);
    }
}
