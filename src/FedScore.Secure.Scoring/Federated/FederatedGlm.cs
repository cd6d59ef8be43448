using FedScore.Secure.Federation;
using FedScore.Secure.Scoring.Data;
using FedScore.Secure.Scoring.Modeling;
using MathNet.Numerics.LinearAlgebra;

namespace FedScore.Secure.Scoring.Federated;

/// <summary>Result of <see cref="FederatedGlm"/>: the pooled maximum-likelihood fit on the original predictor scale.</summary>
public sealed record GlmResult(
    IReadOnlyDictionary<string, double> Coefficients,
    IReadOnlyDictionary<string, double> StandardErrors,
    int Iterations,
    double Deviance,
    long N,
    bool Converged,
    IReadOnlyList<string> Warnings)
{
    /// <summary>Column order: "(Intercept)" then the predictors.</summary>
    public IReadOnlyList<string> Names { get; init; } = [];
}

/// <summary>
/// Secure pooled-exact logistic regression on numeric predictors as they are (no binning), complete cases only
/// (glm's na.omit). Rounds: (1) n and Σx of the complete cases → pooled means; (2) Σ(x − mean)² → pooled SDs;
/// (3…) Newton on the standardized design: each iteration one secure sum of [n, deviance, gradient, upper(X'WX)]
/// at the current β (<see cref="NewtonLogisticSolver"/>, the same solver a local fit uses), so the iterates are
/// those of a pooled fit. Coefficients and covariance are mapped back to the original scale exactly
/// (<see cref="StandardizedNumericDesign.ToOriginalScale"/>); standard errors come from the pooled information
/// inverse. Disclosure control (nfilter.glm-style) runs before anything is returned.
/// </summary>
public static class FederatedGlm
{
    public static GlmResult Fit(
        ISecureFederation federation,
        IReadOnlyList<string> predictors,
        DataPart part = DataPart.Train,
        DisclosurePolicy? policy = null,
        FederatedOptions? options = null,
        LogisticFitOptions? fitOptions = null)
    {
        var stats = new SecurePooledStatistics(federation, policy, options);
        return Fit(stats, predictors, part, fitOptions);
    }

    public static GlmResult Fit(SecurePooledStatistics stats, IReadOnlyList<string> predictors, DataPart part = DataPart.Train, LogisticFitOptions? fitOptions = null)
    {
        if (predictors.Count == 0)
        {
            throw new ArgumentException("at least one predictor is required.");
        }

        if (predictors.Distinct(StringComparer.Ordinal).Count() != predictors.Count)
        {
            throw new ArgumentException("predictor names must be distinct.");
        }

        foreach (var name in predictors)
        {
            var predictor = stats.Schema.FirstOrDefault(p => p.Name == name) ?? throw new KeyNotFoundException($"no predictor named '{name}' at the sites.");
            if (predictor.Kind != PredictorKind.Numeric)
            {
                throw new ArgumentException($"predictor '{name}' is categorical; the GLM takes numeric predictors as they are.");
            }
        }

        var p = predictors.Count;
        var rows = stats.Rows(part);
        var m = stats.Options.MaxAbsPredictor;
        string[] names = [.. predictors];

        // Round 1: n and Σx over complete cases (bound: n·M per element).
        var first = stats.SumReals(RequestKinds.Moments, new MomentsRequest(part, names, null), 2 * p + 1, rows * Math.Max(m, 1));
        var n = Math.Round(first[^1]);
        stats.Policy.CheckGlm($"{RequestKinds.Moments} ({Dataset.SplitLabel(part)})", n, p + 1);
        var center = new double[p];
        for (var j = 0; j < p; j++)
        {
            center[j] = first[2 * j] / n;
        }

        // Round 2: Σ(x − mean)² (bound n·(2M)²), accurate even when the variance is small relative to mean².
        var second = stats.SumReals(RequestKinds.Moments, new MomentsRequest(part, names, center), 2 * p + 1, rows * Math.Max(4 * m * m, 1));
        var scale = new double[p];
        for (var j = 0; j < p; j++)
        {
            var variance = second[2 * j + 1] / Math.Max(n - 1, 1);
            if (!(variance > 0) || Math.Sqrt(variance) <= 1e-12 * Math.Max(1, Math.Abs(center[j])))
            {
                throw new ArgumentException($"predictor '{names[j]}' is constant in the pooled data; its coefficient is not identifiable.");
            }

            scale[j] = Math.Sqrt(variance);
        }

        var design = new StandardizedNumericDesign(names, center, scale);
        var fit = NewtonLogisticSolver.Fit(beta => stats.Logistic(part, design, beta), design.ColumnNames, null, fitOptions ?? new LogisticFitOptions { Ridge = 0 });

        // Back to the original scale: β = T γ, Cov = T Cov_z Tᵀ, Cov_z = (pooled information)⁻¹ at γ̂.
        var final = stats.Logistic(part, design, fit.Coefficients);
        var info = Matrix<double>.Build.Dense(p + 1, p + 1, (i, j) => final.Hessian(i, j));
        var covZ = info.Inverse();
        var t = Matrix<double>.Build.DenseOfArray(design.ToOriginalScale());
        var beta = t * Vector<double>.Build.DenseOfArray(fit.Coefficients);
        var cov = t * covZ * t.Transpose();
        var coefficients = new Dictionary<string, double>(StringComparer.Ordinal);
        var errors = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var i = 0; i <= p; i++)
        {
            coefficients[design.ColumnNames[i]] = beta[i];
            errors[design.ColumnNames[i]] = Math.Sqrt(Math.Max(cov[i, i], 0));
        }

        return new GlmResult(coefficients, errors, fit.Iterations, final.Deviance, (long)Math.Round(final.Count), fit.Converged, fit.Warnings)
        {
            Names = design.ColumnNames,
        };
    }
}
