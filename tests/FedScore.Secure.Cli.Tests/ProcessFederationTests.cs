using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace FedScore.Secure.Cli.Tests;

/// <summary>
/// The server and the sites as real processes on loopback, talking gRPC: the score they build must be the one
/// `fedscore train` builds in-process on the same files, and a site killed mid-training must be survived.
/// </summary>
public sealed partial class ProcessFederationTests : IDisposable
{
    private static readonly TimeSpan s_limit = TimeSpan.FromMinutes(4);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "fedscore-proc-" + Guid.NewGuid().ToString("N"));
    private readonly List<Process> _processes = [];

    public ProcessFederationTests()
    {
        Directory.CreateDirectory(_dir);
        string[] lines = File.ReadAllLines(RepoData("site1.csv"));
        // Three hospitals: site1 split by row parity, and site2.
        File.WriteAllLines(Path.Combine(_dir, "alpha.csv"), [lines[0], .. lines.Skip(1).Where((_, i) => i % 2 == 0)]);
        File.WriteAllLines(Path.Combine(_dir, "beta.csv"), [lines[0], .. lines.Skip(1).Where((_, i) => i % 2 == 1)]);
        File.Copy(RepoData("site2.csv"), Path.Combine(_dir, "gamma.csv"));
        foreach (string site in new[] { "alpha", "beta", "gamma" })
        {
            (int exit, _, string err) = CliRunner.Run("keygen", "--name", site, "--key", Key(site), "--roster", Roster);
            Assert.True(exit == 0, err);
        }
    }

    private string Roster => Path.Combine(_dir, "roster.json");

    [Fact]
    public async Task ServerAndThreeSiteProcessesBuildTheSameScoreAsTheInProcessTraining()
    {
        Process server = Start("server", "--port", "0", "--sites", "3", "--scheme", "masking", "--roster", Roster,
            "--max-variables", "3", "--variables", "3", "--timeout", "60", "--out", Path.Combine(_dir, "server"));
        int port = await ListeningPortAsync(server);
        foreach (string site in new[] { "alpha", "beta", "gamma" })
        {
            StartSite(site, port);
        }

        await ExitedOkAsync(server);
        (int exit, _, string err) = CliRunner.Run("train", "--data", Csv("alpha"), "--data", Csv("beta"), "--data", Csv("gamma"), "--scheme", "masking",
            "--max-variables", "3", "--variables", "3", "--out", Path.Combine(_dir, "train"), "--json");
        Assert.True(exit == 0, err);

        Assert.Equal(File.ReadAllText(Path.Combine(_dir, "train", "score_table.csv")), File.ReadAllText(Path.Combine(_dir, "server", "score_table.csv")));
        foreach (string site in new[] { "alpha", "beta", "gamma" })
        {
            Assert.True(File.Exists(Path.Combine(_dir, "out-" + site, "final_summary.json")), $"{site} did not keep the final score");
        }
    }

    [Fact]
    public async Task ASiteKilledMidTrainingIsSurvivedAndTheScoreIsThatOfTheSurvivors()
    {
        Process server = Start("server", "--port", "0", "--sites", "3", "--threshold", "2", "--scheme", "masking", "--roster", Roster,
            "--max-variables", "2", "--variables", "2", "--timeout", "30", "--out", Path.Combine(_dir, "server"));
        int port = await ListeningPortAsync(server);
        StartSite("alpha", port);
        StartSite("beta", port);
        Process gamma = StartSite("gamma", port);

        // Kill gamma once it has taken part in a few secure rounds.
        await WaitForOutputAsync(gamma, "ready for secure round 0005");
        gamma.Kill(entireProcessTree: true);

        await ExitedOkAsync(server);
        (int exit, _, string err) = CliRunner.Run("train", "--data", Csv("alpha"), "--data", Csv("beta"), "--scheme", "masking",
            "--max-variables", "2", "--variables", "2", "--out", Path.Combine(_dir, "train"), "--json");
        Assert.True(exit == 0, err);

        Assert.Contains("gamma", Output(server));
        Assert.Equal(File.ReadAllText(Path.Combine(_dir, "train", "score_table.csv")), File.ReadAllText(Path.Combine(_dir, "server", "score_table.csv")));
    }

    [Fact]
    public async Task ASiteWhoseKeyIsNotInTheRosterIsRefused()
    {
        string rogueRoster = Path.Combine(_dir, "rogue-roster.json");
        (int exit, _, string err) = CliRunner.Run("keygen", "--name", "alpha", "--key", Path.Combine(_dir, "rogue.key"), "--roster", rogueRoster);
        Assert.True(exit == 0, err);
        Process server = Start("server", "--port", "0", "--sites", "1", "--scheme", "masking", "--roster", Roster, "--timeout", "8");
        int port = await ListeningPortAsync(server);

        Process rogue = Start("site", "--server", $"http://127.0.0.1:{port}", "--data", Csv("alpha"), "--name", "alpha",
            "--key", Path.Combine(_dir, "rogue.key"), "--roster", Roster, "--out", Path.Combine(_dir, "out-rogue"));

        Assert.True(await WaitForExitAsync(server), "server did not give up");
        Assert.NotEqual(0, server.ExitCode);
        Assert.Contains("not connected: alpha", Output(server));
    }

    public void Dispose()
    {
        foreach (Process p in _processes)
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

        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private Process StartSite(string site, int port) =>
        Start("site", "--server", $"http://127.0.0.1:{port}", "--data", Csv(site), "--name", site, "--key", Key(site),
            "--roster", Roster, "--out", Path.Combine(_dir, "out-" + site));

    private string Csv(string site) => Path.Combine(_dir, site + ".csv");

    private string Key(string site) => Path.Combine(_dir, site + ".key");

    private readonly Dictionary<Process, StringBuilder> _output = [];

    private string Output(Process p)
    {
        lock (_output[p])
        {
            return _output[p].ToString();
        }
    }

    private Process Start(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _dir,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "fedscore.dll"));
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }

        var p = new Process { StartInfo = info };
        var buffer = new StringBuilder();
        _output[p] = buffer;
        p.OutputDataReceived += (_, e) => { lock (buffer) { buffer.AppendLine(e.Data); } };
        p.ErrorDataReceived += (_, e) => { lock (buffer) { buffer.AppendLine(e.Data); } };
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        _processes.Add(p);
        return p;
    }

    private async Task<int> ListeningPortAsync(Process server)
    {
        string line = await WaitForOutputAsync(server, "Listening on");
        return int.Parse(PortPattern().Match(line).Groups[1].Value);
    }

    private async Task<string> WaitForOutputAsync(Process p, string text)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < s_limit)
        {
            string output = Output(p);
            int i = output.IndexOf(text, StringComparison.Ordinal);
            if (i >= 0)
            {
                return output[i..];
            }

            Assert.False(p.HasExited && Output(p).IndexOf(text, StringComparison.Ordinal) < 0, $"process exited before printing '{text}':\n{output}");
            await Task.Delay(100);
        }

        throw new TimeoutException($"'{text}' not printed within {s_limit}:\n{Output(p)}");
    }

    private static async Task<bool> WaitForExitAsync(Process p)
    {
        using var cts = new CancellationTokenSource(s_limit);
        try
        {
            await p.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task ExitedOkAsync(Process p)
    {
        Assert.True(await WaitForExitAsync(p), $"server did not finish:\n{Output(p)}");
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"server exited with {p.ExitCode}:\n{Output(p)}");
    }

    private static string RepoData(string file)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "FedScore.Secure.sln")))
        {
            dir = dir.Parent;
        }

        return Path.Combine(dir!.FullName, "data", file);
    }

    [GeneratedRegex(@"Listening on https?://[^:]+:(\d+)")]
    private static partial Regex PortPattern();
}
