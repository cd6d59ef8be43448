using System.Diagnostics;
using FedScore.Secure.Aggregation;
using FedScore.Secure.Aggregation.Plain;
using FedScore.Secure.Aggregation.Simulation;
using FedScore.Secure.Crypto.Identity;
using FedScore.Secure.FixedPoint;
using FedScore.Secure.Transport.Grpc.Server;
using FedScore.Secure.Wire;

namespace FedScore.Secure.Transport.Grpc.Tests;

/// <summary>Sites as real child processes (the test-only TestSite console program) talking to an in-process server.</summary>
public sealed class ChildProcessTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ThreeSiteProcessesMatchTheSimulatorAndAKilledProcessIsDropped()
    {
        string dir = Directory.CreateTempSubdirectory("fedscore-child-").FullName;
        var processes = new List<Process>();
        using var cts = new CancellationTokenSource(Timeout);
        try
        {
            ParticipantId[] sites = LoopbackFederation.SiteIds(3);
            var keys = new Dictionary<ParticipantId, SiteVerificationKey>();
            foreach (ParticipantId site in sites)
            {
                using SiteSigningKey key = SiteSigningKey.Generate(site);
                key.WriteKeyFile(Path.Combine(dir, $"{site}.key"));
                keys[site] = key.VerificationKey;
            }

            string session = $"child-{Guid.NewGuid():N}";
            var config = new SessionConfig(session, sites, threshold: 2);
            await using FederationServerHost host = await FederationServerHost.StartAsync(
                new FederationServerOptions(session, SiteRoster.Create(session, keys)), cts.Token);
            foreach (ParticipantId site in sites)
            {
                processes.Add(StartSite(host.Address, session, Path.Combine(dir, $"{site}.key"), sites, config.Threshold));
            }

            await host.WaitForSitesAsync(3, Timeout, cts.Token);
            var scheme = new PlainAggregationScheme();
            var inputs = sites.ToDictionary(s => s, s => new SiteInput([s.Value.Length, 1.5, -2.25 * s.Value[^1]], 2));

            // Round 1: all three answer; the result equals the in-process simulation's.
            RoundSpec spec1 = Spec("round-1");
            await SendInputs(host, spec1.RoundId, inputs, cts.Token);
            RemoteRound remote = await new RemoteAggregationRunner(host).RunAsync(scheme.CreateServer(config), spec1, Timeout, cts.Token);
            using (var simulator = new AggregationSimulator(scheme, config))
            {
                RemoteAggregationTests.AssertSameSum(simulator.Run(spec1, inputs).Result, remote.Result);
            }

            Assert.Equal(3, remote.Result.Contributors.Count);

            // Round 2: site-2's process is killed after receiving its input, before the aggregation stage.
            RoundSpec spec2 = Spec("round-2");
            await SendInputs(host, spec2.RoundId, inputs, cts.Token);
            processes[1].Kill(entireProcessTree: true);
            await processes[1].WaitForExitAsync(cts.Token);
            RemoteRound afterKill = await new RemoteAggregationRunner(host).RunAsync(scheme.CreateServer(config), spec2, Timeout, cts.Token);
            Assert.Equal(["site-1", "site-3"], afterKill.Result.Contributors.Select(s => s.Value));
            Assert.Equal(["site-2"], afterKill.Result.Dropped.Select(s => s.Value));
            double[] expected = new double[3];
            foreach (ParticipantId s in new ParticipantId[] { "site-1", "site-3" })
            {
                for (int i = 0; i < 3; i++)
                {
                    expected[i] += inputs[s].Values[i] * inputs[s].Weight;
                }
            }

            Assert.Equal(expected, afterKill.Result.Sum);

            // The surviving processes exit cleanly when told the session is over.
            await host.SendShutdownAsync(Timeout, cts.Token);
            foreach (Process p in new[] { processes[0], processes[2] })
            {
                await p.WaitForExitAsync(cts.Token);
                Assert.Equal(0, p.ExitCode);
            }
        }
        finally
        {
            foreach (Process p in processes)
            {
                if (!p.HasExited)
                {
                    p.Kill(entireProcessTree: true);
                }

                p.Dispose();
            }

            Directory.Delete(dir, true);
        }
    }

    private static RoundSpec Spec(string id) =>
        new(id, 3, FixedPointRequirements.ForAbsoluteError(maxAbsValue: 100, sites: 3, maxAbsError: 1e-6, maxWeight: 2));

    private static async Task SendInputs(FederationServerHost host, string roundId, Dictionary<ParticipantId, SiteInput> inputs, CancellationToken ct)
    {
        var tasks = inputs.ToDictionary(kv => kv.Key, kv =>
        {
            var w = new WireWriter();
            w.WriteString(roundId).WriteDouble(kv.Value.Weight).WriteVarUInt((ulong)kv.Value.Values.Length);
            foreach (double v in kv.Value.Values)
            {
                w.WriteDouble(v);
            }

            return w.ToArray();
        });
        var replies = await host.ExchangeAsync(FrameKind.Task, tasks, Timeout, ct);
        Assert.Equal(host.ConnectedSites, replies.Keys.Order());
    }

    private static Process StartSite(Uri server, string session, string keyFile, IEnumerable<ParticipantId> sites, int threshold)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "FedScore.Secure.Transport.Grpc.TestSite.dll");
        // The dotnet CLI tells child processes which host runs them; fall back to the one on PATH.
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath) ? hostPath : "dotnet";
        var info = new ProcessStartInfo(dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[]
        {
            dll, "--server", server.ToString(), "--session", session, "--key", keyFile,
            "--sites", string.Join(',', sites), "--threshold", threshold.ToString(System.Globalization.CultureInfo.InvariantCulture),
        })
        {
            info.ArgumentList.Add(arg);
        }

        Process process = Process.Start(info) ?? throw new InvalidOperationException("could not start the test site process");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}
