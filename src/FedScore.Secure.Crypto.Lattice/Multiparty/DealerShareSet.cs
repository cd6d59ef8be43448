using FedScore.Secure.Crypto.Lattice.Ring;
using FedScore.Secure.Crypto.Lattice.Rlwe;

namespace FedScore.Secure.Crypto.Lattice.Multiparty;

/// <summary>
/// Party j's Shamir shares f_i(j) kept per dealer i (instead of only their sum), so that it can decrypt under the key
/// of any subset U of dealers: s_U = Σ_{i∈U} s_i = Σ_{k∈S} λ_k^S·F_U(k) with F_U = Σ_{i∈U} f_i. This is what
/// aggregation with additive-key-share encryption needs (each site encrypts under its own s_i, the sum of the
/// contributors U decrypts under s_U, and a contributor that drops before decryption is covered by the others'
/// shares of its s_i). A dealer that never dealt simply is not in U. Owns its secrets; wipes them on dispose.
/// </summary>
/// <remarks>
/// All threshold keys made from one set share one ledger, so the single-use rule holds across subsets: one
/// decryption share per ciphertext (per c1), whatever U a request names.
/// </remarks>
public sealed class DealerShareSet : IDisposable
{
    private readonly RlweParameters _parameters;
    private readonly Dictionary<int, ShamirShare> _shares = [];
    private readonly ShareLedger _ledger = new();
    private bool _disposed;

    /// <param name="received">The shares addressed to <paramref name="point"/>, at most one per dealer. Ownership passes to the set.</param>
    public DealerShareSet(RlweParameters parameters, int threshold, int parties, int point, IEnumerable<ShamirShare> received)
    {
        _parameters = parameters ?? throw new ArgumentNullException(nameof(parameters));
        ArgumentNullException.ThrowIfNull(received);
        if (threshold < 1 || parties < threshold || point < 1 || point > parties)
        {
            throw new ArgumentOutOfRangeException(nameof(point), $"need 1 ≤ t ≤ n and point in [1, n]; got t = {threshold}, n = {parties}, point {point}");
        }

        Threshold = threshold;
        Parties = parties;
        Point = point;
        foreach (ShamirShare s in received)
        {
            ParamCheck.Same(parameters, s.Parameters, nameof(received));
            if (s.Recipient != point || s.Dealer < 1 || s.Dealer > parties || !_shares.TryAdd(s.Dealer, s))
            {
                Dispose();
                throw new ArgumentException($"share {s.Dealer}→{s.Recipient} is misaddressed or repeated (this party is point {point} of {parties})", nameof(received));
            }
        }
    }

    public int Threshold { get; }

    public int Parties { get; }

    public int Point { get; }

    /// <summary>The dealers whose shares this set holds.</summary>
    public IReadOnlyCollection<int> Dealers => _shares.Keys;

    /// <summary>This party's threshold share F_U(j) of s_U for the dealers U (each must have dealt to this set).</summary>
    public ThresholdKeyShare ForDealers(IEnumerable<int> dealers)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(dealers);
        RnsBasis basis = _parameters.Basis;
        var sum = new RnsPolynomial(_parameters.N, basis.Count, true);
        var seen = new HashSet<int>();
        foreach (int d in dealers)
        {
            if (!seen.Add(d) || !_shares.TryGetValue(d, out ShamirShare? s))
            {
                sum.Clear();
                throw new ArgumentException($"dealer {d} is repeated or dealt no share to point {Point}", nameof(dealers));
            }

            PolyArith.Add(basis, sum, s.Value, sum);
        }

        if (seen.Count == 0)
        {
            throw new ArgumentException("no dealers", nameof(dealers));
        }

        return new ThresholdKeyShare(_parameters, Point, Threshold, Parties, sum, _ledger);
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (ShamirShare s in _shares.Values)
        {
            s.Dispose();
        }

        _shares.Clear();
    }

    public override string ToString() => $"DealerShareSet(point={Point}, {Threshold}-of-{Parties}, {_shares.Count} dealers)";
}
