using MathNet.Numerics.LinearAlgebra;

namespace FedScore.Secure.Scoring.Modeling;

/// <summary>Settings of the Newton/IRLS logistic fit.</summary>
public sealed record LogisticFitOptions
{
    /// <summary>Iteration cap (R glm: 25; we allow more because separated fits converge linearly under the ridge).</summary>
    public int MaxIterations { get; init; } = 100;

    /// <summary>Converged when |Δ penalised deviance| / (|deviance| + 0.1) &lt; this (glm's rule, tighter than glm's 1e-8).</summary>
    public double Tolerance { get; init; } = 1e-12;

    /// <summary>
    /// Ridge ½λ‖β‖² on the non-intercept coefficients. Tiny on purpose: it moves a regular fit by about
    /// λ·|β|/information (≤ 1e-10 relative even for a cell of a few patients, far below glm's own tolerance) but
    /// keeps the information matrix positive definite and every coefficient finite under (quasi-)complete
    /// separation — e.g. a bin without events — where the unpenalised MLE is at infinity (glm drifts to |β|≈20–30
    /// and warns). With λ = 1e-10 a separated coefficient settles near −log(n_bin/(λ|β|)) ≈ −25, similar to glm's
    /// answer, and is reported in <see cref="LogisticFit.Warnings"/>. Set 0 for the plain MLE.
    /// </summary>
    public double Ridge { get; init; } = 1e-10;

    /// <summary>|β| above this (non-intercept) is reported as probable separation.</summary>
    public double SeparationWarningThreshold { get; init; } = 10;

    /// <summary>Step-halving attempts per iteration when the penalised deviance goes up.</summary>
    public int MaxStepHalvings { get; init; } = 30;
}

/// <summary>Result of a logistic fit.</summary>
public sealed record LogisticFit(
    IReadOnlyList<string> ColumnNames,
    double[] Coefficients,
    double[] StandardErrors,
    double Deviance,
    double Count,
    int Iterations,
    bool Converged,
    IReadOnlyList<string> Warnings)
{
    public double Coefficient(string name)
    {
        for (var i = 0; i < ColumnNames.Count; i++)
        {
            if (ColumnNames[i] == name)
            {
                return Coefficients[i];
            }
        }

        throw new KeyNotFoundException($"no coefficient named '{name}'.");
    }
}

/// <summary>
/// Logistic regression by Newton–Raphson (= IRLS for the canonical link) driven only by summed statistics:
/// <c>evaluate(β)</c> returns gradient, information and deviance at β — for one site or, through secure
/// aggregation, the sum over sites. The solver never touches data, so a federated fit equals the pooled fit.
/// Safeguards: tiny ridge (see <see cref="LogisticFitOptions.Ridge"/>), step halving when the penalised deviance
/// increases, an iteration cap, and warnings naming coefficients that look separated.
/// </summary>
public static class NewtonLogisticSolver
{
    public static LogisticFit Fit(
        Func<double[], LogisticStatistics> evaluate,
        IReadOnlyList<string> columnNames,
        double[]? start = null,
        LogisticFitOptions? options = null)
    {
        options ??= new LogisticFitOptions();
        var p = columnNames.Count;
        var beta = start is null ? new double[p] : (double[])start.Clone();
        if (beta.Length != p)
        {
            throw new ArgumentException("start vector length differs from the number of columns.");
        }

        var warnings = new List<string>();
        var stats = Check(evaluate(beta), p);
        var penDev = PenalisedDeviance(stats, beta, options.Ridge);
        var converged = false;
        var iterations = 0;
        while (iterations < options.MaxIterations)
        {
            iterations++;
            var step = NewtonStep(stats, beta, options.Ridge);
            double[] candidate = new double[p];
            LogisticStatistics candidateStats;
            double candidateDev;
            var scale = 1.0;
            var halvings = 0;
            while (true)
            {
                for (var i = 0; i < p; i++)
                {
                    candidate[i] = beta[i] + scale * step[i];
                }

                candidateStats = Check(evaluate(candidate), p);
                candidateDev = PenalisedDeviance(candidateStats, candidate, options.Ridge);
                if (double.IsFinite(candidateDev) && candidateDev <= penDev * (1 + 1e-15) + 1e-12)
                {
                    break;
                }

                if (++halvings > options.MaxStepHalvings)
                {
                    break;
                }

                scale /= 2;
            }

            if (halvings > options.MaxStepHalvings)
            {
                // No descent possible at machine precision: we are at the optimum (or stuck); keep β.
                converged = Math.Abs(candidateDev - penDev) / (Math.Abs(penDev) + 0.1) < 1e-8;
                if (!converged)
                {
                    warnings.Add("step halving failed to reduce the deviance; stopped early.");
                }

                break;
            }

            var change = Math.Abs(candidateDev - penDev) / (Math.Abs(candidateDev) + 0.1);
            beta = candidate;
            stats = candidateStats;
            penDev = candidateDev;
            if (change < options.Tolerance)
            {
                converged = true;
                break;
            }
        }

        if (!converged)
        {
            warnings.Add($"did not converge in {options.MaxIterations} iterations.");
        }

        var covariance = Information(stats, options.Ridge).Inverse();
        var se = new double[p];
        for (var i = 0; i < p; i++)
        {
            se[i] = Math.Sqrt(Math.Max(covariance[i, i], 0));
        }

        for (var i = 1; i < p; i++)
        {
            if (Math.Abs(beta[i]) > options.SeparationWarningThreshold)
            {
                warnings.Add(
                    $"coefficient '{columnNames[i]}' = {beta[i]:G4}: probable (quasi-)complete separation " +
                    "(e.g. a category without events or without non-events); the value is bounded by the ridge " +
                    $"λ = {options.Ridge:G2} and is not a finite-sample MLE.");
            }
        }

        return new LogisticFit(columnNames, beta, se, stats.Deviance, stats.Count, iterations, converged, warnings);
    }

    private static LogisticStatistics Check(LogisticStatistics s, int p) =>
        s.Parameters == p ? s : throw new InvalidOperationException($"statistics for {s.Parameters} parameters, model has {p}.");

    private static double PenalisedDeviance(LogisticStatistics s, ReadOnlySpan<double> beta, double ridge)
    {
        var pen = 0.0;
        for (var i = 1; i < beta.Length; i++)
        {
            pen += beta[i] * beta[i];
        }

        return s.Deviance + ridge * pen;
    }

    private static Matrix<double> Information(LogisticStatistics s, double ridge)
    {
        var p = s.Parameters;
        var h = Matrix<double>.Build.Dense(p, p);
        for (var i = 0; i < p; i++)
        {
            for (var j = i; j < p; j++)
            {
                var v = s.HessianUpper[LogisticStatistics.UpperIndex(i, j, p)];
                h[i, j] = v;
                h[j, i] = v;
            }

            if (i > 0)
            {
                h[i, i] += ridge;
            }
        }

        return h;
    }

    private static double[] NewtonStep(LogisticStatistics s, ReadOnlySpan<double> beta, double ridge)
    {
        var p = s.Parameters;
        var h = Information(s, ridge);
        var g = Vector<double>.Build.Dense(p);
        for (var i = 0; i < p; i++)
        {
            g[i] = s.Gradient[i] - (i > 0 ? ridge * beta[i] : 0);
        }

        try
        {
            return h.Cholesky().Solve(g).ToArray();
        }
        catch (ArgumentException)
        {
            // Not positive definite numerically (e.g. an all-zero column with λ = 0): fall back to a QR least-squares step.
            return h.QR().Solve(g).ToArray();
        }
    }
}
