using CsCheck;
using FedScore.Secure.Scoring.Binning;
using FedScore.Secure.Scoring.Evaluation;

namespace FedScore.Secure.Scoring.Tests.Binning;

public class OrderStatisticPropertyTests
{
    [Fact]
    public void BisectionOnCountsFindsEveryOrderStatistic()
    {
        Gen.Double[-1e6, 1e6].Array[1, 60].Sample(data =>
        {
            var sorted = data.Order().ToArray();
            var ranks = Enumerable.Range(1, sorted.Length).Select(k => (long)k).ToArray();
            var found = OrderStatisticSearch.Find(ranks, t => t.Select(th => (long)sorted.Count(v => v <= th)).ToArray());
            return found.SequenceEqual(sorted.Select(v => v == 0 ? 0.0 : v));
        }, iter: 100);
    }

    [Fact]
    public void CountTableAucEqualsValueAuc()
    {
        Gen.Select(Gen.Int[0, 20].Array[30], Gen.Int[0, 1].Array[30]).Sample((scores, labels) =>
        {
            if (labels.Sum() is 0 or 30)
            {
                return true;
            }

            var a = RocAnalysis.Auc(ScoreCounts.Tally(scores, labels, 20));
            var b = RocAnalysis.Auc(scores.Select(s => (double)s).ToArray(), labels);
            return Math.Abs(a.Auc - b.Auc) < 1e-12 && Math.Abs(a.Variance - b.Variance) < 1e-12;
        }, iter: 200);
    }
}
