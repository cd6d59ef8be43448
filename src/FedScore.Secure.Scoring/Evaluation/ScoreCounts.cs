namespace FedScore.Secure.Scoring.Evaluation;

/// <summary>
/// Number of controls and of cases at each integer score 0..MaxScore. Everything in the ROC analysis of an integer
/// score (AUC, DeLong variance, Youden threshold, sensitivity/specificity/PPV/NPV, the score→risk model and the
/// stratified bootstrap) is a function of these two tables, and pooled tables are sums of site tables.
/// Vector layout (<see cref="ToVector"/>): controls[0..M], cases[0..M].
/// </summary>
public sealed class ScoreCounts
{
    public ScoreCounts(long[] controls, long[] cases)
    {
        if (controls.Length != cases.Length || controls.Length == 0)
        {
            throw new ArgumentException("controls and cases tables must have the same, non-zero length.");
        }

        Controls = controls;
        Cases = cases;
    }

    public long[] Controls { get; }

    public long[] Cases { get; }

    public int MaxScore => Controls.Length - 1;

    public long ControlCount => Controls.Sum();

    public long CaseCount => Cases.Sum();

    /// <summary>Local computation: tallies scores (clamped to 0..maxScore) by outcome.</summary>
    public static ScoreCounts Tally(ReadOnlySpan<int> scores, ReadOnlySpan<int> outcome, int maxScore)
    {
        if (scores.Length != outcome.Length)
        {
            throw new ArgumentException("scores and outcome differ in length.");
        }

        var controls = new long[maxScore + 1];
        var cases = new long[maxScore + 1];
        for (var i = 0; i < scores.Length; i++)
        {
            var s = Math.Clamp(scores[i], 0, maxScore);
            if (outcome[i] == 1)
            {
                cases[s]++;
            }
            else
            {
                controls[s]++;
            }
        }

        return new ScoreCounts(controls, cases);
    }

    public long[] ToVector() => [.. Controls, .. Cases];

    public static ScoreCounts FromVector(ReadOnlySpan<long> v)
    {
        if (v.Length % 2 != 0 || v.Length == 0)
        {
            throw new ArgumentException("a score-count vector has even, non-zero length.");
        }

        var half = v.Length / 2;
        return new ScoreCounts(v[..half].ToArray(), v[half..].ToArray());
    }

    public static ScoreCounts Sum(IEnumerable<ScoreCounts> parts)
    {
        ScoreCounts? total = null;
        foreach (var p in parts)
        {
            total ??= new ScoreCounts(new long[p.Controls.Length], new long[p.Cases.Length]);
            if (p.Controls.Length != total.Controls.Length)
            {
                throw new ArgumentException("score tables of different ranges.");
            }

            for (var s = 0; s < p.Controls.Length; s++)
            {
                total.Controls[s] += p.Controls[s];
                total.Cases[s] += p.Cases[s];
            }
        }

        return total ?? throw new ArgumentException("no tables to add.");
    }
}
