using FedScore.Secure.Federation;
using FedScore.Secure.Scoring.Binning;
using FedScore.Secure.Scoring.Data;
using FedScore.Secure.Scoring.Evaluation;
using FedScore.Secure.Scoring.Modeling;
using FedScore.Secure.Scoring.Ranking;
using FedScore.Secure.Scoring.Statistics;
using MathNet.Numerics.LinearAlgebra;

namespace FedScore.Secure.Scoring.Federated;

/// <summary>
/// A site's side of FedScore: answers every <see cref="RequestKinds"/> request on its own data (train / validation /
/// test) with a vector whose secure SUM over sites is the pooled quantity. Where the coordinator needs n, n is a
/// separate summed element or the contribution's private weight — a site's own n never leaves in clear through a
/// secure sum. The local computations are helper code in <see cref="SiteStatistics"/>; this class only parses
/// payloads, checks them and lays the results out as vectors.
/// </summary>
public sealed class FedScoreSiteStatistics : ISiteStatistics
{
    private const int DesignCacheSize = 4;
    private readonly SiteStatistics _site;
    private readonly LinkedList<(string Key, SparseDesign Design)> _designs = new();
    private readonly Lock _lock = new();

    public FedScoreSiteStatistics(SiteStatistics site)
    {
        _site = site ?? throw new ArgumentNullException(nameof(site));
    }

    /// <summary>A site from one CSV-loaded dataset with a split column (train / validate / test).</summary>
    public static FedScoreSiteStatistics FromSplit(Dataset data) => new(SiteStatistics.FromSplit(data));

    public SiteStatistics Local => _site;

    public SiteContribution Compute(StatisticRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            return request.Kind switch
            {
                RequestKinds.RowsAndEvents => Counts(_site.RowAndEventCounts(FederatedJson.Parse<PartRequest>(request).Part)),
                RequestKinds.CountAtOrBelow => CountAtOrBelow(FederatedJson.Parse<CountAtOrBelowRequest>(request)),
                RequestKinds.LevelCounts => LevelCounts(FederatedJson.Parse<LevelCountsRequest>(request)),
                RequestKinds.BinOutcomeCounts => BinCounts(FederatedJson.Parse<BinCountsRequest>(request)),
                RequestKinds.ScoreCounts => ScoreCounts(FederatedJson.Parse<ScoreCountsRequest>(request)),
                RequestKinds.Logistic => Logistic(FederatedJson.Parse<LogisticRequest>(request)),
                RequestKinds.Moments => Moments(FederatedJson.Parse<MomentsRequest>(request)),
                RequestKinds.Rank => Rank(FederatedJson.Parse<RankRequest>(request)),
                RequestKinds.SiteCuts => SiteCuts(FederatedJson.Parse<SiteCutsRequest>(request)),
                RequestKinds.LocalFit => LocalFit(FederatedJson.Parse<LocalFitRequest>(request)),
                _ => throw new ArgumentException($"unknown statistic kind '{request.Kind}'."),
            };
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or ArgumentOutOfRangeException or NullReferenceException)
        {
            throw new ArgumentException($"'{request.Kind}': {e.Message}", e);
        }
    }

    public string HandleBroadcast(StatisticRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Kind switch
        {
            RequestKinds.Schema => FederatedJson.Serialize(new SiteSchema(
                [.. _site.Schema.Select(p => new SiteSchemaEntry(p.Name, p.Kind, [.. p.Levels]))])),
            RequestKinds.EvaluateLocally => Evaluate(FederatedJson.Parse<ScoreCountsRequest>(request)),
            RequestKinds.Odal2Surrogate => Odal2(FederatedJson.Parse<Odal2Request>(request)),
            _ => throw new ArgumentException($"unknown broadcast kind '{request.Kind}'."),
        };
    }

    private static SiteContribution Counts(long[] counts) => new([.. counts.Select(c => (double)c)]);

    private SiteContribution CountAtOrBelow(CountAtOrBelowRequest r)
    {
        if (r.Variables is null || r.Thresholds is null || r.Variables.Length != r.Thresholds.Length)
        {
            throw new ArgumentException("count-le: one threshold per variable is required.");
        }

        return Counts(_site.CountAtOrBelow(r.Part, r.Variables, r.Thresholds));
    }

    private SiteContribution LevelCounts(LevelCountsRequest r) =>
        Counts(_site.LevelCounts(r.Part, r.Variable, r.Levels ?? throw new ArgumentException("level-counts: no levels.")));

    private SiteContribution BinCounts(BinCountsRequest r) =>
        Counts(_site.BinOutcomeCounts(r.Part, [.. (r.Binnings ?? []).Select(b => b.ToBinning())]));

    private SiteContribution ScoreCounts(ScoreCountsRequest r)
    {
        var table = r.Table.ToTable();
        var d = _site.Data(r.Part);
        return Counts(Evaluation.ScoreCounts.Tally(table.Score(d), d.Outcome, CheckedMaxScore(r.MaxScore, table)).ToVector());
    }

    private static int CheckedMaxScore(int maxScore, ScoringTable table)
    {
        if (maxScore < table.MaxTotal || maxScore > 100_000)
        {
            throw new ArgumentException($"score-counts: max score {maxScore} is below the table's maximum {table.MaxTotal} or too large.");
        }

        return maxScore;
    }

    private SiteContribution Logistic(LogisticRequest r)
    {
        var x = Design(r.Part, r.Design);
        if (r.Beta is null || r.Beta.Length != x.Columns || r.Beta.Any(b => !double.IsFinite(b)))
        {
            throw new ArgumentException($"logistic: β must hold {x.Columns} finite values.");
        }

        return new SiteContribution(LogisticStatistics.Compute(x, r.Beta).ToVector());
    }

    /// <summary>Design matrices are cached by their public description (bounded: a Newton fit reuses one design).</summary>
    private SparseDesign Design(DataPart part, DesignSpec spec)
    {
        var key = part + "|" + FederatedJson.Serialize(spec);
        lock (_lock)
        {
            for (var node = _designs.First; node is not null; node = node.Next)
            {
                if (node.Value.Key == key)
                {
                    _designs.Remove(node);
                    _designs.AddFirst(node);
                    return node.Value.Design;
                }
            }
        }

        var design = spec.ToDesign().Build(_site.Data(part));
        lock (_lock)
        {
            _designs.AddFirst((key, design));
            while (_designs.Count > DesignCacheSize)
            {
                _designs.RemoveLast();
            }
        }

        return design;
    }

    private SiteContribution Moments(MomentsRequest r)
    {
        var d = _site.Data(r.Part);
        var cols = (r.Predictors ?? []).Select(p => d[p]).ToArray();
        if (cols.Any(c => c.Kind != PredictorKind.Numeric))
        {
            throw new ArgumentException("moments: all predictors must be numeric.");
        }

        if (r.Center is not null && r.Center.Length != cols.Length)
        {
            throw new ArgumentException("moments: one center per predictor is required.");
        }

        var v = new double[2 * cols.Length + 1];
        for (var row = 0; row < d.RowCount; row++)
        {
            if (cols.Any(c => double.IsNaN(c.Values[row])))
            {
                continue;
            }

            for (var j = 0; j < cols.Length; j++)
            {
                var x = cols[j].Values[row];
                v[2 * j] += x;
                if (r.Center is not null)
                {
                    // Squares only around a given center: Σx² around 0 would need a bound of n·M² for no use.
                    var dev = x - r.Center[j];
                    v[2 * j + 1] += dev * dev;
                }
            }

            v[^1]++;
        }

        return new SiteContribution(v);
    }

    /// <summary>The site's own ranking (AutoScore module 1), weighted by its training n: Σ n_i·rank_i and Σ n_i.</summary>
    private SiteContribution Rank(RankRequest r)
    {
        var train = Impute(_site.Data(DataPart.Train).WithPredictors(r.Variables ?? throw new ArgumentException("rank: no variables.")), r);
        VariableRanking ranking = r.Method switch
        {
            "rf" => VariableRanker.ByRandomForest(train, new RandomForestOptions { Trees = Math.Clamp(r.Trees, 1, 5000), Seed = r.Seed }),
            "auc" => VariableRanker.ByUnivariableAuc(train, Impute(_site.Data(DataPart.Validation).WithPredictors(r.Variables), r)),
            _ => throw new ArgumentException($"rank: unknown method '{r.Method}' (rf or auc)."),
        };
        var rankOf = ranking.Variables.ToDictionary(v => v.Name, v => (double)v.Rank, StringComparer.Ordinal);
        return new SiteContribution([.. r.Variables.Select(v => rankOf[v]), 1], train.RowCount);
    }

    private static Dataset Impute(Dataset data, RankRequest r)
    {
        var replaced = new List<PredictorColumn>();
        foreach (var c in data.Predictors)
        {
            if (c.MissingCount() == 0)
            {
                continue;
            }

            if (c.Kind == PredictorKind.Numeric && r.Medians is not null && r.Medians.TryGetValue(c.Name, out var median))
            {
                replaced.Add(c.WithMissingReplaced(median, null));
            }
            else if (c.Kind == PredictorKind.Categorical && r.Modes is not null && r.Modes.TryGetValue(c.Name, out var mode))
            {
                replaced.Add(c.WithMissingReplaced(double.NaN, mode));
            }
        }

        return replaced.Count == 0 ? data : data.WithReplacedColumns(replaced);
    }

    /// <summary>
    /// FedScore-compatible: the site's own <c>get_cut_vec</c> on its training data. Per variable: [let_binary flag,
    /// c_1..c_m] with m = #probabilities − 2 (a shorter cut vector is padded by repeating its last value; R would
    /// recycle), then a final 1. Weight n (sample-size weighted mean) or 1 (FedScore-R binary: unweighted).
    /// </summary>
    private SiteContribution SiteCuts(SiteCutsRequest r)
    {
        if (r.Variables is null || r.Probabilities is null || r.Probabilities.Length < 3)
        {
            throw new ArgumentException("site-cuts: variables and at least 3 probabilities are required.");
        }

        var m = r.Probabilities.Length - 2;
        var cuts = CutPointCalculator.CutVectors(_site, DataPart.Train, r.Variables, r.Probabilities);
        var v = new double[r.Variables.Length * (m + 1) + 1];
        for (var k = 0; k < r.Variables.Length; k++)
        {
            var cut = cuts[r.Variables[k]];
            var offset = k * (m + 1);
            if (cut.IsLetBinary)
            {
                v[offset] = 1;
                continue;
            }

            for (var i = 0; i < m; i++)
            {
                v[offset + 1 + i] = cut.Cuts[Math.Min(i, cut.Cuts.Count - 1)];
            }
        }

        v[^1] = 1;
        return new SiteContribution(v, r.WeightBySampleSize ? _site.Data(DataPart.Train).RowCount : 1);
    }

    /// <summary>FedAvg: the site's local MLE of the design, then 1, weighted by the site's n.</summary>
    private SiteContribution LocalFit(LocalFitRequest r)
    {
        var design = r.Design.ToDesign();
        var x = design.Build(_site.Data(r.Part));
        var fit = NewtonLogisticSolver.Fit(b => LogisticStatistics.Compute(x, b), design.ColumnNames);
        return new SiteContribution([.. fit.Coefficients, 1], x.Rows);
    }

    private string Evaluate(ScoreCountsRequest r)
    {
        var table = r.Table.ToTable();
        var d = _site.Data(r.Part);
        var counts = Evaluation.ScoreCounts.Tally(table.Score(d), d.Outcome, CheckedMaxScore(r.MaxScore, table));
        var auc = RocAnalysis.Auc(counts);
        return FederatedJson.Serialize(new SiteEvaluation(auc.Auc, auc.Lower, auc.Upper, d.RowCount));
    }

    /// <summary>
    /// ODAL2 (Duan et al. 2020) at this site: maximise the surrogate
    /// L̃(β) = ℓ_1(β)/n_1 + (ḡ − g_1(β̄)/n_1)ᵀβ − ½(β−β̄)ᵀ(Ī − I_1(β̄)/n_1)(β−β̄)
    /// (ℓ log-likelihood, g its gradient, I = X'WX; ḡ, Ī pooled means at β̄) by Newton with step halving.
    /// Releases {"beta": [...]}.
    /// </summary>
    private string Odal2(Odal2Request r)
    {
        var design = r.Design.ToDesign();
        var x = design.Build(_site.Data(r.Part));
        var p = design.Columns;
        if (r.BetaBar?.Length != p || r.MeanGradient?.Length != p || r.MeanInformationUpper?.Length != p * (p + 1) / 2)
        {
            throw new ArgumentException("odal2: β̄, gradient and information must match the design.");
        }

        double n1 = x.Rows;
        var atBar = LogisticStatistics.Compute(x, r.BetaBar);
        var shiftG = Vector<double>.Build.Dense(p, i => r.MeanGradient[i] - atBar.Gradient[i] / n1);
        var shiftI = Matrix<double>.Build.Dense(p, p, (i, j) =>
            r.MeanInformationUpper[LogisticStatistics.UpperIndex(Math.Min(i, j), Math.Max(i, j), p)] / 1 - atBar.Hessian(i, j) / n1);
        var betaBar = Vector<double>.Build.DenseOfArray(r.BetaBar);

        double Surrogate(LogisticStatistics s, Vector<double> b)
        {
            var d = b - betaBar;
            return -s.Deviance / 2 / n1 + shiftG.DotProduct(b) - 0.5 * d.DotProduct(shiftI * d);
        }

        var beta = betaBar.Clone();
        var stats = atBar;
        var value = Surrogate(stats, beta);
        for (var iter = 0; iter < 100; iter++)
        {
            var g = Vector<double>.Build.Dense(p, i => stats.Gradient[i] / n1) + shiftG - shiftI * (beta - betaBar);
            var j = Matrix<double>.Build.Dense(p, p, (a, b) => stats.Hessian(a, b) / n1) + shiftI;
            Vector<double> step;
            try
            {
                step = j.Cholesky().Solve(g);
            }
            catch (ArgumentException)
            {
                step = g; // not concave here: gradient ascent direction, step halving below
            }

            var scale = 1.0;
            var improved = false;
            for (var h = 0; h < 40; h++)
            {
                var candidate = beta + scale * step;
                var cs = LogisticStatistics.Compute(x, candidate.ToArray());
                var cv = Surrogate(cs, candidate);
                if (double.IsFinite(cv) && cv >= value - 1e-15 * Math.Abs(value))
                {
                    var change = Math.Abs(cv - value);
                    beta = candidate;
                    stats = cs;
                    value = cv;
                    improved = change > 1e-14 * (Math.Abs(value) + 1e-3);
                    break;
                }

                scale /= 2;
            }

            if (!improved)
            {
                break;
            }
        }

        return FederatedJson.Serialize(new { beta = beta.ToArray() });
    }
}
