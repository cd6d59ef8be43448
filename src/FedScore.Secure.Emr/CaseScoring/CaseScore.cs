using FedScore.Secure.Emr.Model;

namespace FedScore.Secure.Emr.CaseScoring;

/// <summary>The points one variable gives a case: the bin its value fell in (null when no bin matched: 0 points, and the
/// case has no total — see <see cref="CaseScore.IsComplete"/>).</summary>
/// <param name="Value">The case's value in the canonical unit (NaN when missing).</param>
public sealed record VariableScore(string Variable, double Value, string? Bin, int Points);

/// <summary>
/// A scored case: points per variable, total and estimated risk. Holds patient values, so ToString() prints only the
/// encounter id and the total; callers print the details on purpose, for the case a clinician asked about.
/// </summary>
public sealed record CaseScore(string EncounterId, IReadOnlyList<VariableScore> Variables, int Total, double Risk)
{
    /// <summary>
    /// False when some variable matched no bin — a missing value where the score table has no "missing" bin. Such a
    /// case has no valid total: AutoScore gives it NA, and showing a partial sum as a risk would understate it.
    /// </summary>
    public bool IsComplete => Variables.All(v => v.Bin is not null);

    /// <summary>The variables that matched no bin (empty when <see cref="IsComplete"/>).</summary>
    public IReadOnlyList<string> Unscored => Variables.Where(v => v.Bin is null).Select(v => v.Variable).ToArray();

    public override string ToString() => IsComplete ? $"Encounter {EncounterId}: total {Total}" : $"Encounter {EncounterId}: incomplete";
}

/// <summary>Scoring of cases by a <see cref="ScoreCard"/>.</summary>
public static class ScoreCardScoring
{
    /// <summary>Scores one encounter: for each card variable the first matching bin's points (0 when none matches).</summary>
    public static CaseScore Score(this ScoreCard card, EncounterRecord encounter)
    {
        ArgumentNullException.ThrowIfNull(card);
        ArgumentNullException.ThrowIfNull(encounter);
        return card.Score(encounter.EncounterId, encounter.Values);
    }

    /// <summary>Scores values indexed like <see cref="CommonDataModel.Variables"/> (NaN = missing).</summary>
    public static CaseScore Score(this ScoreCard card, string encounterId, ReadOnlySpan<double> values)
    {
        ArgumentNullException.ThrowIfNull(card);
        if (values.Length != CommonDataModel.VariableCount)
        {
            throw new ArgumentException($"Expected {CommonDataModel.VariableCount} values, got {values.Length}.", nameof(values));
        }

        var parts = new List<VariableScore>(card.Variables.Count);
        var total = 0;
        foreach (var v in card.Variables)
        {
            var value = values[CommonDataModel.IndexOf(v.Variable)];
            var bin = v.Bins.FirstOrDefault(b => b.Matches(value));
            parts.Add(new VariableScore(v.Variable, value, bin?.Label, bin?.Points ?? 0));
            total += bin?.Points ?? 0;
        }

        return new CaseScore(encounterId, parts, total, card.RiskOf(total));
    }
}
