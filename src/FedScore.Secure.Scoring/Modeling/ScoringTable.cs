using FedScore.Secure.Scoring.Binning;
using FedScore.Secure.Scoring.Data;

namespace FedScore.Secure.Scoring.Modeling;

/// <summary>Points of each level of one variable (reference level = 0).</summary>
public sealed record VariablePoints(VariableBinning Binning, int[] Points)
{
    public string Variable => Binning.Variable;

    public int MaxPoints => Points.Length == 0 ? 0 : Points.Max();
}

/// <summary>
/// A point-based score: for each variable, its bins and the integer points of each bin; a patient's score is the sum.
/// A value that falls in no level (missing without an "Unknown" level) scores 0 for that variable (R would give the
/// whole patient 0; Python gives the category 0 — we follow Python, documented).
/// </summary>
public sealed class ScoringTable
{
    public ScoringTable(IReadOnlyList<VariablePoints> variables)
    {
        Variables = variables;
        MaxTotal = variables.Sum(v => v.MaxPoints);
    }

    public IReadOnlyList<VariablePoints> Variables { get; }

    /// <summary>Largest attainable total (≈100; 99–101 after rounding, as in AutoScore).</summary>
    public int MaxTotal { get; }

    public int[] Score(Dataset data)
    {
        var total = new int[data.RowCount];
        foreach (var v in Variables)
        {
            var column = data[v.Variable];
            for (var r = 0; r < total.Length; r++)
            {
                var level = v.Binning.LevelOf(column, r);
                if (level >= 0)
                {
                    total[r] += v.Points[level];
                }
            }
        }

        return total;
    }

    /// <summary>Rows "variable, label, points" in natural bin order.</summary>
    public IEnumerable<(string Variable, string Label, int Points)> Rows()
    {
        foreach (var v in Variables)
        {
            for (var l = 0; l < v.Points.Length; l++)
            {
                yield return (v.Variable, v.Binning.Labels[l], v.Points[l]);
            }
        }
    }

    public override string ToString() =>
        string.Join(Environment.NewLine, Rows().Select(r => $"{r.Variable,-12} {r.Label,-14} {r.Points,3}"));
}
