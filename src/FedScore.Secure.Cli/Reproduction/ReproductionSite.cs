using FedScore.Secure.Federation;
using FedScore.Secure.Scoring.Data;
using FedScore.Secure.Scoring.Evaluation;
using FedScore.Secure.Scoring.Federated;
using FedScore.Secure.Scoring.Modeling;
using FedScore.Secure.Scoring.Statistics;

namespace FedScore.Secure.Cli.Reproduction;

/// <summary>What a site releases about its own evaluation of a score (as FedScore-R sites print AutoScore_testing).</summary>
internal sealed record SiteReport(double Auc, double Lower, double Upper, long N, long Cases, int Threshold, double Sensitivity, double Specificity, double Ppv, double Npv);

internal sealed record SiteEvaluationRequest(DataPart Part, ScoringTableSpec Table, int MaxScore);

internal sealed record LocalMleRequest(string Lead, DataPart Part, DesignSpec Design);

internal sealed record RemoteDerivativesRequest(string Lead, DataPart Part, DesignSpec Design, double[] BetaBar);

internal sealed record RSurrogateRequest(string Lead, DataPart Part, DesignSpec Design, double[] BetaBar, double[] RemoteGradient, double[] RemoteHessianUpper, double RemoteN, double Reltol);

internal sealed record LeadFitReply(double[]? Beta, int Evaluations);

/// <summary>
/// A simulated site for the reproduction: answers everything FedScore asks (<see cref="FedScoreSiteStatistics"/>) plus
/// the few requests that only the paper reproduction needs —
/// an unweighted rank contribution (FedScore-R binary averages ranks with weights 1/K), FedScore-R's one-shot ODAL2
/// with its quirks (remote sites' derivatives only, Nelder–Mead reltol 1e-3 at the lead site), and a full local
/// evaluation report (AUC, DeLong CI, Youden threshold, sensitivity, specificity, PPV, NPV) that the site releases
/// about itself. Every cross-site SUM still goes through the secure aggregation of the federation.
/// </summary>
internal sealed class ReproductionSite(ParticipantId id, FedScoreSiteStatistics inner) : ISiteStatistics
{
    public const string UnweightedRank = "repro.rank-unweighted";
    public const string RemoteDerivatives = "repro.odal2r-derivatives";
    public const string LocalMle = "repro.local-mle";
    public const string RSurrogate = "repro.odal2r-surrogate";
    public const string Evaluate = "repro.evaluate";

    public ParticipantId Id => id;

    public SiteStatistics Local => inner.Local;

    public SiteContribution Compute(StatisticRequest request)
    {
        switch (request.Kind)
        {
            case UnweightedRank:
                SiteContribution weighted = inner.Compute(new StatisticRequest(RequestKinds.Rank, request.Payload));
                return new SiteContribution(weighted.Values, 1);
            case RemoteDerivatives:
                return Derivatives(FederatedJson.Parse<RemoteDerivativesRequest>(request));
            default:
                return inner.Compute(request);
        }
    }

    public string HandleBroadcast(StatisticRequest request) => request.Kind switch
    {
        Evaluate => EvaluateLocally(FederatedJson.Parse<SiteEvaluationRequest>(request)),
        LocalMle => Mle(FederatedJson.Parse<LocalMleRequest>(request)),
        RSurrogate => Surrogate(FederatedJson.Parse<RSurrogateRequest>(request)),
        _ => inner.HandleBroadcast(request),
    };

    private string EvaluateLocally(SiteEvaluationRequest r)
    {
        ScoringTable table = r.Table.ToTable();
        Dataset d = Local.Data(r.Part);
        ScoreCounts counts = ScoreCounts.Tally(table.Score(d), d.Outcome, Math.Max(r.MaxScore, table.MaxTotal));
        AucResult auc = RocAnalysis.Auc(counts);
        BinaryMetrics m = RocAnalysis.Youden(counts);
        return FederatedJson.Serialize(new SiteReport(auc.Auc, auc.Lower, auc.Upper, d.RowCount, counts.CaseCount, m.Threshold, m.Sensitivity, m.Specificity, m.Ppv, m.Npv));
    }

    /// <summary>The lead site's local MLE β̄ (FedScore-R: site_beta.json); other sites release nothing.</summary>
    private string Mle(LocalMleRequest r)
    {
        if (r.Lead != id.Value)
        {
            return FederatedJson.Serialize(new LeadFitReply(null, 0));
        }

        LogisticDesign design = r.Design.ToDesign();
        SparseDesign x = design.Build(Local.Data(r.Part));
        LogisticFit fit = NewtonLogisticSolver.Fit(b => LogisticStatistics.Compute(x, b), design.ColumnNames);
        return FederatedJson.Serialize(new LeadFitReply(fit.Coefficients, fit.Iterations));
    }

    /// <summary>
    /// A remote site's ODAL2 message at β̄ as a summable vector: [Σ(y−π)x (= n·D1), −Σπ(1−π)xxᵀ upper (= n·D2), n].
    /// The lead site contributes zeros: FedScore-R's surrogate uses only the remote sites' derivatives.
    /// </summary>
    private SiteContribution Derivatives(RemoteDerivativesRequest r)
    {
        LogisticDesign design = r.Design.ToDesign();
        int p = design.Columns;
        var v = new double[p + p * (p + 1) / 2 + 1];
        if (r.Lead == id.Value)
        {
            return new SiteContribution(v);
        }

        if (r.BetaBar is null || r.BetaBar.Length != p || r.BetaBar.Any(b => !double.IsFinite(b)))
        {
            throw new ArgumentException($"{RemoteDerivatives}: β̄ must hold {p} finite values.");
        }

        LogisticStatistics s = LogisticStatistics.Compute(design.Build(Local.Data(r.Part)), r.BetaBar);
        Array.Copy(s.Gradient, v, p);
        for (int k = 0; k < s.HessianUpper.Length; k++)
        {
            v[p + k] = -s.HessianUpper[k];
        }

        v[^1] = s.Count;
        return new SiteContribution(v);
    }

    /// <summary>The lead site maximises FedScore-R's surrogate (see <see cref="RStyleOdal2"/>) on its own data.</summary>
    private string Surrogate(RSurrogateRequest r)
    {
        if (r.Lead != id.Value)
        {
            return FederatedJson.Serialize(new LeadFitReply(null, 0));
        }

        LogisticDesign design = r.Design.ToDesign();
        SparseDesign x = design.Build(Local.Data(r.Part));
        (double[] beta, int evaluations) = RStyleOdal2.MaximiseSurrogate(x, r.BetaBar, r.RemoteGradient, r.RemoteHessianUpper, r.RemoteN, r.Reltol);
        return FederatedJson.Serialize(new LeadFitReply(beta, evaluations));
    }
}
