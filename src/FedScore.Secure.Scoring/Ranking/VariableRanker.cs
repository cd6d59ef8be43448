using FedScore.Secure.Scoring.Binning;
using FedScore.Secure.Scoring.Data;
using FedScore.Secure.Scoring.Evaluation;
using FedScore.Secure.Scoring.Modeling;
using FedScore.Secure.Scoring.Statistics;

namespace FedScore.Secure.Scoring.Ranking;

/// <summary>AutoScore module 1 (<c>AutoScore_rank</c>), run locally at one site.</summary>
public static class VariableRanker
{
    /// <summary>
    /// method = "rf": impute (train median / mode), grow the forest on all predictors, rank by Gini importance.
    /// </summary>
    public static VariableRanking ByRandomForest(Dataset train, RandomForestOptions? options = null)
    {
        var imputed = MissingValueImputer.Fit(new SiteStatistics(train), DataPart.Train).Apply(train);
        var features = imputed.Predictors.Select(c => c.Kind == PredictorKind.Numeric
            ? c.Values.ToArray()
            : c.Codes.ToArray().Select(v => (double)v).ToArray()).ToList();
        var importance = RandomForestClassifier.GiniImportance(features, imputed.Outcome, options);
        return new VariableRanking(imputed.Predictors.Select((c, j) => (c.Name, importance[j])));
    }

    /// <summary>
    /// method = "auc": for each variable with more than one distinct value, a univariable logistic regression on
    /// train, its linear predictor on validation, AUC with pROC's automatic direction; one distinct value → AUC 0.
    /// Categorical variables enter dummy-coded.
    /// </summary>
    public static VariableRanking ByUnivariableAuc(Dataset train, Dataset validation)
    {
        var site = new SiteStatistics(train);
        var result = new List<(string, double)>();
        foreach (var column in train.Predictors)
        {
            LogisticDesign design;
            if (column.Kind == PredictorKind.Numeric)
            {
                var distinct = column.Values.ToArray().Where(v => !double.IsNaN(v)).Distinct().Count();
                if (distinct <= 1)
                {
                    result.Add((column.Name, 0));
                    continue;
                }

                design = new NumericDesign([column.Name]);
            }
            else
            {
                if (column.Levels.Count <= 1)
                {
                    result.Add((column.Name, 0));
                    continue;
                }

                var binning = CategoricalBinning.Create(column.Name, column.Levels, column.MissingCount() > 0);
                design = new BinnedDesign([binning], [0]);
            }

            var fit = NewtonLogisticSolver.Fit(b => site.Logistic(DataPart.Train, design, b), design.ColumnNames);
            var x = design.Build(validation);
            var lp = new double[x.Rows];
            for (var r = 0; r < lp.Length; r++)
            {
                lp[r] = x.LinearPredictor(r, fit.Coefficients);
            }

            result.Add((column.Name, RocAnalysis.Auc(lp, x.Outcome, RocDirection.Auto).Auc));
        }

        return new VariableRanking(result);
    }
}
