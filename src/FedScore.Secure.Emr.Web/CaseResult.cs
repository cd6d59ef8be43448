using FedScore.Secure.Emr.CaseScoring;
using FedScore.Secure.Emr.Model;

namespace FedScore.Secure.Emr.Web;

/// <summary>One variable of a scored case: its value (NaN = missing), the bin it fell in (null: none) and the points.</summary>
public sealed record VariablePoints(CdmVariable Variable, double Value, ScoreBin? Bin)
{
    public int Points => Bin?.Points ?? 0;
}

/// <summary>
/// A case scored with a score table: points per variable in the table's order, and, when every variable fell in a bin,
/// the total and its estimated risk. Scoring follows <see cref="ScoreCard"/>'s own rules: per variable the first bin
/// that <see cref="ScoreBin.Matches"/> the value, total = sum of points, risk = <see cref="ScoreCard.RiskOf"/>.
/// One deliberate difference from the library's ScoreCardScoring.Score: a value that falls in no bin (missing, and the
/// table has no "missing" bin) leaves the total undefined instead of counting 0 points, so the page never shows a
/// risk computed as if an unknown value were normal.
/// </summary>
public sealed record CaseResult(IReadOnlyList<VariablePoints> Rows, int? Total, double? Risk)
{
    /// <summary>Variables whose value fell in no bin (a missing value where the table has no "missing" bin).</summary>
    public IEnumerable<VariablePoints> Unscored => Rows.Where(r => r.Bin is null);

    public bool IsComplete => Total is not null;

    /// <param name="values">Indexed like <see cref="CommonDataModel.Variables"/>, NaN = missing.</param>
    public static CaseResult Compute(ScoreCard card, ReadOnlySpan<double> values)
    {
        ArgumentNullException.ThrowIfNull(card);
        if (values.Length != CommonDataModel.VariableCount)
        {
            throw new ArgumentException($"Expected {CommonDataModel.VariableCount} values, got {values.Length}.", nameof(values));
        }

        var rows = new List<VariablePoints>(card.Variables.Count);
        foreach (var v in card.Variables)
        {
            var value = values[CommonDataModel.IndexOf(v.Variable)];
            rows.Add(new VariablePoints(CommonDataModel.Get(v.Variable), value, v.Bins.FirstOrDefault(b => b.Matches(value))));
        }

        if (rows.Any(r => r.Bin is null))
        {
            return new CaseResult(rows, null, null);
        }

        var total = rows.Sum(r => r.Points);
        return new CaseResult(rows, total, card.RiskOf(total));
    }
}
