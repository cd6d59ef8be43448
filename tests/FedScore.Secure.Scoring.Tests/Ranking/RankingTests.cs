using FedScore.Secure.Scoring.Data;
using FedScore.Secure.Scoring.Ranking;

namespace FedScore.Secure.Scoring.Tests.Ranking;

public class RankingTests
{
    private static Dataset Synthetic(int n, int seed)
    {
        var rng = new Random(seed);
        var signal = new double[n];
        var noise = new double[n];
        var weak = new double[n];
        var y = new int[n];
        for (var i = 0; i < n; i++)
        {
            signal[i] = rng.NextDouble();
            noise[i] = rng.NextDouble();
            weak[i] = rng.NextDouble();
            var p = 1 / (1 + Math.Exp(-(-2 + 5 * signal[i] + 1 * weak[i])));
            y[i] = rng.NextDouble() < p ? 1 : 0;
        }

        return new Dataset([
            PredictorColumn.Numeric("noise", noise),
            PredictorColumn.Numeric("signal", signal),
            PredictorColumn.Numeric("weak", weak)], y);
    }

    [Fact]
    public void ForestRanksTheInformativeVariableFirstAndIsReproducible()
    {
        var d = Synthetic(800, 1);
        var a = VariableRanker.ByRandomForest(d, new RandomForestOptions { Trees = 30, Seed = 5 });
        var b = VariableRanker.ByRandomForest(d, new RandomForestOptions { Trees = 30, Seed = 5 });
        Assert.Equal("signal", a.Variables[0].Name);
        Assert.Equal(a.Variables.Select(v => v.Importance), b.Variables.Select(v => v.Importance));
    }

    [Fact]
    public void GiniImportanceOfFullyGrownTreesSumsToRootImpurity()
    {
        // With distinct feature values every leaf ends pure, so the decreases of a tree add up to the root's
        // N·Gini over its bootstrap sample, ≈ n·2p(1−p) on average.
        var d = Synthetic(500, 2);
        var features = d.Predictors.Select(c => c.Values.ToArray()).ToList();
        var imp = RandomForestClassifier.GiniImportance(features, d.Outcome, new RandomForestOptions { Trees = 50, Seed = 1 });
        var p = d.EventCount / 500.0;
        Assert.InRange(imp.Sum(), 0.9 * 500 * 2 * p * (1 - p), 1.1 * 500 * 2 * p * (1 - p));
        Assert.All(imp, v => Assert.True(v >= 0));
    }

    [Fact]
    public void Site1ForestTopVariablesAgreeWithPublishedRanking()
    {
        // FedScore-R rank1.csv: Lab_H, Age, Lab_B, Lab_K, Vital_E, Lab_I, Lab_A, … (R's RNG differs; only the
        // leading group is stable).
        var train = TestData.Site1.Part(DataPart.Train);
        var ranking = VariableRanker.ByRandomForest(train, new RandomForestOptions { Trees = 100, Seed = 4 });
        var top5 = ranking.Top(5);
        Assert.Contains("Lab_H", top5);
        Assert.Contains("Age", top5);
        Assert.Equal(20, ranking.Variables.Count);
    }

    [Fact]
    public void UnivariableAucRankingPutsSignalFirst()
    {
        var ranking = VariableRanker.ByUnivariableAuc(Synthetic(600, 3), Synthetic(400, 4));
        Assert.Equal("signal", ranking.Variables[0].Name);
        Assert.All(ranking.Variables, v => Assert.InRange(v.Importance, 0.45, 1));
    }
}
