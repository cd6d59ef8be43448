using System.Diagnostics;
using System.Globalization;
using System.Text;
using FedScore.Secure.Crypto.Identity;

namespace FedScore.Secure.Cli.Bench.Network;

/// <summary>Where the benchmark's sites run: as tasks in this process, or spread over child `fedscore` processes.</summary>
internal interface ISiteFleet : IAsyncDisposable
{
    /// <summary>Human-readable description of where the sites ran, for the report.</summary>
    string Mode { get; }

    /// <summary>Starts every site of the roster against the server; returns once they are launched (not yet connected).</summary>
    Task StartAsync(Uri server, string sessionId, IReadOnlySet<ParticipantId> drop, int dropAtMessage, CancellationToken cancellationToken);

    /// <summary>Waits for the sites to finish after the server's shutdown notice; returns unexpected failures.</summary>
    Task<IReadOnlyList<string>> StopAsync(TimeSpan timeout);

    /// <summary>Largest peak resident set among child processes (null in-process).</summary>
    long? ChildPeakRssBytes { get; }
}

/// <summary>Every site a task of this process, each with its own channel and TCP connection over loopback.</summary>
internal sealed class InProcessSiteFleet(SiteRoster roster, IReadOnlyDictionary<ParticipantId, SiteSigningKey> keys) : ISiteFleet
{
    private BenchSiteGroup? _group;

    public string Mode => $"in-process: {roster.Count} site clients as tasks in the server's process, each with its own gRPC channel and TCP connection over loopback";

    public long? ChildPeakRssBytes => null;

    public Task StartAsync(Uri server, string sessionId, IReadOnlySet<ParticipantId> drop, int dropAtMessage, CancellationToken cancellationToken)
    {
        // The keys stay the runner's (the same identities serve every session of the run, as the roster does).
        _group = BenchSiteGroup.Start(server, sessionId, roster, roster.Sites.Select(s => keys[s]).ToArray(), ownsKeys: false, drop, dropAtMessage, cancellationToken);
        return Task.CompletedTask;
    }

    public async Task<IReadOnlyList<string>> StopAsync(TimeSpan timeout) =>
        _group is null ? [] : await _group.WaitAsync(timeout).ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        if (_group is not null)
        {
            await _group.DisposeAsync().ConfigureAwait(false);
            _group = null;
        }
    }
}

/// <summary>
/// The sites spread over P child processes of `fedscore bench-network site-worker`, each running its share of the
/// sites; they read their key files and the roster from disk as a real site does.
/// </summary>
internal sealed class ProcessSiteFleet(SiteRoster roster, string rosterPath, string keyDirectory, int processes) : ISiteFleet
{
    /// <summary>What a worker prints last: its lifetime peak resident set.</summary>
    public const string PeakRssLine = "peak-rss-bytes ";

    private readonly List<(Process Process, StringBuilder Output)> _workers = [];
    private long? _childPeak;

    public string Mode => $"{processes} child processes of `fedscore bench-network site-worker`, {roster.Count} sites spread over them (each site its own gRPC channel and TCP connection over loopback)";

    public long? ChildPeakRssBytes => _childPeak;

    public Task StartAsync(Uri server, string sessionId, IReadOnlySet<ParticipantId> drop, int dropAtMessage, CancellationToken cancellationToken)
    {
        ParticipantId[] sites = roster.Sites.Order().ToArray();
        for (int w = 0; w < processes; w++)
        {
            ParticipantId[] mine = sites.Where((_, i) => i % processes == w).ToArray();
            if (mine.Length == 0)
            {
                continue;
            }

            var args = new List<string>
            {
                "bench-network", "site-worker", "--server", server.ToString(), "--session", sessionId, "--roster", rosterPath,
                "--keys", keyDirectory, "--names", string.Join(',', mine), "--drop-at-message", dropAtMessage.ToString(CultureInfo.InvariantCulture),
            };
            ParticipantId[] myDrops = mine.Where(drop.Contains).ToArray();
            if (myDrops.Length > 0)
            {
                args.Add("--drop");
                args.Add(string.Join(',', myDrops));
            }

            _workers.Add(StartWorker(args));
        }

        return Task.CompletedTask;
    }

    public async Task<IReadOnlyList<string>> StopAsync(TimeSpan timeout)
    {
        var failures = new List<string>();
        using var cts = new CancellationTokenSource(timeout);
        foreach ((Process p, StringBuilder output) in _workers)
        {
            try
            {
                await p.WaitForExitAsync(cts.Token).ConfigureAwait(false);
                p.WaitForExit(); // drains the output readers
            }
            catch (OperationCanceledException)
            {
                failures.Add($"worker {p.Id} still running after {timeout.TotalSeconds:0} s");
                continue;
            }

            string text;
            lock (output)
            {
                text = output.ToString();
            }

            if (p.ExitCode != 0)
            {
                failures.Add($"worker {p.Id} exited with {p.ExitCode}: {Tail(text)}");
            }

            foreach (string line in text.Split('\n'))
            {
                if (line.StartsWith(PeakRssLine, StringComparison.Ordinal)
                    && long.TryParse(line[PeakRssLine.Length..].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out long peak))
                {
                    _childPeak = Math.Max(_childPeak ?? 0, peak);
                }
            }
        }

        return failures;
    }

    public ValueTask DisposeAsync()
    {
        foreach ((Process p, _) in _workers)
        {
            try
            {
                if (!p.HasExited)
                {
                    p.Kill(entireProcessTree: true);
                }
            }
            catch (InvalidOperationException)
            {
            }

            p.Dispose();
        }

        _workers.Clear();
        return ValueTask.CompletedTask;
    }

    private static (Process, StringBuilder) StartWorker(IEnumerable<string> args)
    {
        (string file, string? dll) = FedscoreCommand();
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (dll is not null)
        {
            info.ArgumentList.Add(dll);
        }

        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }

        var output = new StringBuilder();
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return (process, output);
    }

    /// <summary>How to start `fedscore` again: the apphost next to this assembly, else `dotnet fedscore.dll`.</summary>
    private static (string File, string? Dll) FedscoreCommand()
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "fedscore.dll");
        string? processPath = Environment.ProcessPath;
        if (processPath is not null && Path.GetFileNameWithoutExtension(processPath) == "fedscore")
        {
            return (processPath, null);
        }

        // The dotnet CLI tells child processes which host runs them (as under dotnet test); else the one on PATH.
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host
            : processPath is not null && Path.GetFileNameWithoutExtension(processPath) == "dotnet" ? processPath : "dotnet";
        return (dotnet, dll);
    }

    private static string Tail(string text) => text.Length > 2000 ? "…" + text[^2000..] : text;
}
