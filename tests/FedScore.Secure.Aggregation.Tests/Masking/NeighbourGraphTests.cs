using FedScore.Secure.Aggregation.Masking;
using static FedScore.Secure.Aggregation.Tests.Masking.MaskingTestKit;

namespace FedScore.Secure.Aggregation.Tests.Masking;

public class NeighbourGraphTests
{
    [Theory]
    [InlineData(10)]
    [InlineData(100)]
    [InlineData(500)]
    [InlineData(1000)]
    public void SecAggPlusGraphHasLogarithmicDegreeAndIsSymmetric(int n)
    {
        NeighbourGraph g = NeighbourGraph.For(Session(n), MaskingVariant.SecAggPlus);
        Assert.False(g.IsComplete);
        int h = (int)Math.Ceiling(Math.Log2(n));
        Assert.Equal(2 * h, g.Degree);
        for (int u = 0; u < n; u++)
        {
            int[] nb = g.NeighboursOf(u).ToArray();
            Assert.Equal(2 * h, nb.Length);
            Assert.DoesNotContain(u, nb);
            Assert.Equal(nb.Length, nb.Distinct().Count());
            Assert.All(nb, v => Assert.True(g.AreNeighbours(v, u)));
        }

        // Threshold within a neighbourhood: a strict majority at least.
        Assert.True(g.NeighbourhoodThreshold > (2 * h + 1) / 2);
        Assert.True(g.NeighbourhoodThreshold <= 2 * h + 1);
    }

    [Fact]
    public void SecAggPlusGraphIsDeterministicFromPublicInputsOnly()
    {
        NeighbourGraph a = NeighbourGraph.For(Session(200, id: "s-A"), MaskingVariant.SecAggPlus);
        NeighbourGraph b = NeighbourGraph.For(Session(200, id: "s-A"), MaskingVariant.SecAggPlus);
        NeighbourGraph c = NeighbourGraph.For(Session(200, id: "s-B"), MaskingVariant.SecAggPlus);
        bool allSame = true, anyDifferent = false;
        for (int u = 0; u < 200; u++)
        {
            allSame &= a.NeighboursOf(u).SequenceEqual(b.NeighboursOf(u));
            anyDifferent |= !a.NeighboursOf(u).SequenceEqual(c.NeighboursOf(u));
        }

        Assert.True(allSame);
        Assert.True(anyDifferent);
    }

    [Fact]
    public void SecAggPlusGraphIsNotJustTheSortedRing()
    {
        // The permutation must actually shuffle: in a plain ring site 0 would neighbour sites 1 and n−1.
        NeighbourGraph g = NeighbourGraph.For(Session(300), MaskingVariant.SecAggPlus);
        int ringLike = Enumerable.Range(0, 300).Count(u => g.AreNeighbours(u, (u + 1) % 300));
        Assert.True(ringLike < 60, $"{ringLike} of 300 sites neighbour their successor in roster order");
    }

    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(9)]
    public void SmallSessionsUseTheCompleteGraph(int n)
    {
        NeighbourGraph g = NeighbourGraph.For(Session(n), MaskingVariant.SecAggPlus);
        Assert.True(g.IsComplete);
        Assert.Equal(n - 1, g.Degree);
        Assert.Equal(SessionConfig.MajorityThreshold(n), g.NeighbourhoodThreshold);
    }
}
