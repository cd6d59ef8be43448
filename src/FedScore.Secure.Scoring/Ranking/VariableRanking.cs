namespace FedScore.Secure.Scoring.Ranking;

/// <summary>One variable's importance; rankings are sorted by decreasing importance (rank 1 = most important).</summary>
public sealed record RankedVariable(string Name, double Importance, int Rank);

/// <summary>A variable ranking (AutoScore module 1 output).</summary>
public sealed class VariableRanking
{
    public VariableRanking(IEnumerable<(string Name, double Importance)> importances)
    {
        // Stable sort by decreasing importance; ties keep column order.
        Variables = importances
            .Select((x, i) => (x.Name, x.Importance, i))
            .OrderByDescending(x => x.Importance)
            .ThenBy(x => x.i)
            .Select((x, r) => new RankedVariable(x.Name, x.Importance, r + 1))
            .ToList();
    }

    public IReadOnlyList<RankedVariable> Variables { get; }

    public IReadOnlyList<string> Top(int count) => Variables.Take(count).Select(v => v.Name).ToList();

    public override string ToString() => string.Join(Environment.NewLine, Variables.Select(v => $"{v.Rank,3} {v.Name,-12} {v.Importance:F3}"));
}
