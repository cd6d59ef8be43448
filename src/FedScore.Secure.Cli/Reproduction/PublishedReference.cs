namespace FedScore.Secure.Cli.Reproduction;

/// <summary>
/// Published reference values (FedScore-R repository outputs for the homogeneous binary demo, and the FedScore paper's
/// abstract), as collected in docs/fedscore-algorithm.md §5. Numbers only; no code or text of those projects.
/// </summary>
internal static class PublishedReference
{
    /// <summary>Site 1 random-forest ranking (output/binary/ranks/rank1.csv): top 9 with MeanDecreaseGini.</summary>
    public static readonly (string Variable, double Importance)[] Site1Ranks =
    [
        ("Lab_H", 109.42), ("Age", 103.64), ("Lab_B", 100.36), ("Lab_K", 95.19), ("Vital_E", 86.04),
        ("Lab_I", 76.85), ("Lab_A", 69.11), ("Vital_B", 67.37), ("Lab_M", 64.54),
    ];

    /// <summary>Site 2 (rank2.csv): top 10.</summary>
    public static readonly (string Variable, double Importance)[] Site2Ranks =
    [
        ("Age", 48.08), ("Lab_H", 44.37), ("Lab_K", 44.28), ("Lab_B", 43.78), ("Vital_E", 43.07),
        ("Lab_A", 33.37), ("Lab_M", 31.58), ("Lab_I", 30.62), ("Lab_J", 27.70), ("Vital_B", 27.25),
    ];

    /// <summary>The demo's 9 candidate variables: rank.fed$var[1:9], i.e. site 1's order (the binary version does not sort).</summary>
    public static readonly string[] CandidateVariables = [.. Site1Ranks.Select(r => r.Variable)];

    /// <summary>Site cut vectors quoted in the doc (cutoff.json).</summary>
    public static readonly (string Site, string Variable, double[] Cuts)[] SiteCuts =
    [
        ("site1", "Age", [36, 49, 76, 89]), ("site2", "Age", [35, 49, 76, 89]),
        ("site1", "Lab_H", [0.1, 1, 3.1, 4]), ("site2", "Lab_H", [0.2, 1.1, 3.1, 4]),
    ];

    /// <summary>uni_cut = floor of the unweighted mean of the site cut vectors.</summary>
    public static readonly (string Variable, double[] Cuts)[] FloorCuts =
    [
        ("Vital_F", [35, 36, 37, 37]), ("Lab_J", [3, 3, 4, 5]), ("Lab_H", [0, 1, 3, 4]), ("Lab_D", [0, 2, 3]),
    ];

    /// <summary>Model 1: site 1's local MLE β̄, site 2's D1 at β̄, and the ODAL2 (Nelder–Mead) estimate.</summary>
    public static readonly double[] Model1BetaBar = [-3.788963, 1.062148, 1.886582, 2.599713];

    public static readonly double[] Model1Site2D1 = [0.00152941, 0.00278245, 0.00180791, -0.00379713];

    public static readonly double[] Model1Federated = [-3.923764, 1.322541, 2.112979, 2.113830];

    public const double Model4Intercept = -8.084988;

    /// <summary>fed.csv: validation AUC of models 1..9 at site 1 and site 2.</summary>
    public static readonly double[] ValidationAucSite1 = [0.6519, 0.7150, 0.7261, 0.7244, 0.6250, 0.6692, 0.7069, 0.7217, 0.7039];

    public static readonly double[] ValidationAucSite2 = [0.5908, 0.7120, 0.7295, 0.7659, 0.7117, 0.7333, 0.7522, 0.7374, 0.7232];

    /// <summary>Unweighted mean across the two sites, as the parsimony plot shows them (peak: model 4, 0.745).</summary>
    public static readonly double[] ValidationAucMean = [0.621, 0.714, 0.728, 0.745, 0.668, 0.701, 0.730, 0.730, 0.714];

    public const int FinalVariableCount = 4;

    /// <summary>Model 4 score table of FedScore-R (transform_score), levels in R factor order (string sort of the labels).</summary>
    public static readonly (string Variable, int[] Points)[] Model4RScoreTable =
    [
        ("Lab_H", [0, 79, 86, 79]), ("Age", [0, 81, 86, 93, 100]), ("Lab_B", [0, 83, 91, 94, 82]), ("Lab_K", [0, 83, 88, 77]),
    ];

    /// <summary>AutoScore (R) on the pooled training data with the same 4 variables: the reference table of doc §1.3.</summary>
    public static readonly (string Variable, int[] Points)[] PooledAutoScoreTable =
    [
        ("Lab_H", [0, 7, 14, 21, 29]), ("Age", [0, 7, 21, 29, 36]), ("Lab_B", [0, 7, 14, 21, 21]), ("Lab_K", [0, 7, 14, 14]),
    ];

    public const double PooledAutoScoreMinCoefficient = 0.726368;

    /// <summary>fed_AUC_S1_with_scoretbl_var4.txt: test-set performance of model 4 (sens/spec/PPV/NPV are bootstrap medians).</summary>
    public static readonly (string Site, double Auc, double Lower, double Upper, int Threshold, double Sens, double Spec, double Ppv, double Npv)[] Model4Test =
    [
        ("site1", 0.7666, 0.7363, 0.7968, 332, 0.6923, 0.7041, 0.1763, 0.9618),
        ("site2", 0.7537, 0.7059, 0.8016, 331, 0.7714, 0.628, 0.166, 0.9664),
    ];

    /// <summary>FedScore paper (Li et al. 2023, abstract): 10 simulated sites from a private Singapore ED cohort.</summary>
    public const double PaperFedScoreMeanAuc = 0.763;

    public const double PaperFedScoreSdAuc = 0.020;
}
