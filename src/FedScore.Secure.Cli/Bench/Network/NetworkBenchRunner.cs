using System.Diagnostics;
using FedScore.Secure.Aggregation;
using FedScore.Secure.Aggregation.Masking;
using FedScore.Secure.Aggregation.Simulation;
using FedScore.Secure.Crypto.Identity;
using FedScore.Secure.Federation;
using FedScore.Secure.FixedPoint;
using FedScore.Secure.Transport.Grpc;
using FedScore.Secure.Transport.Grpc.Federation;
using FedScore.Secure.Transport.Grpc.Server;

namespace FedScore.Secure.Cli.Bench.Network;

/// <summary>
/// The network load benchmark: the real Kestrel gRPC server on 127.0.0.1 (ephemeral port) and N site clients over
/// real loopback sockets, with identity keys and a roster as in real use. For each dropout count it runs one plain
/// round (the baseline) and one round of each secure scheme, each in its own session: sites connect and sign their
/// hello, the coordinator proposes the session ("configure", checked by each site's policy), asks for the synthetic
/// statistic ("sum"), and drives the round with <see cref="RemoteAggregationRunner"/> — the same code path as
/// `fedscore server`. The released sum is checked against the plain sum of the surviving sites' inputs.
/// </summary>
public sealed class NetworkBenchRunner(NetworkBenchOptions options)
{
    /// <summary>Sites disconnect when the round reaches this stage: after advertising and sharing keys (masking).</summary>
    public const string DropStage = "upload";

    private const string RoundId = "bench-network";

    /// <summary>Progress lines (phase, connections, stages) as the run goes.</summary>
    public event Action<string>? Progress;

    public async Task<NetworkBenchReport> RunAsync(CancellationToken cancellationToken)
    {
        options.Validate();
        var clock = Stopwatch.StartNew();
        string? loadBefore = LoadAverage();
        MachineInfo machine = MachineInfo.Describe();
        ParticipantId[] sites = Enumerable.Range(1, options.Sites).Select(i => new ParticipantId($"site-{i:D3}")).ToArray();
        var keys = sites.ToDictionary(s => s, SiteSigningKey.Generate);
        string? keyDirectory = null;
        try
        {
            SiteRoster roster = SiteRoster.Create("bench-network", keys.Select(kv => KeyValuePair.Create(kv.Key, kv.Value.VerificationKey)));
            string rosterPath = "";
            if (options.Processes > 0)
            {
                // Child processes read their identity key and the roster from files, as `fedscore site` does.
                keyDirectory = Directory.CreateTempSubdirectory("fedscore-bench-network-").FullName;
                foreach ((ParticipantId site, SiteSigningKey key) in keys)
                {
                    key.WriteKeyFile(Path.Combine(keyDirectory, $"{site}.key"));
                }

                rosterPath = Path.Combine(keyDirectory, "roster.json");
                roster.Save(rosterPath);
            }

            ISiteFleet NewFleet() => options.Processes > 0
                ? new ProcessSiteFleet(roster, rosterPath, keyDirectory!, options.Processes)
                : new InProcessSiteFleet(roster, keys);

            string mode;
            await using (ISiteFleet probe = NewFleet())
            {
                mode = probe.Mode;
            }

            var runs = new List<NetworkComparison>();
            foreach (int k in options.Dropouts)
            {
                IReadOnlySet<ParticipantId> dropped = PickDropped(sites, k);
                Report($"— {k} of {options.Sites} sites drop at '{DropStage}'{(k > 0 ? $": {string.Join(", ", dropped.Order())}" : "")}");
                NetworkRoundCost plain = await RunSessionAsync("plain", roster, dropped, NewFleet, cancellationToken).ConfigureAwait(false);
                foreach (string scheme in options.Schemes)
                {
                    NetworkRoundCost secure = await RunSessionAsync(scheme, roster, dropped, NewFleet, cancellationToken).ConfigureAwait(false);
                    runs.Add(new NetworkComparison(scheme, k, secure, plain));
                }
            }

            return new NetworkBenchReport(machine, mode, options.Processes > 0, loadBefore, LoadAverage(), options.Note, options.Sites,
                options.Length, options.EffectiveThreshold, options.MaxAbsValue, options.MaxAbsError, options.Seed, runs, clock.Elapsed.TotalSeconds);
        }
        finally
        {
            foreach (SiteSigningKey key in keys.Values)
            {
                key.Dispose();
            }

            if (keyDirectory is not null)
            {
                Directory.Delete(keyDirectory, recursive: true);
            }
        }
    }

    /// <summary>The index of the stage named <paramref name="stage"/> in the scheme's round (probed with a tiny simulation).</summary>
    internal static int StageIndex(IAggregationScheme scheme, string stage)
    {
        ParticipantId[] sites = [new("a"), new("b"), new("c")];
        var config = new SessionConfig("stage-probe", sites, 2);
        using var simulator = new AggregationSimulator(scheme, config, recordTranscript: false);
        SimulatedRound round = simulator.Run(
            new RoundSpec("probe", 1, FixedPointRequirements.ForAbsoluteError(1, 3, 1e-3)),
            sites.ToDictionary(s => s, _ => new SiteInput([0.5])));
        int index = round.Metrics.StageNames.ToList().IndexOf(stage);
        return index >= 0 ? index
            : throw new InvalidOperationException($"scheme '{scheme.Name}' has no stage '{stage}' (stages: {string.Join(", ", round.Metrics.StageNames)})");
    }

    private IReadOnlySet<ParticipantId> PickDropped(ParticipantId[] sites, int count)
    {
        var random = new Random(unchecked(options.Seed * 7919 + count));
        return sites.OrderBy(_ => random.Next()).Take(count).ToHashSet();
    }

    private async Task<NetworkRoundCost> RunSessionAsync(
        string schemeName, SiteRoster roster, IReadOnlySet<ParticipantId> dropped, Func<ISiteFleet> newFleet, CancellationToken cancellationToken)
    {
        int n = options.Sites;
        int threshold = options.EffectiveThreshold;
        string session = $"bench-network-{schemeName.Replace('+', 'p')}-{dropped.Count}-{Guid.NewGuid():N}"[..48];
        // The server checks the sites' signed key advertisements against the roster, as `fedscore server` does.
        IAggregationScheme scheme = AggregationSchemes.Create(schemeName, new MaskingOptions { Verifier = new RosterAdvertisementVerifier(roster) });
        try
        {
            int dropAt = StageIndex(AggregationSchemes.Create(schemeName), DropStage);
            var serverOptions = new FederationServerOptions(session, roster) { Port = 0, HelloTimeout = TimeSpan.FromSeconds(60) };
            await using FederationServerHost host = await FederationServerHost.StartAsync(serverOptions, cancellationToken).ConfigureAwait(false);
            await using ISiteFleet fleet = newFleet();

            var clock = Stopwatch.StartNew();
            await fleet.StartAsync(host.Address, session, dropped, dropAt, cancellationToken).ConfigureAwait(false);
            await host.WaitForSitesAsync(n, options.ConnectTimeout, cancellationToken).ConfigureAwait(false);
            double connectMillis = clock.Elapsed.TotalMilliseconds;
            Report($"{schemeName}: {n} sites connected to {host.Address} in {connectMillis / 1000:0.0} s");

            var config = new SessionConfig(session, roster.Sites, threshold);
            await TaskAllAsync(host, config, new FederationTask
            {
                Op = FederationTask.Configure, Scheme = scheme.Name, SessionId = session,
                Sites = config.Sites.Select(s => s.Value).ToArray(), Threshold = threshold,
            }, cancellationToken).ConfigureAwait(false);

            var vectors = new SyntheticVectorRequest(options.Seed, options.Length, options.MaxAbsValue);
            StatisticRequest request = vectors.ToRequest();
            clock.Restart();
            await TaskAllAsync(host, config, new FederationTask
            {
                Op = FederationTask.Sum, RoundId = RoundId, Kind = request.Kind, Payload = request.Payload, Length = options.Length,
            }, cancellationToken).ConfigureAwait(false);
            double inputMillis = clock.Elapsed.TotalMilliseconds;

            var spec = new RoundSpec(RoundId, options.Length, FixedPointRequirements.ForAbsoluteError(options.MaxAbsValue, n, options.MaxAbsError));
            var runner = new RemoteAggregationRunner(host);
            var snapshots = new List<IReadOnlyDictionary<ParticipantId, SiteTraffic>>();
            runner.StageCompleted += (stage, answered) =>
            {
                snapshots.Add(host.Traffic);
                Report($"{schemeName}: stage {stage} answered by {answered.Count} sites");
            };

            GC.Collect();
            GC.WaitForPendingFinalizers();
            IReadOnlyDictionary<ParticipantId, SiteTraffic> before = host.Traffic;
            snapshots.Add(before);
            RemoteRound round;
            ResourceUse use;
            using (ResourceSampler sampler = ResourceSampler.Start())
            {
                round = await runner.RunAsync(scheme.CreateServer(config), spec, options.StageTimeout, cancellationToken).ConfigureAwait(false);
                use = sampler.Stop();
            }

            IReadOnlyDictionary<ParticipantId, SiteTraffic> after = host.Traffic;
            await host.SendShutdownAsync(TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
            IReadOnlyList<string> failures = await fleet.StopAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false);

            NetworkRoundCost cost = Measure(schemeName, config, dropped, connectMillis, inputMillis, round, use, before, after, snapshots, vectors, failures,
                fleet.ChildPeakRssBytes);
            Report($"{schemeName}: round in {cost.RoundWallMillis / 1000:0.00} s, max error {cost.MaxAbsError:G3} (bound {cost.ErrorBound:G3}){(cost.Problem is null ? "" : $" — {cost.Problem}")}");
            return cost;
        }
        catch (Exception e) when (e is AggregationFailedException or ProtocolViolationException or MalformedMessageException or TimeoutException
                                       or InvalidOperationException or IOException or Grpc.Core.RpcException or OperationCanceledException)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            Report($"{schemeName}: FAILED: {e.GetType().Name}: {e.Message}");
            return NetworkRoundCost.Failed(schemeName, n, options.Length, threshold, $"{e.GetType().Name}: {e.Message}");
        }
    }

    private NetworkRoundCost Measure(
        string scheme, SessionConfig config, IReadOnlySet<ParticipantId> dropped, double connectMillis, double inputMillis, RemoteRound round,
        ResourceUse use, IReadOnlyDictionary<ParticipantId, SiteTraffic> before, IReadOnlyDictionary<ParticipantId, SiteTraffic> after,
        List<IReadOnlyDictionary<ParticipantId, SiteTraffic>> snapshots, SyntheticVectorRequest vectors, IReadOnlyList<string> failures,
        long? childPeak)
    {
        AggregationResult result = round.Result;
        ParticipantId[] survivors = config.Sites.Where(s => !dropped.Contains(s)).ToArray();
        double error = vectors.MaxAbsError(result.Sum, result.Contributors);
        var problems = new List<string>();
        if (!result.Contributors.Order().SequenceEqual(survivors))
        {
            problems.Add($"contributors are {result.Contributors.Count} sites, expected the {survivors.Length} survivors");
        }

        if (!(error <= result.ErrorBound))
        {
            problems.Add($"max error {error:G3} exceeds the bound {result.ErrorBound:G3}");
        }

        problems.AddRange(failures.Select(f => $"site failed: {f}"));

        SiteTraffic Delta(ParticipantId s) =>
            (after.TryGetValue(s, out SiteTraffic? a) ? a : SiteTraffic.Zero).Since(before.TryGetValue(s, out SiteTraffic? b) ? b : SiteTraffic.Zero);

        SiteTraffic[] perSite = result.Contributors.Select(Delta).ToArray();
        var stages = new List<NetworkStageCost>();
        for (int k = 0; k < round.Metrics.StageCosts.Count; k++)
        {
            StageMetrics m = round.Metrics.StageCosts[k];
            long up = 0;
            long down = 0;
            if (k + 1 < snapshots.Count)
            {
                foreach (ParticipantId s in config.Sites)
                {
                    SiteTraffic a = snapshots[k + 1].TryGetValue(s, out SiteTraffic? x) ? x : SiteTraffic.Zero;
                    SiteTraffic b = snapshots[k].TryGetValue(s, out SiteTraffic? y) ? y : SiteTraffic.Zero;
                    up += a.BytesReceived - b.BytesReceived;
                    down += a.BytesSent - b.BytesSent;
                }
            }

            stages.Add(new NetworkStageCost(m.Stage, k < round.StageWallMillis.Count ? round.StageWallMillis[k] : 0, m.ServerMillis,
                m.MedianClientMillis, m.Participants, up, down, m.BytesUploaded, m.BytesDownloaded));
        }

        return new NetworkRoundCost(
            scheme, config.Sites.Count, options.Length, config.Threshold, result.Dropped.Select(d => d.Value).ToArray(), result.Contributors.Count,
            connectMillis, inputMillis, round.WallMillis, use.CpuMillis, round.Metrics.ServerMillis, round.Metrics.MedianClientMillis(result.Contributors),
            perSite.Length == 0 ? 0 : perSite.Average(t => (double)t.BytesReceived),
            perSite.Length == 0 ? 0 : perSite.Average(t => (double)t.BytesSent),
            perSite.Length == 0 ? 0 : perSite.Average(t => (double)(t.MessagesSent + t.MessagesReceived)),
            round.Metrics.MeanBytesUploaded(result.Contributors),
            result.Contributors.Count == 0 ? 0 : result.Contributors.Average(s => (double)round.Metrics.BytesDownloaded.GetValueOrDefault(s)),
            error, result.ErrorBound, problems.Count == 0, problems.Count == 0 ? null : string.Join("; ", problems),
            use.PeakRssBytes, Math.Max(0, use.PeakRssBytes - use.BaselineRssBytes), use.PeakManagedBytes, childPeak,
            stages, round.Events, failures);
    }

    /// <summary>Sends a task to every site and requires every one to accept it (a benchmark site never refuses).</summary>
    private async Task TaskAllAsync(FederationServerHost host, SessionConfig config, FederationTask task, CancellationToken cancellationToken)
    {
        byte[] bytes = task.ToBytes();
        IReadOnlyDictionary<ParticipantId, byte[]> replies = await host
            .ExchangeAsync(FrameKind.Task, config.Sites.ToDictionary(s => s, _ => bytes), options.StageTimeout, cancellationToken)
            .ConfigureAwait(false);
        var problems = config.Sites
            .Select(s => (Site: s, Reply: replies.TryGetValue(s, out byte[]? r) ? FederationTaskReply.Parse(r) : new FederationTaskReply(false, "no answer")))
            .Where(x => !x.Reply.Ok)
            .Select(x => $"{x.Site}: {x.Reply.Error}")
            .ToArray();
        if (problems.Length > 0)
        {
            throw new InvalidOperationException($"task '{task.Op}' refused or unanswered by {problems.Length} sites: {string.Join("; ", problems.Take(5))}");
        }
    }

    private void Report(string line) => Progress?.Invoke(line);

    private static string? LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Trim();
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
