using System.Security.Cryptography;
using System.Text;
using FedScore.Secure.Crypto.Primitives;

namespace FedScore.Secure.Aggregation.Masking;

/// <summary>
/// Who masks with whom. SecAgg (Bonawitz et al., CCS 2017) uses the complete graph. SecAgg+ (Bell et al., CCS 2020,
/// §3–4) uses a sparse graph of degree O(log n): here a Harary graph (a ring in which each site is joined to the h
/// nearest sites on each side, degree 2h with h = ⌈log2 n⌉, so a neighbourhood holds 2⌈log2 n⌉ + 1 sites with the site
/// itself) laid over a pseudorandom permutation of the sites, as in Bell et al.'s construction.
/// </summary>
/// <remarks>
/// Public randomness the server cannot bias: the permutation is AES-CTR output keyed by
/// SHA-256("FedScore.Secure/secagg+/graph/v1" ‖ session id ‖ sorted roster). Every participant computes it from facts
/// fixed in <see cref="SessionConfig"/> before any round, so the server cannot pick neighbourhoods after seeing keys
/// or inputs, and every site can check it. Limits: (1) whoever chooses the session id could try many ids and keep one
/// whose graph suits it ("grinding"); a deployment should derive the session id from contributions of the sites or a
/// public beacon. (2) The graph is the same for every round of a session. (3) As in Bell et al., the guarantee is
/// probabilistic over the graph and assumes a bounded fraction of corrupt sites and dropouts; with small n the
/// graph is complete and SecAgg+ equals SecAgg.
/// Threshold per neighbourhood: t_N = max(⌈t·|N|/n⌉, ⌊|N|/2⌋ + 1), capped at |N| — the session's fraction t/n applied
/// to a neighbourhood of size |N|, and never less than a strict majority so that two disjoint groups of a
/// neighbourhood cannot both reconstruct a site's secrets.
/// </remarks>
public sealed class NeighbourGraph
{
    private readonly int[][]? _neighbours;

    private NeighbourGraph(int count, int[][]? neighbours, int neighbourhoodThreshold)
    {
        Count = count;
        _neighbours = neighbours;
        NeighbourhoodThreshold = neighbourhoodThreshold;
    }

    /// <summary>Number of sites (vertices); vertex i is the site at 0-based position i of the sorted roster.</summary>
    public int Count { get; }

    public bool IsComplete => _neighbours is null;

    /// <summary>Neighbours per site (the site itself not counted).</summary>
    public int Degree => IsComplete ? Count - 1 : _neighbours![0].Length;

    /// <summary>Shares needed to reconstruct a site's secrets (t-of-|N[u]| within its closed neighbourhood).</summary>
    public int NeighbourhoodThreshold { get; }

    public static NeighbourGraph For(SessionConfig config, MaskingVariant variant)
    {
        ArgumentNullException.ThrowIfNull(config);
        int n = config.Sites.Count;
        int h = HalfDegree(n);
        if (variant == MaskingVariant.SecAgg || 2 * h >= n - 1)
        {
            return new NeighbourGraph(n, null, config.Threshold);
        }

        int[] order = PublicPermutation(config);
        var position = new int[n];
        for (int p = 0; p < n; p++)
        {
            position[order[p]] = p;
        }

        var neighbours = new int[n][];
        for (int i = 0; i < n; i++)
        {
            var list = new int[2 * h];
            int p = position[i];
            for (int k = 1; k <= h; k++)
            {
                list[2 * (k - 1)] = order[(p + k) % n];
                list[2 * (k - 1) + 1] = order[(p - k + n) % n];
            }

            Array.Sort(list);
            neighbours[i] = list;
        }

        int m = 2 * h + 1;
        int scaled = (int)Math.Ceiling((double)config.Threshold * m / n);
        int tN = Math.Min(m, Math.Max(scaled, m / 2 + 1));
        return new NeighbourGraph(n, neighbours, tN);
    }

    /// <summary>h = ⌈log2 n⌉ neighbours on each side of the ring.</summary>
    public static int HalfDegree(int sites) => sites <= 1 ? 0 : (int)Math.Ceiling(Math.Log2(sites));

    public bool AreNeighbours(int a, int b)
    {
        if (a == b)
        {
            return false;
        }

        return IsComplete || Array.BinarySearch(_neighbours![a], b) >= 0;
    }

    /// <summary>The closed neighbourhood N[u] = N(u) ∪ {u}.</summary>
    public bool InNeighbourhood(int u, int v) => u == v || AreNeighbours(u, v);

    /// <summary>Neighbours of <paramref name="site"/>, ascending (the site itself excluded).</summary>
    public IEnumerable<int> NeighboursOf(int site)
    {
        if (!IsComplete)
        {
            return _neighbours![site];
        }

        return Enumerable.Range(0, Count).Where(v => v != site);
    }

    /// <summary>Fisher–Yates over an AES-CTR stream keyed by a hash of the session's public facts (unbiased: rejection sampling).</summary>
    private static int[] PublicPermutation(SessionConfig config)
    {
        var input = new MemoryStream();
        void Put(string s)
        {
            byte[] b = Encoding.UTF8.GetBytes(s);
            input.Write(BitConverter.GetBytes(b.Length));
            input.Write(b);
        }

        Put("FedScore.Secure/secagg+/graph/v1");
        Put(config.SessionId);
        input.Write(BitConverter.GetBytes(config.Sites.Count));
        foreach (ParticipantId s in config.Sites)
        {
            Put(s.Value);
        }

        byte[] digest = SHA256.HashData(input.ToArray());
        using var prg = new AesCtrPrg(digest.AsSpan(0, 16), digest.AsSpan(16, 16));
        int n = config.Sites.Count;
        int[] order = Enumerable.Range(0, n).ToArray();
        uint[] word = new uint[4];
        int used = 4;
        uint Next()
        {
            if (used == 4)
            {
                Array.Clear(word);
                prg.AddTo(word);
                used = 0;
            }

            return word[used++];
        }

        for (int i = n - 1; i > 0; i--)
        {
            uint bound = (uint)(i + 1);
            uint limit = uint.MaxValue - (uint.MaxValue % bound);
            uint r;
            do
            {
                r = Next();
            }
            while (r >= limit);

            int j = (int)(r % bound);
            (order[i], order[j]) = (order[j], order[i]);
        }

        return order;
    }
}
