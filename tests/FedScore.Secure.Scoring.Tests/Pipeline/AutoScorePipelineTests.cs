using FedScore.Secure.Scoring.Binning;
using FedScore.Secure.Scoring.Data;
using FedScore.Secure.Scoring.Statistics;

namespace FedScore.Secure.Scoring.Tests.Pipeline;

public class AutoScorePipelineTests
{
    private static readonly string[] s_fourVariables = ["Lab_H", "Age", "Lab_B", "Lab_K"];

    [Fact]
    public void Site1FourVariableScoreHasPlausibleTestPerformance()
    {
        var pipeline = new AutoScorePipeline(TestData.Site1Statistics, new AutoScoreOptions { BootstrapReplicates = 200 });
        var score = pipeline.DeriveScore(s_fourVariables);
        var report = pipeline.Evaluate(score.Table, DataPart.Test);
        // Published FedScore model 4 (a different, intercept-shifted table) on site1 test: 0.7666 (0.7363–0.7968).
        Assert.InRange(report.Auc.Auc, 0.73, 0.80);
        Assert.True(report.Auc.Lower < report.Auc.Auc && report.Auc.Auc < report.Auc.Upper);
        Assert.Equal(2799, report.Counts.CaseCount + report.Counts.ControlCount);
        Assert.NotNull(report.Bootstrap);
        Assert.InRange(report.AtYouden.Threshold, 1, 100);
    }

    [Fact]
    public void ParsimonyCurveRisesFromOneVariable()
    {
        var site = TestData.Site1Statistics;
        var ranking = new FedScore.Secure.Scoring.Ranking.VariableRanking(s_fourVariables.Select((v, i) => (v, 10.0 - i)));
        var pipeline = new AutoScorePipeline(site, new AutoScoreOptions { MaxVariables = 4 });
        var curve = pipeline.Parsimony(ranking);
        Assert.Equal([1, 2, 3, 4], curve.Select(p => p.VariableCount));
        Assert.True(curve[3].Validation.Auc > curve[0].Validation.Auc);
        Assert.All(curve, p => Assert.InRange(p.Validation.Auc, 0.55, 0.85));
    }

    [Fact]
    public void FineTuningUsesTheUserCutPoints()
    {
        var pipeline = new AutoScorePipeline(TestData.Site1Statistics);
        var cuts = pipeline.CutVectors(s_fourVariables);
        cuts["Age"] = CutVector.Numeric("Age", [35, 50, 75]);
        var score = pipeline.DeriveScore(s_fourVariables, cuts);
        var age = score.Table.Variables.Single(v => v.Variable == "Age");
        Assert.Equal(["(,35)", "[35,50)", "[50,75)", "[75,)"], age.Binning.Labels);
    }

    [Fact]
    public void TwoSitesSummedGiveThePooledScoreTable()
    {
        var s1 = SiteStatistics.FromSplit(TestData.Site1);
        var s2 = SiteStatistics.FromSplit(TestData.Site2);
        var summed = new AutoScorePipeline(new SummedStatistics([s1, s2]));
        var pooledData = Dataset.Concat(TestData.Site1, TestData.Site2);
        var pooled = new AutoScorePipeline(SiteStatistics.FromSplit(pooledData));
        var a = summed.DeriveScore(s_fourVariables);
        var b = pooled.DeriveScore(s_fourVariables);
        Assert.Equal(b.Table.ToString(), a.Table.ToString());
        Assert.Equal(
            pooled.CutVectors(s_fourVariables).Values.Select(c => c.ToString()),
            summed.CutVectors(s_fourVariables).Values.Select(c => c.ToString()));
        var ea = summed.Evaluate(a.Table, DataPart.Validation, bootstrap: false);
        var eb = pooled.Evaluate(b.Table, DataPart.Validation, bootstrap: false);
        Assert.Equal(eb.Auc, ea.Auc);
    }
}

public class AutoScoreRunTests
{
    [Fact]
    public void LocalRunGoesFromRankingToTestReport()
    {
        var site = SiteStatistics.FromSplit(TestData.Site2);
        var run = AutoScorePipeline.RunLocal(
            site,
            finalVariableCount: 4,
            fineTunedCuts: new Dictionary<string, CutVector> { ["Age"] = CutVector.Numeric("Age", [35, 50, 75]) },
            options: new AutoScoreOptions { MaxVariables = 6, BootstrapReplicates = 100, Forest = new() { Trees = 40 } });
        Assert.Equal(6, run.Parsimony.Count);
        Assert.Equal(4, run.FinalVariables.Count);
        Assert.Equal(run.Ranking.Top(4), run.FinalVariables);
        Assert.Equal(1199, run.Test.Counts.CaseCount + run.Test.Counts.ControlCount);
        if (run.FinalVariables.Contains("Age"))
        {
            Assert.Equal([35.0, 50, 75], run.CutVectors["Age"].Cuts);
        }

        Assert.InRange(run.Test.Auc.Auc, 0.6, 0.9);
    }
}
