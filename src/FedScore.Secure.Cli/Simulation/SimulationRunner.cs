using FedScore.Secure.Aggregation;
using FedScore.Secure.Aggregation.Plain;
using FedScore.Secure.Aggregation.Simulation;
using FedScore.Secure.FixedPoint;

namespace FedScore.Secure.Cli.Simulation;

/// <summary>What `fedscore simulate` is asked to do.</summary>
public sealed record SimulationOptions(
    string Scheme,
    int Sites,
    int Length,
    int Dropouts,
    string DropoutStage,
    int? Threshold,
    int Seed,
    bool Weighted,
    double MaxAbsValue = 1.0,
    double MaxAbsError = 1e-6);

/// <summary>The contract other tools rely on (see issue 2): field names are fixed; new fields may be added.</summary>
public sealed record SimulationReport
{
    public required string Scheme { get; init; }
    public required int Sites { get; init; }
    public required int Length { get; init; }
    public required int Dropouts { get; init; }
    public required string DropoutStage { get; init; }
    public required int Threshold { get; init; }
    public required int Seed { get; init; }
    public required IReadOnlyList<string> Dropped { get; init; }
    public required double? MaxAbsError { get; init; }
    public required double? ErrorBound { get; init; }
    public required bool Ok { get; init; }
    public required double BytesUploadedPerSite { get; init; }
    public required double BytesDownloadedPerSite { get; init; }
    public required double ExpansionVsFloat32 { get; init; }
    public required double ClientMillis { get; init; }
    public required double ServerMillis { get; init; }
    public required double PlainServerMillis { get; init; }
    public required double PlainClientMillis { get; init; }
    public required double? ServerOverhead { get; init; }
    public required int Stages { get; init; }
    public required IReadOnlyList<string> Violations { get; init; }
    public string? Error { get; init; }

    /// <summary>
    /// Per-stage costs of the secure round, in stage order: the server's share of each stage separates the masked sum
    /// itself (the upload stage, comparable with <see cref="PlainServerMillis"/>) from key handling and unmasking.
    /// </summary>
    public IReadOnlyList<StageCost> StageCosts { get; init; } = [];
}

/// <summary>One protocol stage of a simulated round (JSON field names are part of the simulate contract).</summary>
public sealed record StageCost(string Stage, double ServerMillis, double MedianClientMillis, long BytesUploaded, long BytesDownloaded);

/// <summary>Runs one secure round among simulated sites and the plain baseline on the same inputs, in the same run.</summary>
public static class SimulationRunner
{
    public static SimulationReport Run(SimulationOptions o)
    {
        if (o.Sites < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(o), "--sites must be at least 1");
        }

        if (o.Length < 1 || o.Length > RoundSpec.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(o), $"--length must be in [1, {RoundSpec.MaxLength}]");
        }

        if (o.Dropouts < 0 || o.Dropouts >= o.Sites)
        {
            throw new ArgumentOutOfRangeException(nameof(o), "--dropouts must be in [0, sites − 1]");
        }

        IAggregationScheme scheme = AggregationSchemes.Create(o.Scheme);
        ParticipantId[] sites = Enumerable.Range(1, o.Sites).Select(i => new ParticipantId($"site-{i:D3}")).ToArray();
        int threshold = o.Threshold ?? SessionConfig.MajorityThreshold(o.Sites);
        var config = new SessionConfig($"simulate-{o.Seed}", sites, threshold);

        // Statistics RNG for the synthetic inputs and for which sites drop; never used for cryptography.
        var random = new Random(o.Seed);
        double maxWeight = o.Weighted ? 100 : 1;
        Dictionary<ParticipantId, SiteInput> inputs = sites.ToDictionary(
            s => s,
            _ => new SiteInput(
                Enumerable.Range(0, o.Length).Select(_ => (random.NextDouble() * 2 - 1) * o.MaxAbsValue).ToArray(),
                o.Weighted ? random.Next(1, 101) : 1));
        DropoutSchedule dropouts = DropoutSchedule.Random(sites, o.Dropouts, o.DropoutStage, random);

        var requirements = FixedPointRequirements.ForAbsoluteError(o.MaxAbsValue, o.Sites, o.MaxAbsError, maxWeight);

        // Warm both code paths up (JIT, static tables) on a short vector so neither pays it inside the timed round.
        WarmUp(new PlainAggregationScheme(), config, requirements);
        WarmUp(scheme, config, requirements);

        // Plain baseline first, same inputs, same dropouts, same process.
        SimulatedRound plain;
        using (var plainSim = new AggregationSimulator(new PlainAggregationScheme(), config, recordTranscript: false))
        {
            try
            {
                plain = plainSim.Run(new RoundSpec("round-1", o.Length, requirements), inputs, dropouts);
            }
            catch (AggregationFailedException e)
            {
                return Failed(o, scheme.Name, threshold, e.Missing.Select(m => m.Value).ToArray(), e.Message, 0);
            }
        }

        using var sim = new AggregationSimulator(scheme, config, recordTranscript: false);
        SimulatedRound secure;
        try
        {
            secure = sim.Run(new RoundSpec("round-1", o.Length, requirements), inputs, dropouts);
        }
        catch (AggregationFailedException e)
        {
            return Failed(o, scheme.Name, threshold, e.Missing.Select(m => m.Value).ToArray(), e.Message, plain.Metrics.ServerMillis);
        }

        AggregationResult result = secure.Result;
        double[] expected = new double[o.Length];
        foreach (ParticipantId c in result.Contributors)
        {
            SiteInput input = inputs[c];
            for (int i = 0; i < o.Length; i++)
            {
                expected[i] += input.Weight * input.Values[i];
            }
        }

        double maxAbsError = 0;
        for (int i = 0; i < o.Length; i++)
        {
            maxAbsError = Math.Max(maxAbsError, Math.Abs(result.Sum[i] - expected[i]));
        }

        if (o.Dropouts > 0 && !secure.Metrics.StageNames.Contains(o.DropoutStage))
        {
            return Failed(
                o, scheme.Name, threshold, [],
                $"scheme {scheme.Name} has no stage '{o.DropoutStage}'; its stages are {string.Join(", ", secure.Metrics.StageNames)}",
                plain.Metrics.ServerMillis);
        }

        double plainServer = plain.Metrics.ServerMillis;
        double bytesUp = secure.Metrics.MeanBytesUploaded(sites.Where(s => !result.Dropped.Contains(s)));
        return new SimulationReport
        {
            Scheme = scheme.Name,
            Sites = o.Sites,
            Length = o.Length,
            Dropouts = o.Dropouts,
            DropoutStage = o.DropoutStage,
            Threshold = threshold,
            Seed = o.Seed,
            Dropped = result.Dropped.Select(d => d.Value).ToArray(),
            MaxAbsError = maxAbsError,
            ErrorBound = result.ErrorBound,
            // Sites that drop after their protected upload (e.g. during unmasking) are still in the sum; the check is
            // always against the exact sum of the sites the result says contributed.
            Ok = maxAbsError <= result.ErrorBound,
            BytesUploadedPerSite = bytesUp,
            BytesDownloadedPerSite = secure.Metrics.BytesDownloaded.Where(kv => sites.Contains(kv.Key)).Select(kv => (double)kv.Value).DefaultIfEmpty(0).Average(),
            ExpansionVsFloat32 = bytesUp / (4.0 * o.Length),
            ClientMillis = secure.Metrics.MedianClientMillis(sites),
            ServerMillis = secure.Metrics.ServerMillis,
            PlainServerMillis = plainServer,
            PlainClientMillis = plain.Metrics.MedianClientMillis(sites),
            ServerOverhead = plainServer > 0 ? secure.Metrics.ServerMillis / plainServer : null,
            Stages = secure.Metrics.Stages,
            Violations = result.Violations,
            StageCosts = secure.Metrics.StageCosts
                .Select(c => new StageCost(c.Stage, c.ServerMillis, c.MedianClientMillis, c.BytesUploaded, c.BytesDownloaded))
                .ToArray(),
        };
    }

    private static void WarmUp(IAggregationScheme scheme, SessionConfig config, FixedPointRequirements requirements)
    {
        using var sim = new AggregationSimulator(scheme, config, recordTranscript: false);
        var inputs = config.Sites.ToDictionary(s => s, _ => new SiteInput(new double[8]));
        sim.Run(new RoundSpec("warm-up", 8, requirements), inputs);
    }

    private static SimulationReport Failed(SimulationOptions o, string scheme, int threshold, string[] missing, string error, double plainServerMillis) => new()
    {
        Scheme = scheme,
        Sites = o.Sites,
        Length = o.Length,
        Dropouts = o.Dropouts,
        DropoutStage = o.DropoutStage,
        Threshold = threshold,
        Seed = o.Seed,
        Dropped = missing,
        MaxAbsError = null,
        ErrorBound = null,
        Ok = false,
        BytesUploadedPerSite = 0,
        BytesDownloadedPerSite = 0,
        ExpansionVsFloat32 = 0,
        ClientMillis = 0,
        ServerMillis = 0,
        PlainServerMillis = plainServerMillis,
        PlainClientMillis = 0,
        ServerOverhead = null,
        Stages = 0,
        Violations = [],
        Error = error,
    };
}
