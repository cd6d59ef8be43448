using FedScore.Secure.Federation;
using FedScore.Secure.Scoring.Data;
using FedScore.Secure.Scoring.Modeling;

namespace FedScore.Secure.Scoring.Federated;

/// <summary>How the coefficients of a binned logistic model are obtained from the sites.</summary>
public enum FederatedFitMethod
{
    /// <summary>Newton on secure sums of gradient/information/deviance: the pooled MLE (exact).</summary>
    PooledNewton,

    /// <summary>FedScore-Python style: each site's local MLE, averaged with n-weights (one shot; approximate).</summary>
    FedAvg,

    /// <summary>FedScore-R style one-shot ODAL2: surrogate likelihood at the lead site from pooled derivatives at β̄ (approximate).</summary>
    Odal2,
}

/// <summary>The comparison fitters (FedAvg, ODAL2); the exact one is <see cref="NewtonLogisticSolver"/> on <see cref="SecurePooledStatistics"/>.</summary>
public static class FederatedFitters
{
    /// <summary>
    /// Fits <paramref name="design"/> on <paramref name="part"/> with <paramref name="method"/>; <paramref name="start"/>
    /// is used by the Newton fit only. The returned <see cref="LogisticFit"/> carries pooled deviance and n for all methods.
    /// </summary>
    public static LogisticFit Fit(SecurePooledStatistics stats, DataPart part, LogisticDesign design, FederatedFitMethod method, double[]? start = null, LogisticFitOptions? options = null)
    {
        switch (method)
        {
            case FederatedFitMethod.PooledNewton:
                return NewtonLogisticSolver.Fit(b => stats.Logistic(part, design, b), design.ColumnNames, start, options);
            case FederatedFitMethod.FedAvg:
                return Wrap(stats, part, design, FedAvg(stats, part, design), "FedAvg (n-weighted mean of local MLEs)");
            case FederatedFitMethod.Odal2:
                return Wrap(stats, part, design, Odal2(stats, part, design), "ODAL2 one-shot surrogate at the lead site");
            default:
                throw new ArgumentOutOfRangeException(nameof(method));
        }
    }

    /// <summary>Σ n_k β̂_k / Σ n_k: one secure sum of [n_k β̂_k, n_k] (weights private to the sites).</summary>
    public static double[] FedAvg(SecurePooledStatistics stats, DataPart part, LogisticDesign design)
    {
        var p = design.Columns;
        // Local fits are bounded by the solver's ridge (|β| ≲ 40 even under separation); declare 1000.
        var sum = stats.SumReals(RequestKinds.LocalFit, new LocalFitRequest(part, DesignSpec.From(design)), p + 1, 1000, stats.Options.MaxRowsPerSite);
        var n = sum[^1];
        if (!(n > 0))
        {
            throw new InvalidOperationException("FedAvg: no rows at the sites.");
        }

        return [.. sum.Take(p).Select(v => v / n)];
    }

    /// <summary>
    /// One-shot ODAL2 (Duan et al. 2020, as FedScore-R): β̄ = FedAvg estimate (R uses the lead site's local MLE;
    /// the n-weighted average is at least as good a start and needs no site to release its own fit), one secure sum
    /// of gradient and information at β̄, then the lead site (the first site in order) maximises the surrogate on its
    /// own data and releases it. Textbook form: the pooled means include the lead site's own derivatives.
    /// </summary>
    public static double[] Odal2(SecurePooledStatistics stats, DataPart part, LogisticDesign design)
    {
        var betaBar = FedAvg(stats, part, design);
        var pooled = stats.Logistic(part, design, betaBar);
        var n = pooled.Count;
        var request = new Odal2Request(part, DesignSpec.From(design), betaBar,
            [.. pooled.Gradient.Select(g => g / n)], [.. pooled.HessianUpper.Select(h => h / n)]);
        var replies = SecurePooledStatistics.Wait(stats.Federation.BroadcastAsync(FederatedJson.Request(RequestKinds.Odal2Surrogate, request)));
        var lead = stats.Federation.Sites.First(replies.ContainsKey);
        var beta = FederatedJson.Parse<Odal2Reply>(replies[lead], $"odal2 reply of {lead}").Beta;
        if (beta is null || beta.Length != design.Columns || beta.Any(b => !double.IsFinite(b)))
        {
            throw new InvalidOperationException($"ODAL2: site {lead} returned an invalid estimate.");
        }

        return beta;
    }

    private static LogisticFit Wrap(SecurePooledStatistics stats, DataPart part, LogisticDesign design, double[] beta, string how)
    {
        var s = stats.Logistic(part, design, beta);
        var p = design.Columns;
        var info = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(p, p, (i, j) => s.Hessian(i, j) + (i == j && i > 0 ? 1e-8 : 0));
        var cov = info.Inverse();
        var se = Enumerable.Range(0, p).Select(i => Math.Sqrt(Math.Max(cov[i, i], 0))).ToArray();
        return new LogisticFit(design.ColumnNames, beta, se, s.Deviance, s.Count, 1, true, [how + "; approximate, not the pooled MLE."]);
    }

    private sealed record Odal2Reply(double[] Beta);
}
