using FedScore.Secure.Aggregation.Masking;
using FedScore.Secure.Aggregation.Paillier;
using FedScore.Secure.Aggregation.Plain;

namespace FedScore.Secure.Aggregation;

/// <summary>The schemes this build offers, by their command-line name.</summary>
public static class AggregationSchemes
{
    private static readonly Dictionary<string, Func<IAggregationScheme>> s_factories = new(StringComparer.OrdinalIgnoreCase)
    {
        [PlainAggregationScheme.SchemeName] = () => new PlainAggregationScheme(),
        ["masking"] = () => PairwiseMaskingScheme.SecAgg(),
        ["secagg+"] = () => PairwiseMaskingScheme.SecAggPlus(),
        ["paillier"] = () => new PaillierAggregationScheme(),
        [Lattice.LatticeAggregationScheme.CkksName] = Lattice.LatticeAggregationScheme.Ckks,
        [Lattice.LatticeAggregationScheme.BfvName] = Lattice.LatticeAggregationScheme.Bfv,
    };

    /// <summary>Names accepted by <see cref="Create"/>, in presentation order.</summary>
    public static IReadOnlyList<string> Names => s_factories.Keys.ToArray();

    public static bool IsKnown(string name) => s_factories.ContainsKey(name);

    /// <summary>
    /// Creates a scheme whose key advertisements are signed and checked (masking and lattice schemes; plain and paillier
    /// ignore it): with identity keys, a server that substitutes a site's keys is detected by the other sites.
    /// </summary>
    public static IAggregationScheme Create(string name, MaskingOptions? masking)
    {
        if (masking is not null && string.Equals(name, PairwiseMaskingScheme.SecAggName, StringComparison.OrdinalIgnoreCase))
        {
            return PairwiseMaskingScheme.SecAgg(masking);
        }

        if (masking is not null && string.Equals(name, PairwiseMaskingScheme.SecAggPlusName, StringComparison.OrdinalIgnoreCase))
        {
            return PairwiseMaskingScheme.SecAggPlus(masking);
        }

        if (masking is not null && string.Equals(name, Lattice.LatticeAggregationScheme.CkksName, StringComparison.OrdinalIgnoreCase))
        {
            return new Lattice.LatticeAggregationScheme(Lattice.LatticeSchemeKind.Ckks, Lattice.LatticeOptions.From(masking));
        }

        if (masking is not null && string.Equals(name, Lattice.LatticeAggregationScheme.BfvName, StringComparison.OrdinalIgnoreCase))
        {
            return new Lattice.LatticeAggregationScheme(Lattice.LatticeSchemeKind.Bfv, Lattice.LatticeOptions.From(masking));
        }

        return Create(name);
    }

    /// <exception cref="ArgumentException">The name is not a scheme of this build (the message lists the known ones).</exception>
    public static IAggregationScheme Create(string name)
    {
        if (!s_factories.TryGetValue(name, out Func<IAggregationScheme>? factory))
        {
            throw new ArgumentException($"unknown scheme '{name}'; known schemes: {string.Join(", ", Names)}", nameof(name));
        }

        return factory();
    }
}
