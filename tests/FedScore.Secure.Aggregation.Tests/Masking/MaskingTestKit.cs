using FedScore.Secure.Aggregation.Masking;
using FedScore.Secure.Aggregation.Simulation;
using FedScore.Secure.FixedPoint;

namespace FedScore.Secure.Aggregation.Tests.Masking;

/// <summary>Builds sessions, inputs and expected sums for the masking tests.</summary>
internal static class MaskingTestKit
{
    public static SessionConfig Session(int n, int? threshold = null, string id = "session-1") =>
        new(id, Enumerable.Range(0, n).Select(i => new ParticipantId($"site-{i:D3}")), threshold ?? SessionConfig.MajorityThreshold(n));

    public static PairwiseMaskingScheme Scheme(MaskingVariant variant) => new(variant);

    public static Dictionary<ParticipantId, SiteInput> RealInputs(SessionConfig config, int length, int seed, bool weighted = false)
    {
        var rnd = new Random(seed);
        return config.Sites.ToDictionary(
            s => s,
            s => new SiteInput(Enumerable.Range(0, length).Select(_ => rnd.NextDouble() * 20 - 10).ToArray(), weighted ? 1 + rnd.Next(0, 4) : 1));
    }

    public static Dictionary<ParticipantId, SiteInput> IntegerInputs(SessionConfig config, int length, int seed)
    {
        var rnd = new Random(seed);
        return config.Sites.ToDictionary(
            s => s,
            s => new SiteInput(Enumerable.Range(0, length).Select(_ => (double)rnd.Next(-100, 101)).ToArray()));
    }

    public static RoundSpec RealSpec(SessionConfig config, int length, string round = "r1", double maxWeight = 1) =>
        new(round, length, FixedPointRequirements.ForAbsoluteError(10, config.Sites.Count, 1e-6, maxWeight));

    public static RoundSpec IntegerSpec(SessionConfig config, int length, string round = "r1") =>
        new(round, length, FixedPointRequirements.ForIntegers(100, config.Sites.Count));

    public static double[] PlainSum(IReadOnlyDictionary<ParticipantId, SiteInput> inputs, IEnumerable<ParticipantId> contributors, int length)
    {
        var sum = new double[length];
        foreach (ParticipantId p in contributors)
        {
            SiteInput x = inputs[p];
            for (int i = 0; i < length; i++)
            {
                sum[i] += x.Weight * x.Values[i];
            }
        }

        return sum;
    }

    public static double MaxAbsError(double[] a, double[] b) => a.Zip(b, (x, y) => Math.Abs(x - y)).Max();

    /// <summary>Asserts the result is the plain sum of exactly the surviving sites, within the plan's error bound.</summary>
    public static void AssertSumOfSurvivors(AggregationResult result, IReadOnlyDictionary<ParticipantId, SiteInput> inputs, IEnumerable<ParticipantId> expectedContributors, int length)
    {
        Assert.Equal(expectedContributors.Order().ToArray(), result.Contributors.ToArray());
        double[] expected = PlainSum(inputs, result.Contributors, length);
        double err = MaxAbsError(expected, result.Sum);
        Assert.True(err <= result.ErrorBound, $"max abs error {err} exceeds the bound {result.ErrorBound}");
    }
}
