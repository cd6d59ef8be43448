using FedScore.Secure.Scoring.Binning;
using FedScore.Secure.Scoring.Modeling;

namespace FedScore.Secure.Scoring.Federated;

/// <summary>
/// The public description of one variable's bins, as it travels to the sites in a request payload. It carries exactly
/// the inputs of the <see cref="VariableBinning"/> factories (cut points and three yes/no facts, a mode, or level
/// names) — no data — so every site rebuilds identical bins.
/// </summary>
public sealed record BinningSpec(
    string Variable,
    string Kind,
    double[]? Cuts = null,
    bool OpenLow = false,
    bool OpenHigh = false,
    bool Unknown = false,
    double Mode = 0,
    string[]? Levels = null)
{
    public const string NumericKind = "numeric";
    public const string LetBinaryKind = "let_binary";
    public const string CategoricalKind = "categorical";

    public static BinningSpec From(VariableBinning binning) => binning switch
    {
        NumericBinning n => new BinningSpec(n.Variable, NumericKind, [.. n.Breaks], n.HasOpenLowBin, n.HasOpenHighBin, n.HasUnknownLevel),
        LetBinaryBinning b => new BinningSpec(b.Variable, LetBinaryKind, Unknown: b.HasUnknownLevel, Mode: b.Mode),
        CategoricalBinning c => new BinningSpec(c.Variable, CategoricalKind, Unknown: c.HasUnknownLevel, Levels: [.. c.Labels]),
        _ => throw new ArgumentException($"cannot describe a binning of type {binning.GetType().Name}."),
    };

    /// <summary>Rebuilds the binning; throws <see cref="ArgumentException"/> for an invalid description.</summary>
    public VariableBinning ToBinning()
    {
        if (string.IsNullOrEmpty(Variable))
        {
            throw new ArgumentException("binning without a variable name.");
        }

        return Kind switch
        {
            NumericKind => NumericBinning.Create(Variable, Cuts ?? throw new ArgumentException($"numeric binning of '{Variable}' without cut points."), OpenLow, OpenHigh, Unknown),
            LetBinaryKind => LetBinaryBinning.Create(Variable, Mode, Unknown),
            CategoricalKind => CategoricalBinning.Create(Variable, Levels ?? throw new ArgumentException($"categorical binning of '{Variable}' without levels."), Unknown),
            _ => throw new ArgumentException($"unknown binning kind '{Kind}' for '{Variable}'."),
        };
    }
}

/// <summary>A logistic design as it travels to the sites: numeric predictors as they are, or binned variables with references.</summary>
public sealed record DesignSpec(
    string Kind,
    string[]? Predictors = null,
    BinningSpec[]? Binnings = null,
    int[]? References = null,
    double[]? Center = null,
    double[]? Scale = null)
{
    public const string NumericKind = "numeric";
    public const string StandardizedKind = "standardized";
    public const string BinnedKind = "binned";

    public static DesignSpec From(LogisticDesign design) => design switch
    {
        NumericDesign n => new DesignSpec(NumericKind, Predictors: [.. n.Predictors]),
        BinnedDesign b => new DesignSpec(BinnedKind, Binnings: [.. b.Binnings.Select(BinningSpec.From)], References: [.. b.References]),
        StandardizedNumericDesign s => new DesignSpec(StandardizedKind, Predictors: [.. s.Predictors], Center: [.. s.Center], Scale: [.. s.Scale]),
        _ => throw new ArgumentException($"cannot describe a design of type {design.GetType().Name}."),
    };

    public LogisticDesign ToDesign() => Kind switch
    {
        NumericKind => new NumericDesign(Predictors ?? throw new ArgumentException("numeric design without predictors.")),
        StandardizedKind => new StandardizedNumericDesign(
            Predictors ?? throw new ArgumentException("standardized design without predictors."),
            Center ?? throw new ArgumentException("standardized design without centers."),
            Scale ?? throw new ArgumentException("standardized design without scales.")),
        BinnedKind => new BinnedDesign(
            [.. (Binnings ?? throw new ArgumentException("binned design without binnings.")).Select(b => b.ToBinning())],
            References ?? throw new ArgumentException("binned design without reference levels.")),
        _ => throw new ArgumentException($"unknown design kind '{Kind}'."),
    };
}

/// <summary>A scoring table as it travels to the sites (bins and points per variable).</summary>
public sealed record ScoringTableSpec(BinningSpec[] Binnings, int[][] Points)
{
    public static ScoringTableSpec From(ScoringTable table) =>
        new([.. table.Variables.Select(v => BinningSpec.From(v.Binning))], [.. table.Variables.Select(v => v.Points.ToArray())]);

    public ScoringTable ToTable()
    {
        if (Binnings is null || Points is null || Binnings.Length != Points.Length)
        {
            throw new ArgumentException("scoring table: one points vector per binning is required.");
        }

        var variables = new List<VariablePoints>();
        for (var v = 0; v < Binnings.Length; v++)
        {
            var b = Binnings[v].ToBinning();
            if (Points[v] is null || Points[v].Length != b.LevelCount)
            {
                throw new ArgumentException($"scoring table: '{b.Variable}' has {b.LevelCount} levels but {Points[v]?.Length ?? 0} points.");
            }

            variables.Add(new VariablePoints(b, Points[v]));
        }

        return new ScoringTable(variables);
    }
}
