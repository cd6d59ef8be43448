namespace FedScore.Secure.Scoring.Modeling;

/// <summary>
/// Sufficient statistics of the logistic log-likelihood at one coefficient vector β, over one site's rows:
/// n, deviance −2ℓ(β), gradient X'(y−μ) and information X'WX (W = μ(1−μ)), the latter stored as its upper triangle
/// row by row. All are sums over rows, so the statistics of pooled data are the element-wise sums of the sites'
/// statistics: a Newton step on the sums is the Newton step on the pooled data.
/// Vector layout (<see cref="ToVector"/>): [n, deviance, gradient (p), upper triangle (p(p+1)/2)].
/// </summary>
public sealed class LogisticStatistics
{
    public LogisticStatistics(int parameters)
    {
        Parameters = parameters;
        Gradient = new double[parameters];
        HessianUpper = new double[parameters * (parameters + 1) / 2];
    }

    public int Parameters { get; }

    public double Count { get; set; }

    public double Deviance { get; set; }

    public double[] Gradient { get; }

    /// <summary>Upper triangle of X'WX, row-major: (0,0),(0,1)…(0,p-1),(1,1)…</summary>
    public double[] HessianUpper { get; }

    public static int VectorLength(int parameters) => 2 + parameters + parameters * (parameters + 1) / 2;

    public static int UpperIndex(int i, int j, int p) => i * p - i * (i - 1) / 2 + (j - i);

    public double Hessian(int i, int j) =>
        i <= j ? HessianUpper[UpperIndex(i, j, Parameters)] : HessianUpper[UpperIndex(j, i, Parameters)];

    /// <summary>Local computation (one site): the statistics of <paramref name="design"/> at <paramref name="beta"/>.</summary>
    public static LogisticStatistics Compute(SparseDesign design, ReadOnlySpan<double> beta)
    {
        var p = design.Columns;
        if (beta.Length != p)
        {
            throw new ArgumentException($"beta has {beta.Length} entries, design has {p} columns.");
        }

        var s = new LogisticStatistics(p);
        var grad = s.Gradient;
        var hess = s.HessianUpper;
        var dev = 0.0;
        var rowStart = design.RowStart;
        var cols = design.ColumnIndex;
        var vals = design.Value;
        var y = design.Outcome;
        for (var r = 0; r < y.Length; r++)
        {
            var eta = design.LinearPredictor(r, beta);
            var mu = 1.0 / (1.0 + Math.Exp(-eta));
            var w = mu * (1 - mu);
            var resid = y[r] - mu;
            // −log μ = softplus(−η), −log(1−μ) = softplus(η): stable for large |η|.
            dev += 2 * (y[r] == 1 ? Softplus(-eta) : Softplus(eta));
            for (var a = rowStart[r]; a < rowStart[r + 1]; a++)
            {
                var ca = cols[a];
                var va = vals[a];
                grad[ca] += resid * va;
                var wa = w * va;
                var baseIndex = ca * p - ca * (ca - 1) / 2 - ca;
                for (var b = a; b < rowStart[r + 1]; b++)
                {
                    hess[baseIndex + cols[b]] += wa * vals[b];
                }
            }
        }

        s.Count = y.Length;
        s.Deviance = dev;
        return s;
    }

    /// <summary>
    /// Statistics of glm(y ~ score) from a table of counts per integer score (the conversion-table model): no
    /// patient-level data needed, so pooled count tables give the pooled fit.
    /// </summary>
    public static LogisticStatistics FromScoreCounts(ReadOnlySpan<long> controls, ReadOnlySpan<long> cases, ReadOnlySpan<double> beta)
    {
        var s = new LogisticStatistics(2);
        for (var score = 0; score < controls.Length; score++)
        {
            double n0 = controls[score], n1 = cases[score];
            if (n0 + n1 == 0)
            {
                continue;
            }

            var eta = beta[0] + beta[1] * score;
            var mu = 1.0 / (1.0 + Math.Exp(-eta));
            var w = (n0 + n1) * mu * (1 - mu);
            var resid = n1 - (n0 + n1) * mu;
            s.Gradient[0] += resid;
            s.Gradient[1] += resid * score;
            s.HessianUpper[0] += w;
            s.HessianUpper[1] += w * score;
            s.HessianUpper[2] += w * score * score;
            s.Deviance += 2 * (n1 * Softplus(-eta) + n0 * Softplus(eta));
            s.Count += n0 + n1;
        }

        return s;
    }

    internal static double Softplus(double x) => x > 0 ? x + double.LogP1(Math.Exp(-x)) : double.LogP1(Math.Exp(x));

    public double[] ToVector()
    {
        var v = new double[VectorLength(Parameters)];
        v[0] = Count;
        v[1] = Deviance;
        Gradient.CopyTo(v, 2);
        HessianUpper.CopyTo(v, 2 + Parameters);
        return v;
    }

    public static LogisticStatistics FromVector(ReadOnlySpan<double> v, int parameters)
    {
        if (v.Length != VectorLength(parameters))
        {
            throw new ArgumentException($"expected {VectorLength(parameters)} values for {parameters} parameters, got {v.Length}.");
        }

        var s = new LogisticStatistics(parameters) { Count = v[0], Deviance = v[1] };
        v.Slice(2, parameters).CopyTo(s.Gradient);
        v.Slice(2 + parameters).CopyTo(s.HessianUpper);
        return s;
    }

    /// <summary>Element-wise sum (pooling two sites' statistics).</summary>
    public static LogisticStatistics Sum(IEnumerable<LogisticStatistics> parts)
    {
        LogisticStatistics? total = null;
        foreach (var s in parts)
        {
            total ??= new LogisticStatistics(s.Parameters);
            if (s.Parameters != total.Parameters)
            {
                throw new ArgumentException("cannot add statistics of different models.");
            }

            total.Count += s.Count;
            total.Deviance += s.Deviance;
            for (var i = 0; i < s.Gradient.Length; i++)
            {
                total.Gradient[i] += s.Gradient[i];
            }

            for (var i = 0; i < s.HessianUpper.Length; i++)
            {
                total.HessianUpper[i] += s.HessianUpper[i];
            }
        }

        return total ?? throw new ArgumentException("no statistics to add.");
    }
}
