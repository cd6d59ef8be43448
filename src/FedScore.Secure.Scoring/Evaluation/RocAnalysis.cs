namespace FedScore.Secure.Scoring.Evaluation;

/// <summary>AUC with its DeLong variance and 95 % confidence interval (pROC <c>ci(roc)</c>, clipped to [0,1]).</summary>
public sealed record AucResult(double Auc, double Variance, double Lower, double Upper, long Cases, long Controls)
{
    public const double Z975 = 1.959963984540054;

    internal static AucResult Create(double auc, double variance, long cases, long controls)
    {
        var half = Z975 * Math.Sqrt(Math.Max(variance, 0));
        return new AucResult(auc, variance, Math.Max(0, auc - half), Math.Min(1, auc + half), cases, controls);
    }

    public override string ToString() => $"AUC {Auc:F4} (95% CI {Lower:F4}–{Upper:F4})";
}

/// <summary>Sensitivity, specificity, PPV, NPV of the rule "score ≥ threshold".</summary>
public sealed record BinaryMetrics(int Threshold, double Sensitivity, double Specificity, double Ppv, double Npv, double Accuracy);

/// <summary>One point of the ROC curve: positive if score ≥ Threshold.</summary>
public sealed record RocPoint(int Threshold, double Sensitivity, double Specificity);

/// <summary>Which direction counts as "higher = more likely a case".</summary>
public enum RocDirection
{
    /// <summary>Cases have higher values (pROC direction "&lt;").</summary>
    CasesHigher,

    /// <summary>Cases have lower values (pROC direction "&gt;").</summary>
    CasesLower,

    /// <summary>pROC's default: "&lt;" unless median(controls) &gt; median(cases).</summary>
    Auto,
}

/// <summary>
/// ROC analysis of an integer score from the two count tables alone (so pooled = sum of site tables):
/// AUC = P(case &gt; control) + ½P(tie) (Mann–Whitney); DeLong variance from placement values, which for integer
/// scores take one value per score: V10(s) = [#controls &lt; s + ½#controls = s]/n0 for a case at s, and
/// V01(s) = [#cases &gt; s + ½#cases = s]/n1 for a control at s; Var = var(V10)/n1 + var(V01)/n0 with sample
/// variances (denominator n−1), exactly as pROC's <c>delong</c> computes it.
/// </summary>
public static class RocAnalysis
{
    public static AucResult Auc(ScoreCounts counts)
    {
        var m = counts.MaxScore;
        double n0 = counts.ControlCount, n1 = counts.CaseCount;
        if (n0 == 0 || n1 == 0)
        {
            throw new InvalidOperationException($"AUC needs cases and controls (have {n1} cases, {n0} controls).");
        }

        // Cumulative counts below each score.
        var controlsBelow = new double[m + 2];
        var casesBelow = new double[m + 2];
        for (var s = 0; s <= m; s++)
        {
            controlsBelow[s + 1] = controlsBelow[s] + counts.Controls[s];
            casesBelow[s + 1] = casesBelow[s] + counts.Cases[s];
        }

        var v10 = new double[m + 1];
        var v01 = new double[m + 1];
        var auc = 0.0;
        for (var s = 0; s <= m; s++)
        {
            v10[s] = (controlsBelow[s] + 0.5 * counts.Controls[s]) / n0;
            v01[s] = (n1 - casesBelow[s + 1] + 0.5 * counts.Cases[s]) / n1;
            auc += counts.Cases[s] * v10[s];
        }

        auc /= n1;
        double s10 = 0, s01 = 0;
        for (var s = 0; s <= m; s++)
        {
            s10 += counts.Cases[s] * (v10[s] - auc) * (v10[s] - auc);
            s01 += counts.Controls[s] * (v01[s] - auc) * (v01[s] - auc);
        }

        var var10 = n1 > 1 ? s10 / (n1 - 1) : 0;
        var var01 = n0 > 1 ? s01 / (n0 - 1) : 0;
        return AucResult.Create(auc, var10 / n1 + var01 / n0, (long)n1, (long)n0);
    }

    /// <summary>AUC + DeLong CI of real-valued predictions (used for univariable-AUC ranking); ties count ½.</summary>
    public static AucResult Auc(ReadOnlySpan<double> values, ReadOnlySpan<int> outcome, RocDirection direction = RocDirection.CasesHigher)
    {
        var cases = new List<double>();
        var controls = new List<double>();
        for (var i = 0; i < values.Length; i++)
        {
            if (double.IsNaN(values[i]))
            {
                continue;
            }

            (outcome[i] == 1 ? cases : controls).Add(values[i]);
        }

        if (cases.Count == 0 || controls.Count == 0)
        {
            throw new InvalidOperationException("AUC needs cases and controls.");
        }

        var x = cases.ToArray();
        var y = controls.ToArray();
        Array.Sort(x);
        Array.Sort(y);
        if (direction == RocDirection.Auto)
        {
            direction = Median(y) > Median(x) ? RocDirection.CasesLower : RocDirection.CasesHigher;
        }

        if (direction == RocDirection.CasesLower)
        {
            for (var i = 0; i < x.Length; i++)
            {
                x[i] = -x[i];
            }

            for (var i = 0; i < y.Length; i++)
            {
                y[i] = -y[i];
            }

            Array.Sort(x);
            Array.Sort(y);
        }

        double n1 = x.Length, n0 = y.Length;
        var v10 = new double[x.Length];
        var v01 = new double[y.Length];
        var auc = 0.0;
        for (var i = 0; i < x.Length; i++)
        {
            var (below, equal) = BelowAndEqual(y, x[i]);
            v10[i] = (below + 0.5 * equal) / n0;
            auc += v10[i];
        }

        auc /= n1;
        for (var j = 0; j < y.Length; j++)
        {
            var (below, equal) = BelowAndEqual(x, y[j]);
            v01[j] = (n1 - below - equal + 0.5 * equal) / n1;
        }

        double s10 = 0, s01 = 0;
        foreach (var v in v10)
        {
            s10 += (v - auc) * (v - auc);
        }

        foreach (var v in v01)
        {
            s01 += (v - auc) * (v - auc);
        }

        var variance = (n1 > 1 ? s10 / (n1 - 1) / n1 : 0) + (n0 > 1 ? s01 / (n0 - 1) / n0 : 0);
        return AucResult.Create(auc, variance, x.Length, y.Length);
    }

    /// <summary>
    /// The Youden-optimal rule, as AutoScore prints it: pROC's thresholds are −∞, the midpoints between consecutive
    /// distinct observed scores, +∞; the first maximiser of sensitivity + specificity is taken and rounded up
    /// (<c>ceiling</c>) to an integer, giving the rule "score ≥ threshold".
    /// </summary>
    public static BinaryMetrics Youden(ScoreCounts counts)
    {
        var observed = new List<int>();
        for (var s = 0; s <= counts.MaxScore; s++)
        {
            if (counts.Cases[s] + counts.Controls[s] > 0)
            {
                observed.Add(s);
            }
        }

        // Candidate integer thresholds: everyone positive (min score), each ceiling(midpoint), nobody positive (max+1).
        var candidates = new List<int> { observed[0] };
        for (var i = 0; i + 1 < observed.Count; i++)
        {
            candidates.Add((int)Math.Ceiling((observed[i] + observed[i + 1]) / 2.0));
        }

        candidates.Add(observed[^1] + 1);
        BinaryMetrics? best = null;
        foreach (var t in candidates)
        {
            var m = MetricsAt(counts, t);
            if (best is null || m.Sensitivity + m.Specificity > best.Sensitivity + best.Specificity)
            {
                best = m;
            }
        }

        return best!;
    }

    public static BinaryMetrics MetricsAt(ScoreCounts counts, int threshold)
    {
        double tp = 0, fp = 0, fn = 0, tn = 0;
        for (var s = 0; s <= counts.MaxScore; s++)
        {
            if (s >= threshold)
            {
                tp += counts.Cases[s];
                fp += counts.Controls[s];
            }
            else
            {
                fn += counts.Cases[s];
                tn += counts.Controls[s];
            }
        }

        return new BinaryMetrics(
            threshold,
            tp / (tp + fn),
            tn / (tn + fp),
            tp + fp > 0 ? tp / (tp + fp) : double.NaN,
            tn + fn > 0 ? tn / (tn + fn) : double.NaN,
            (tp + tn) / (tp + tn + fp + fn));
    }

    /// <summary>ROC points for every integer threshold from 0 to MaxScore + 1.</summary>
    public static IReadOnlyList<RocPoint> Curve(ScoreCounts counts)
    {
        var points = new List<RocPoint>();
        for (var t = 0; t <= counts.MaxScore + 1; t++)
        {
            var m = MetricsAt(counts, t);
            points.Add(new RocPoint(t, m.Sensitivity, m.Specificity));
        }

        return points;
    }

    private static double Median(double[] sorted) =>
        sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : 0.5 * (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]);

    private static (int Below, int Equal) BelowAndEqual(double[] sorted, double v)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (sorted[mid] < v)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        var below = lo;
        hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (sorted[mid] <= v)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return (below, lo - below);
    }
}
