using System.Reflection;
using FedScore.Secure.Aggregation.Lattice;
using FedScore.Secure.Aggregation.Simulation;
using FedScore.Secure.FixedPoint;

namespace FedScore.Secure.Aggregation.Tests.Lattice;

/// <summary>Sessions, inputs, plain sums and checks shared by the lattice scheme tests.</summary>
internal static class LatticeTestKit
{
    public static LatticeAggregationScheme Scheme(string name) =>
        name == "ckks" ? LatticeAggregationScheme.Ckks() : LatticeAggregationScheme.Bfv();

    public static SessionConfig Session(int sites, int threshold, string id = "lattice-test") =>
        new(id, Enumerable.Range(1, sites).Select(i => new ParticipantId($"site-{i:D2}")), threshold);

    public static FixedPointRequirements Reals(int sites, double maxWeight = 1) =>
        FixedPointRequirements.ForAbsoluteError(maxAbsValue: 10, sites: sites, maxAbsError: 1e-5, maxWeight: maxWeight);

    public static Dictionary<ParticipantId, SiteInput> RandomInputs(SessionConfig config, int length, double bound, double maxWeight, int seed, bool integers = false)
    {
        var random = new Random(seed);
        return config.Sites.ToDictionary(
            s => s,
            _ => new SiteInput(
                Enumerable.Range(0, length).Select(_ => integers ? Math.Round((random.NextDouble() * 2 - 1) * bound) : (random.NextDouble() * 2 - 1) * bound).ToArray(),
                integers ? random.Next(0, (int)maxWeight + 1) : maxWeight == 1 ? 1 : random.NextDouble() * maxWeight));
    }

    public static double[] PlainSum(IReadOnlyDictionary<ParticipantId, SiteInput> inputs, IEnumerable<ParticipantId> contributors, int length)
    {
        var sum = new double[length];
        foreach (ParticipantId p in contributors)
        {
            SiteInput input = inputs[p];
            for (int i = 0; i < length; i++)
            {
                sum[i] += input.Values[i] * input.Weight;
            }
        }

        return sum;
    }

    public static void AssertWithin(double[] expected, AggregationResult result)
    {
        Assert.Equal(expected.Length, result.Sum.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - result.Sum[i]) <= result.ErrorBound, $"element {i}: expected {expected[i]}, got {result.Sum[i]}, bound {result.ErrorBound}");
        }
    }

    public static bool Contains(byte[] haystack, ReadOnlySpan<byte> needle) => haystack.AsSpan().IndexOf(needle) >= 0;

    /// <summary>True when an object of one of <paramref name="forbidden"/> is reachable from <paramref name="root"/> through instance fields.</summary>
    public static bool Reaches(object root, params Type[] forbidden)
    {
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        var queue = new Queue<object>();
        queue.Enqueue(root);
        while (queue.Count > 0 && seen.Count < 1_000_000)
        {
            object o = queue.Dequeue();
            if (!seen.Add(o))
            {
                continue;
            }

            Type type = o.GetType();
            if (forbidden.Any(f => f.IsAssignableFrom(type)))
            {
                return true;
            }

            if (o is Array array)
            {
                if (!type.GetElementType()!.IsPrimitive)
                {
                    foreach (object? e in array)
                    {
                        if (e is not null)
                        {
                            queue.Enqueue(e);
                        }
                    }
                }

                continue;
            }

            for (Type? t = type; t is not null; t = t.BaseType)
            {
                foreach (FieldInfo f in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                {
                    if (f.FieldType.IsPrimitive || f.FieldType.IsPointer || f.FieldType == typeof(string))
                    {
                        continue;
                    }

                    object? value = f.GetValue(o);
                    if (value is null or string or Type or MemberInfo or Assembly or Module or Delegate)
                    {
                        continue;
                    }

                    queue.Enqueue(value);
                }
            }
        }

        return false;
    }
}
