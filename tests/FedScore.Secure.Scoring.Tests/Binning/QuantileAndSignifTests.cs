using FedScore.Secure.Scoring.Binning;

namespace FedScore.Secure.Scoring.Tests.Binning;

public class QuantileAndSignifTests
{
    [Theory]
    // R: quantile(1:10, c(0, .05, .2, .5, .8, .95, 1)) = 1.00 1.45 2.80 5.50 8.20 9.55 10.00
    [InlineData(0.0, 1.0)]
    [InlineData(0.05, 1.45)]
    [InlineData(0.2, 2.8)]
    [InlineData(0.5, 5.5)]
    [InlineData(0.8, 8.2)]
    [InlineData(0.95, 9.55)]
    [InlineData(1.0, 10.0)]
    public void Type7QuantilesOfOneToTenMatchR(double p, double expected)
    {
        var x = Enumerable.Range(1, 10).Select(i => (double)i).ToArray();
        Assert.Equal(expected, Type7Quantile.FromSorted(x, p), 12);
    }

    [Fact]
    public void Type7IgnoresMissingValues()
    {
        // R: quantile(c(3, NA, 1, 2, 10), .5, na.rm = TRUE) = 2.5
        Assert.Equal(2.5, Type7Quantile.Compute([3, double.NaN, 1, 2, 10], [0.5])[0], 12);
    }

    [Theory]
    [InlineData(123456.0, 123000.0)]
    [InlineData(0.0012345, 0.00123)]
    [InlineData(8.45, 8.45)]
    [InlineData(11.25, 11.2)]   // half-even on an exact binary tie, as R
    [InlineData(11.35, 11.3)]   // 11.35 is 11.3499999… in binary
    [InlineData(2.675, 2.67)]
    [InlineData(-36.55, -36.5)]
    [InlineData(1045.0, 1040.0)] // exact tie → even
    [InlineData(0.0, 0.0)]
    public void SignifMatchesR(double x, double expected) =>
        Assert.Equal(expected, RNumerics.Signif(x, 3), 12);

    [Theory]
    [InlineData(8.5, "8.5")]
    [InlineData(11.2, "11.2")]
    [InlineData(36.0, "36")]
    [InlineData(0.1, "0.1")]
    [InlineData(1050.0, "1.05e+03")]
    [InlineData(1000.0, "1e+03")]
    [InlineData(0.00012, "0.00012")]
    [InlineData(0.000012, "1.2e-05")]
    public void FormatGMatchesFormatC(double x, string expected) =>
        Assert.Equal(expected, RNumerics.FormatG(x, 3));

    [Fact]
    public void RoundingIsHalfToEven()
    {
        Assert.Equal(2.0, RNumerics.RoundHalfEven(2.5));
        Assert.Equal(4.0, RNumerics.RoundHalfEven(3.5));
        Assert.Equal(-2.0, RNumerics.RoundHalfEven(-2.5));
    }

    [Fact]
    public void OrderStatisticsFromCountsEqualSorting()
    {
        var rng = new Random(7);
        var data = Enumerable.Range(0, 501).Select(_ => Math.Round(rng.NextDouble() * 200 - 100, rng.Next(0, 3))).ToArray();
        data[3] = 0.0;
        data[4] = -0.0;
        var sorted = data.Order().ToArray();
        long[] ranks = [1, 2, 17, 250, 251, 500, 501];
        var found = OrderStatisticSearch.Find(ranks, t => t.Select(th => (long)data.Count(x => x <= th)).ToArray());
        for (var i = 0; i < ranks.Length; i++)
        {
            Assert.Equal(sorted[ranks[i] - 1], found[i]);
        }
    }
}
