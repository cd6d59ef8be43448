using FedScore.Secure.Scoring.Binning;
using FedScore.Secure.Scoring.Data;
using FedScore.Secure.Scoring.Evaluation;
using FedScore.Secure.Scoring.Modeling;

namespace FedScore.Secure.Scoring.Statistics;

/// <summary>A predictor's name and kind as the sites agree on it (categorical levels: the union over sites).</summary>
public sealed record PredictorInfo(string Name, PredictorKind Kind, IReadOnlyList<string> Levels);

/// <summary>
/// The only way the AutoScore steps in this library look at data: each query is answered with the ELEMENT-WISE SUM
/// over all sites of a vector that every site computes locally (<see cref="SiteStatistics"/>). Locally there is one
/// site; <see cref="SummedStatistics"/> adds several sites in clear; a federated implementation answers the same
/// queries through secure aggregation. The results (quantiles, fits, AUCs, score tables) are therefore those of the
/// pooled data by construction. Every query carries only public parameters (names, thresholds, coefficients, bins).
/// </summary>
public interface IPooledStatistics
{
    IReadOnlyList<PredictorInfo> Schema { get; }

    /// <summary>[rows, events] of a data part.</summary>
    long[] RowAndEventCounts(DataPart part);

    /// <summary>For each i: number of non-missing values of variables[i] that are ≤ thresholds[i].</summary>
    long[] CountAtOrBelow(DataPart part, IReadOnlyList<string> variables, IReadOnlyList<double> thresholds);

    /// <summary>Counts of each listed level of a categorical variable, then one more entry: missing values.</summary>
    long[] LevelCounts(DataPart part, string variable, IReadOnlyList<string> levels);

    /// <summary>For each binning, for each level: [rows, events] (flattened in that order).</summary>
    long[] BinOutcomeCounts(DataPart part, IReadOnlyList<VariableBinning> binnings);

    /// <summary>Logistic sufficient statistics (n, deviance, gradient, information) at <paramref name="beta"/>.</summary>
    LogisticStatistics Logistic(DataPart part, LogisticDesign design, double[] beta);

    /// <summary>Counts of each total score by outcome.</summary>
    ScoreCounts ScoreCounts(DataPart part, ScoringTable table);
}
