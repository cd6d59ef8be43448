namespace FedScore.Secure.Cli.Reproduction;

/// <summary>Sizes of a reproduction run; all randomness (forests, site splits) is seeded from <see cref="Seed"/>.</summary>
internal sealed record ReproductionSettings
{
    public string Scheme { get; init; } = "masking";

    public bool Quick { get; init; }

    /// <summary>Trees per random forest (AutoScore's default ntree = 100).</summary>
    public int Trees { get; init; } = 100;

    public int Seed { get; init; } = 4;

    /// <summary>Nested models 1..n of the two-site demos (FedScore-R: 9).</summary>
    public int DemoModels { get; init; } = 9;

    /// <summary>Simulated sites of experiment (b) (the paper: 10).</summary>
    public int Sites { get; init; } = 10;

    /// <summary>Parsimony range of experiment (b): 1..n variables.</summary>
    public int MaxVariables { get; init; } = 12;

    /// <summary>Model selection rule of (b): fewest variables within this of the best validation AUC.</summary>
    public double SelectionTolerance { get; init; } = 0.01;

    public static ReproductionSettings Full(string scheme) => new() { Scheme = scheme };

    /// <summary>The test configuration: same steps, fewer trees, models and variables.</summary>
    public static ReproductionSettings QuickRun(string scheme) => new() { Scheme = scheme, Quick = true, Trees = 10, DemoModels = 4, Sites = 4, MaxVariables = 3 };
}
