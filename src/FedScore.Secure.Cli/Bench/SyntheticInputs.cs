using FedScore.Secure.Aggregation.Simulation;

namespace FedScore.Secure.Cli.Bench;

/// <summary>
/// The synthetic site vectors of a benchmark: uniform in [−maxAbs, maxAbs], each site's drawn from its own seeded
/// statistics RNG (never used for cryptography). Regenerating a site's vector gives the same values, so neither the
/// simulator nor the error check has to hold every site's vector at once.
/// </summary>
public sealed class SyntheticInputs(int seed, int length, double maxAbs)
{
    public int Length { get; } = length;

    /// <summary>Site <paramref name="siteIndex"/>'s vector (index as in <see cref="Aggregation.SessionConfig.IndexOf"/>).</summary>
    public double[] Values(int siteIndex)
    {
        var random = new Random(unchecked((seed * 1_000_003) ^ siteIndex));
        var values = new double[Length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (random.NextDouble() * 2 - 1) * maxAbs;
        }

        return values;
    }

    public SiteInput Input(int siteIndex) => new(Values(siteIndex));

    /// <summary>Largest |result − exact sum of the contributors' vectors|, regenerating one vector at a time.</summary>
    public double MaxAbsError(ReadOnlySpan<double> result, IEnumerable<int> contributorIndices)
    {
        var expected = new double[Length];
        foreach (int site in contributorIndices)
        {
            double[] v = Values(site);
            for (int i = 0; i < expected.Length; i++)
            {
                expected[i] += v[i];
            }
        }

        double max = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            max = Math.Max(max, Math.Abs(result[i] - expected[i]));
        }

        return max;
    }
}
