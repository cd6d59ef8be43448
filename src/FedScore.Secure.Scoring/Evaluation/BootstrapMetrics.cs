using FedScore.Secure.Scoring.Binning;

namespace FedScore.Secure.Scoring.Evaluation;

/// <summary>A bootstrap summary: median and 2.5 / 97.5 % percentiles (type 7) of the replicates.</summary>
public sealed record BootstrapInterval(double Median, double Lower, double Upper)
{
    public override string ToString() => $"{Median:F4} ({Lower:F4}–{Upper:F4})";
}

/// <summary>Bootstrap CIs of the Youden-threshold metrics (pROC <c>ci.coords(x = "best")</c>).</summary>
public sealed record MetricIntervals(
    BootstrapInterval Sensitivity,
    BootstrapInterval Specificity,
    BootstrapInterval Ppv,
    BootstrapInterval Npv,
    BootstrapInterval Accuracy,
    int Replicates);

/// <summary>
/// Stratified bootstrap as pROC does by default (cases and controls resampled separately, sizes kept), on the
/// score count tables: each replicate draws n1 case scores and n0 control scores from the observed distributions,
/// re-selects the Youden threshold and records the metrics. AutoScore prints the bootstrap MEDIAN (not the point
/// estimate) with the 2.5/97.5 percentiles. Seeded System.Random: reproducible, statistical (not cryptographic).
/// </summary>
public static class BootstrapMetrics
{
    public static MetricIntervals Compute(ScoreCounts counts, int replicates = 2000, int seed = 1)
    {
        var rng = new Random(seed);
        var n0 = counts.ControlCount;
        var n1 = counts.CaseCount;
        var cum0 = Cumulative(counts.Controls);
        var cum1 = Cumulative(counts.Cases);
        var sens = new double[replicates];
        var spec = new double[replicates];
        var ppv = new List<double>(replicates);
        var npv = new List<double>(replicates);
        var acc = new double[replicates];
        var c0 = new long[counts.Controls.Length];
        var c1 = new long[counts.Cases.Length];
        for (var b = 0; b < replicates; b++)
        {
            Array.Clear(c0);
            Array.Clear(c1);
            Draw(rng, cum0, n0, c0);
            Draw(rng, cum1, n1, c1);
            var m = RocAnalysis.Youden(new ScoreCounts(c0, c1));
            sens[b] = m.Sensitivity;
            spec[b] = m.Specificity;
            acc[b] = m.Accuracy;
            if (!double.IsNaN(m.Ppv))
            {
                ppv.Add(m.Ppv);
            }

            if (!double.IsNaN(m.Npv))
            {
                npv.Add(m.Npv);
            }
        }

        return new MetricIntervals(Summarise(sens), Summarise(spec), Summarise([.. ppv]), Summarise([.. npv]), Summarise(acc), replicates);
    }

    private static long[] Cumulative(long[] counts)
    {
        var c = new long[counts.Length];
        long s = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            s += counts[i];
            c[i] = s;
        }

        return c;
    }

    private static void Draw(Random rng, long[] cumulative, long n, long[] target)
    {
        for (long i = 0; i < n; i++)
        {
            var u = rng.NextInt64(n);
            // First index with cumulative > u.
            int lo = 0, hi = cumulative.Length - 1;
            while (lo < hi)
            {
                var mid = (lo + hi) >>> 1;
                if (cumulative[mid] > u)
                {
                    hi = mid;
                }
                else
                {
                    lo = mid + 1;
                }
            }

            target[lo]++;
        }
    }

    private static BootstrapInterval Summarise(double[] values)
    {
        if (values.Length == 0)
        {
            return new BootstrapInterval(double.NaN, double.NaN, double.NaN);
        }

        var q = Type7Quantile.Compute(values, [0.5, 0.025, 0.975]);
        return new BootstrapInterval(q[0], q[1], q[2]);
    }
}
