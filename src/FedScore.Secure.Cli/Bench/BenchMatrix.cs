using System.Globalization;

namespace FedScore.Secure.Cli.Bench;

/// <summary>One point of the benchmark matrix: a scheme at a number of sites, a vector length and a dropout rate.</summary>
public sealed record BenchCell(string Scheme, int Sites, int Length, double DropoutRate)
{
    /// <summary>
    /// Sites that go silent before their protected upload: the rate rounded up (a non-zero rate always drops at least
    /// one site, so "10 %" at 5 sites is exercised rather than silently becoming 0).
    /// </summary>
    public int DroppedSites => DropoutRate <= 0 ? 0 : (int)Math.Ceiling(DropoutRate * Sites - 1e-9);

    public override string ToString() =>
        $"{Scheme} n={Sites} d={Length.ToString("N0", CultureInfo.InvariantCulture)} drop={DropoutRate.ToString("0.##", CultureInfo.InvariantCulture)}";
}

/// <summary>What `fedscore bench` is asked to measure.</summary>
public sealed record BenchOptions
{
    /// <summary>The issue's full matrix: sites {10, 100, 500}, lengths {1,000; 100,000; 1,000,000}, dropouts {0, 10 %}.</summary>
    public static readonly IReadOnlyList<int> FullSites = [10, 100, 500];
    public static readonly IReadOnlyList<int> FullLengths = [1_000, 100_000, 1_000_000];
    public static readonly IReadOnlyList<double> FullDropouts = [0, 0.1];

    /// <summary>The quick subset: small enough to finish in well under 5 minutes on 2 cores.</summary>
    public static readonly IReadOnlyList<int> QuickSites = [5, 20];
    public static readonly IReadOnlyList<int> QuickLengths = [1_000, 10_000];
    public static readonly IReadOnlyList<double> QuickDropouts = [0, 0.1];

    /// <summary>Cells predicted to take longer than this (wall time, all repeats) are skipped, not run.</summary>
    public const double FullCellBudgetSeconds = 1800;
    public const double QuickCellBudgetSeconds = 20;

    public required IReadOnlyList<string> Schemes { get; init; }
    public required IReadOnlyList<int> Sites { get; init; }
    public required IReadOnlyList<int> Lengths { get; init; }
    public required IReadOnlyList<double> Dropouts { get; init; }
    public int Repeat { get; init; } = 1;
    public int Seed { get; init; } = 1;
    public double CellBudgetSeconds { get; init; } = FullCellBudgetSeconds;
    public bool Quick { get; init; }

    /// <summary>Largest |x| of the synthetic inputs and the wanted absolute error (as `fedscore simulate`).</summary>
    public double MaxAbsValue { get; init; } = 1.0;
    public double MaxAbsError { get; init; } = 1e-6;

    /// <summary>Every scheme × sites × length × dropout combination, in the order given.</summary>
    public IReadOnlyList<BenchCell> Cells() =>
        (from scheme in Schemes
         from sites in Sites
         from length in Lengths
         from rate in Dropouts
         select new BenchCell(scheme, sites, length, rate)).ToArray();

    /// <exception cref="ArgumentException">A value no cell can run with; the message names the option.</exception>
    public void Validate()
    {
        if (Schemes.Count == 0 || Sites.Count == 0 || Lengths.Count == 0 || Dropouts.Count == 0)
        {
            throw new ArgumentException("--schemes, --sites, --lengths and --dropouts each need at least one value");
        }

        if (Sites.Any(s => s < 2 || s > Aggregation.SessionConfig.MaxSites))
        {
            throw new ArgumentException($"--sites must each be in [2, {Aggregation.SessionConfig.MaxSites}]");
        }

        if (Lengths.Any(l => l < 1 || l > Aggregation.RoundSpec.MaxLength))
        {
            throw new ArgumentException($"--lengths must each be in [1, {Aggregation.RoundSpec.MaxLength}]");
        }

        if (Dropouts.Any(d => !(d >= 0 && d < 0.5)))
        {
            throw new ArgumentException("--dropouts are rates and must each be in [0, 0.5) (a strict majority must survive)");
        }

        if (Repeat < 1 || Repeat > 100)
        {
            throw new ArgumentException("--repeat must be in [1, 100]");
        }

        if (!(CellBudgetSeconds > 0))
        {
            throw new ArgumentException("--cell-budget must be positive");
        }
    }
}
