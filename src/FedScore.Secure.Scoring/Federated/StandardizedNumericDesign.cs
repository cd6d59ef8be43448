using FedScore.Secure.Scoring.Data;
using FedScore.Secure.Scoring.Modeling;

namespace FedScore.Secure.Scoring.Federated;

/// <summary>
/// Intercept plus numeric predictors standardized with PUBLIC constants, z = (x − c)/s, complete cases only (glm's
/// na.omit). The logistic MLE is equivariant under this affine reparametrisation, so the fit on z maps back exactly
/// to the fit on x (<see cref="ToOriginalScale"/>). Why: secure sums need a declared bound on every summed element;
/// with c and s the pooled mean and SD, each site's Σ z_a z_b is at most Σ_pooled z² ≈ N − 1 (Cauchy–Schwarz), so the
/// bounds depend only on N and the fixed-point resolution is spent where it matters (raw x'WX would need |x|²·N).
/// </summary>
public sealed class StandardizedNumericDesign : LogisticDesign
{
    private readonly string[] _predictors;
    private readonly double[] _center;
    private readonly double[] _scale;
    private readonly string[] _names;

    public StandardizedNumericDesign(IReadOnlyList<string> predictors, IReadOnlyList<double> center, IReadOnlyList<double> scale)
    {
        if (predictors.Count != center.Count || predictors.Count != scale.Count)
        {
            throw new ArgumentException("one center and one scale per predictor are required.");
        }

        for (var j = 0; j < scale.Count; j++)
        {
            if (!double.IsFinite(center[j]) || !(scale[j] > 0) || !double.IsFinite(scale[j]))
            {
                throw new ArgumentException($"predictor '{predictors[j]}': center must be finite and scale positive.");
            }
        }

        _predictors = [.. predictors];
        _center = [.. center];
        _scale = [.. scale];
        _names = ["(Intercept)", .. _predictors];
    }

    public IReadOnlyList<string> Predictors => _predictors;

    public IReadOnlyList<double> Center => _center;

    public IReadOnlyList<double> Scale => _scale;

    public override IReadOnlyList<string> ColumnNames => _names;

    public override SparseDesign Build(Dataset data) =>
        NumericDesign.BuildComplete(data, _predictors, Columns, (j, x) => (x - _center[j]) / _scale[j]);

    /// <summary>
    /// The linear map T with β_x = T·β_z: β_j = γ_j / s_j, β_0 = γ_0 − Σ γ_j c_j / s_j. Coefficients map as T·γ and the
    /// covariance as T·Cov·Tᵀ (standard errors are its diagonal's square roots).
    /// </summary>
    public double[,] ToOriginalScale()
    {
        var p = Columns;
        var t = new double[p, p];
        t[0, 0] = 1;
        for (var j = 1; j < p; j++)
        {
            t[j, j] = 1 / _scale[j - 1];
            t[0, j] = -_center[j - 1] / _scale[j - 1];
        }

        return t;
    }
}
