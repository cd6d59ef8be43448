namespace FedScore.Secure.Cli.Bench.Network;

/// <summary>What `fedscore bench-network` runs.</summary>
public sealed record NetworkBenchOptions
{
    public int Sites { get; init; } = 100;

    public int Length { get; init; } = 100_000;

    /// <summary>Secure schemes to measure, each against the plain round of the same run.</summary>
    public IReadOnlyList<string> Schemes { get; init; } = ["masking"];

    /// <summary>How many sites disconnect mid-round (after sharing keys), one run per value.</summary>
    public IReadOnlyList<int> Dropouts { get; init; } = [0];

    /// <summary>0: sites are tasks of this process; P &gt; 0: sites spread over P child processes.</summary>
    public int Processes { get; init; }

    /// <summary>Minimum surviving sites; null: a strict majority.</summary>
    public int? Threshold { get; init; }

    /// <summary>Seed of the synthetic inputs and of the choice of dropped sites (not for cryptography).</summary>
    public int Seed { get; init; } = 1;

    public double MaxAbsValue { get; init; } = 1.0;

    public double MaxAbsError { get; init; } = 1e-6;

    public TimeSpan StageTimeout { get; init; } = TimeSpan.FromMinutes(10);

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Free text for the report (e.g. "the machine was shared with other work").</summary>
    public string? Note { get; init; }

    public int EffectiveThreshold => Threshold ?? Aggregation.SessionConfig.MajorityThreshold(Sites);

    public void Validate()
    {
        if (Sites < 2 || Sites > 1000)
        {
            throw new ArgumentException($"--sites must be in [2, 1000], got {Sites}");
        }

        if (Length < 1 || Length > SyntheticSiteStatistics.MaxLength)
        {
            throw new ArgumentException($"--length must be in [1, {SyntheticSiteStatistics.MaxLength}], got {Length}");
        }

        foreach (string s in Schemes)
        {
            if (!BenchSiteGroup.AllowedSchemes.Contains(s) || string.Equals(s, "plain", StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException($"--scheme '{s}' is not measured over the network; use masking, secagg+ or plain (plain alone measures only the baseline)");
            }
        }

        foreach (int k in Dropouts)
        {
            if (k < 0 || Sites - k < EffectiveThreshold)
            {
                throw new ArgumentException($"--dropouts {k}: {Sites - k} surviving sites would be below the threshold {EffectiveThreshold}");
            }
        }

        if (Threshold is { } t && (t < 2 || t > Sites))
        {
            throw new ArgumentException($"--threshold must be in [2, {Sites}], got {t}");
        }

        if (Processes < 0 || Processes > Sites)
        {
            throw new ArgumentException($"--processes must be in [0, {Sites}] (0 = sites as tasks of this process), got {Processes}");
        }
    }
}

/// <summary>One stage of a round over the network: times at the server, and traffic summed over the sites.</summary>
public sealed record NetworkStageCost(
    string Stage,
    double WallMillis,
    double ServerMillis,
    double MedianClientMillis,
    int SitesAnswered,
    long GrpcBytesUp,
    long GrpcBytesDown,
    long PayloadBytesUp,
    long PayloadBytesDown);

/// <summary>One measured round (one session) over gRPC on loopback.</summary>
public sealed record NetworkRoundCost(
    string Scheme,
    int Sites,
    int Length,
    int Threshold,
    IReadOnlyList<string> DroppedSites,
    int Contributors,
    double ConnectMillis,
    double InputTaskMillis,
    double RoundWallMillis,
    double ProcessCpuMillis,
    double ServerFoldMillis,
    double MedianClientMillis,
    double GrpcBytesUpPerSite,
    double GrpcBytesDownPerSite,
    double GrpcMessagesPerSite,
    double PayloadBytesUpPerSite,
    double PayloadBytesDownPerSite,
    double MaxAbsError,
    double ErrorBound,
    bool Correct,
    string? Problem,
    long PeakRssBytes,
    long RssGrowthBytes,
    long PeakManagedBytes,
    long? ChildPeakRssBytes,
    IReadOnlyList<NetworkStageCost> Stages,
    IReadOnlyList<string> Events,
    IReadOnlyList<string> SiteFailures)
{
    public static NetworkRoundCost Failed(string scheme, int sites, int length, int threshold, string problem) =>
        new(scheme, sites, length, threshold, [], 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, double.NaN, double.NaN, false, problem,
            0, 0, 0, null, [], [], []);
}

/// <summary>A secure round and the plain round with the same sites, inputs and dropouts, from the same run.</summary>
public sealed record NetworkComparison(string Scheme, int Dropouts, NetworkRoundCost Secure, NetworkRoundCost Plain)
{
    public double WallRatio => Ratio(Secure.RoundWallMillis, Plain.RoundWallMillis);

    public double CpuRatio => Ratio(Secure.ProcessCpuMillis, Plain.ProcessCpuMillis);

    public double BytesUpRatio => Ratio(Secure.GrpcBytesUpPerSite, Plain.GrpcBytesUpPerSite);

    public double BytesDownRatio => Ratio(Secure.GrpcBytesDownPerSite, Plain.GrpcBytesDownPerSite);

    public bool Ok => Secure.Correct && Plain.Correct;

    private static double Ratio(double a, double b) => b > 0 && a > 0 ? a / b : double.NaN;
}

/// <summary>Everything one `fedscore bench-network` run measured, with the machine and build it ran on.</summary>
public sealed record NetworkBenchReport(
    MachineInfo Machine,
    string Mode,
    bool CpuIsServerOnly,
    string? LoadAverageBefore,
    string? LoadAverageAfter,
    string? Note,
    int Sites,
    int Length,
    int Threshold,
    double MaxAbsValue,
    double MaxAbsError,
    int Seed,
    IReadOnlyList<NetworkComparison> Runs,
    double ElapsedSeconds)
{
    public bool Ok => Runs.Count > 0 && Runs.All(r => r.Ok);
}
