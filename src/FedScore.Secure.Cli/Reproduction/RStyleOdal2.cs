using FedScore.Secure.Federation;
using FedScore.Secure.FixedPoint;
using FedScore.Secure.Scoring.Binning;
using FedScore.Secure.Scoring.Data;
using FedScore.Secure.Scoring.Federated;
using FedScore.Secure.Scoring.Modeling;

namespace FedScore.Secure.Cli.Reproduction;

/// <summary>Result of FedScore-R's one-shot ODAL2 for one model.</summary>
internal sealed record RStyleFit(double[] BetaBar, double[] RemoteMeanGradient, double[] Beta, int Evaluations, double RemoteN);

/// <summary>
/// FedScore-R's binary score derivation, as coded in its repository (fedscore_binary.R / helpers_binary.R;
/// doc §2.1): β̄ = the lead site's local MLE; each remote site sends n·D1 and n·D2 at β̄ (here: one secure sum, the lead
/// adds zeros); the lead minimises
///   f(β) = −[ L₁(β) + (D1_all/N − g₁(β̄))·β + ½(β−β̄)ᵀ(D2_all/N − H₁(β̄))(β−β̄) ]
/// (L₁ mean log-likelihood, g₁/H₁ mean gradient/Hessian on the lead's data, N = n₁ + Σn_r) by Nelder–Mead with
/// reltol 1e-3; the score table is <c>transform_score</c>: s = round(coef·100/(max−min)) over the whole vector
/// INCLUDING the intercept, minus min(s), reference levels 0, no change of reference.
/// </summary>
internal static class RStyleOdal2
{
    public const double Reltol = 1e-3;

    public static RStyleFit Fit(ISecureFederation federation, string lead, DataPart part, BinnedDesign design, long pooledRows)
    {
        DesignSpec spec = DesignSpec.From(design);
        int p = design.Columns;
        double[] betaBar = LeadReply(federation, ReproductionSite.LocalMle, new LocalMleRequest(lead, part, spec), lead).Beta!;

        int length = p + p * (p + 1) / 2 + 1;
        // Per row: |y−π|·|x| ≤ 1, π(1−π)x² ≤ 1/4, count 1 (dummy design); a site's sum is at most its n ≤ pooled n.
        FixedPointRequirements precision = SecurePrecision.Reals(Math.Max(1, pooledRows), federation.Sites.Count);
        var request = FederatedJson.Request(ReproductionSite.RemoteDerivatives, new RemoteDerivativesRequest(lead, part, spec, betaBar));
        double[] sum = federation.SecureSumAsync(request, length, precision).GetAwaiter().GetResult().Sum;
        double remoteN = Math.Round(sum[^1]);
        double[] gradient = sum[..p];
        double[] hessian = sum[p..^1];

        LeadFitReply fit = LeadReply(federation, ReproductionSite.RSurrogate,
            new RSurrogateRequest(lead, part, spec, betaBar, gradient, hessian, remoteN, Reltol), lead);
        return new RStyleFit(betaBar, [.. gradient.Select(g => g / remoteN)], fit.Beta!, fit.Evaluations, remoteN);
    }

    private static LeadFitReply LeadReply<T>(ISecureFederation federation, string kind, T payload, string lead)
    {
        var replies = federation.BroadcastAsync(FederatedJson.Request(kind, payload)).GetAwaiter().GetResult();
        ParticipantId leadId = replies.Keys.FirstOrDefault(k => k.Value == lead);
        LeadFitReply reply = leadId.Value is null
            ? throw new InvalidOperationException($"lead site {lead} did not answer '{kind}'.")
            : FederatedJson.Parse<LeadFitReply>(replies[leadId], $"{kind} of {lead}");
        if (reply.Beta is null || reply.Beta.Any(b => !double.IsFinite(b)))
        {
            throw new InvalidOperationException($"lead site {lead} returned no valid estimate for '{kind}'.");
        }

        return reply;
    }

    /// <summary>At the lead site: Nelder–Mead (R nmmin, reltol) on the surrogate, from β̄.</summary>
    public static (double[] Beta, int Evaluations) MaximiseSurrogate(SparseDesign x, double[] betaBar, double[] remoteGradient, double[] remoteHessianUpper, double remoteN, double reltol)
    {
        int p = x.Columns;
        if (betaBar.Length != p || remoteGradient.Length != p || remoteHessianUpper.Length != p * (p + 1) / 2)
        {
            throw new ArgumentException("odal2 (R style): β̄, gradient and Hessian must match the design.");
        }

        double n1 = x.Rows;
        double total = n1 + remoteN;
        LogisticStatistics atBar = LogisticStatistics.Compute(x, betaBar);
        // Linear term (D1_all/N − g₁(β̄)) and quadratic matrix (D2_all/N − H₁(β̄)), H₁ = −information/n₁.
        var linear = new double[p];
        var quad = new double[p, p];
        for (int i = 0; i < p; i++)
        {
            linear[i] = remoteGradient[i] / total - atBar.Gradient[i] / n1;
            for (int j = 0; j < p; j++)
            {
                int k = LogisticStatistics.UpperIndex(Math.Min(i, j), Math.Max(i, j), p);
                quad[i, j] = remoteHessianUpper[k] / total + atBar.Hessian(i, j) / n1;
            }
        }

        double Objective(double[] b)
        {
            double logLik = -LogisticStatistics.Compute(x, b).Deviance / 2 / n1;
            double lin = 0, q = 0;
            for (int i = 0; i < p; i++)
            {
                lin += linear[i] * b[i];
                double di = b[i] - betaBar[i];
                for (int j = 0; j < p; j++)
                {
                    q += di * quad[i, j] * (b[j] - betaBar[j]);
                }
            }

            return -(logLik + lin + 0.5 * q);
        }

        (double[] beta, _, int evaluations) = NelderMead.Minimize(Objective, betaBar, reltol);
        return (beta, evaluations);
    }

    /// <summary>FedScore-R <c>transform_score</c> + <c>add_baseline</c> on the design's coefficients (intercept first).</summary>
    public static ScoringTable TransformScore(BinnedDesign design, double[] beta)
    {
        double range = beta.Max() - beta.Min();
        double[] s = [.. beta.Select(c => RNumerics.RoundHalfEven(c * 100 / range))];
        double min = s.Min();
        var variables = new List<VariablePoints>();
        for (int v = 0; v < design.Binnings.Count; v++)
        {
            VariableBinning b = design.Binnings[v];
            var points = new int[b.LevelCount];
            for (int l = 0; l < b.LevelCount; l++)
            {
                int column = design.ColumnOf(v, l);
                points[l] = column < 0 ? 0 : (int)(s[column] - min);
            }

            variables.Add(new VariablePoints(b, points));
        }

        return new ScoringTable(variables);
    }
}
