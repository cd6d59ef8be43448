namespace FedScore.Secure.Aggregation.Simulation;

/// <summary>A simulated site's private input for one round: values x and weight w (the sum released is Σ w·x).</summary>
public sealed record SiteInput(double[] Values, double Weight = 1);
