using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console;

namespace FedScore.Secure.Cli.Bench.Network;

/// <summary>Writes a <see cref="NetworkBenchReport"/> as a console table, results.md and results.json.</summary>
public static class NetworkBenchReportWriter
{
    public const string MarkdownFile = "results.md";
    public const string JsonFile = "results.json";

    private static readonly CultureInfo s_inv = CultureInfo.InvariantCulture;

    private static readonly JsonSerializerOptions s_json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        WriteIndented = true,
    };

    public static string ToJson(NetworkBenchReport report, bool indented = true) =>
        JsonSerializer.Serialize(report, indented ? s_json : new JsonSerializerOptions(s_json) { WriteIndented = false });

    public static void WriteTable(IAnsiConsole console, NetworkBenchReport r)
    {
        var table = new Table { Title = new TableTitle(Markup.Escape($"{r.Sites} sites × {r.Length:N0} values over gRPC on loopback, threshold {r.Threshold}")) };
        table.AddColumn("scheme").AddColumn("dropped", c => c.RightAligned()).AddColumn("round s", c => c.RightAligned())
            .AddColumn("plain s", c => c.RightAligned()).AddColumn("× plain", c => c.RightAligned())
            .AddColumn(r.CpuIsServerOnly ? "server CPU s" : "CPU s (all)", c => c.RightAligned())
            .AddColumn("up/site", c => c.RightAligned()).AddColumn("down/site", c => c.RightAligned())
            .AddColumn("× plain up", c => c.RightAligned()).AddColumn("max error", c => c.RightAligned())
            .AddColumn("peak RSS", c => c.RightAligned()).AddColumn("ok");
        foreach (NetworkComparison c in r.Runs)
        {
            table.AddRow(
                Markup.Escape(c.Scheme), c.Dropouts.ToString(s_inv), Sec(c.Secure.RoundWallMillis), Sec(c.Plain.RoundWallMillis), X(c.WallRatio),
                Sec(c.Secure.ProcessCpuMillis), Bytes(c.Secure.GrpcBytesUpPerSite), Bytes(c.Secure.GrpcBytesDownPerSite), X(c.BytesUpRatio),
                G(c.Secure.MaxAbsError), Bytes(c.Secure.PeakRssBytes), c.Ok ? "[green]yes[/]" : "[red]NO[/]");
        }

        console.Write(table);
        foreach (NetworkComparison c in r.Runs)
        {
            var stages = new Table { Title = new TableTitle(Markup.Escape($"{c.Scheme}, {c.Dropouts} dropped: stages")) };
            stages.AddColumn("stage").AddColumn("wall s", x => x.RightAligned()).AddColumn("server ms", x => x.RightAligned())
                .AddColumn("client ms (median)", x => x.RightAligned()).AddColumn("sites", x => x.RightAligned())
                .AddColumn("gRPC up", x => x.RightAligned()).AddColumn("gRPC down", x => x.RightAligned());
            foreach (NetworkStageCost s in c.Secure.Stages)
            {
                stages.AddRow(Markup.Escape(s.Stage), Sec(s.WallMillis), F1(s.ServerMillis), F1(s.MedianClientMillis), s.SitesAnswered.ToString(s_inv),
                    Bytes(s.GrpcBytesUp), Bytes(s.GrpcBytesDown));
            }

            console.Write(stages);
            foreach (string? problem in new[] { c.Secure.Problem, c.Plain.Problem }.Where(p => p is not null))
            {
                console.MarkupLine($"[red]{Markup.Escape(problem!)}[/]");
            }
        }
    }

    public static string ToMarkdown(NetworkBenchReport r)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# Network load: {r.Sites} sites × {r.Length:N0} values over gRPC on loopback");
        md.AppendLine();
        md.AppendLine("`fedscore bench-network`: the real Kestrel gRPC server on 127.0.0.1 (ephemeral port) and one gRPC client per site over");
        md.AppendLine("real loopback TCP connections, identity keys and a roster as in real use (signed hellos, signed replies, signed and");
        md.AppendLine("roster-checked masking key advertisements). Each round is its own session: connect, configure (checked by each");
        md.AppendLine("site's policy), a \"sum\" task that makes each site build its synthetic vector, then the round driven by");
        md.AppendLine("`RemoteAggregationRunner` (the code path of `fedscore server`). The plain round with the same sites, inputs and");
        md.AppendLine("dropouts runs in the same invocation; ratios are secure / plain. Dropped sites disconnect abruptly (their gRPC");
        md.AppendLine(CultureInfo.InvariantCulture, $"stream is aborted) when the '{NetworkBenchRunner.DropStage}' stage reaches them, i.e. after advertising and sharing keys.");
        md.AppendLine();
        md.AppendLine("## Machine and build");
        md.AppendLine();
        MachineInfo m = r.Machine;
        md.AppendLine(CultureInfo.InvariantCulture, $"- CPU: {m.Cpu}, {m.LogicalCores} logical cores; memory {m.MemoryBytes / (1024.0 * 1024 * 1024):0.0} GiB");
        md.AppendLine(CultureInfo.InvariantCulture, $"- OS: {m.OperatingSystem}; runtime {m.Runtime}; build {m.Build}; {m.Instructions}");
        md.AppendLine(CultureInfo.InvariantCulture, $"- Git commit: {m.GitCommit ?? "unknown"}; date {m.Date:yyyy-MM-dd HH:mm zzz}");
        md.AppendLine(CultureInfo.InvariantCulture, $"- Where the sites ran: {r.Mode}");
        md.AppendLine(CultureInfo.InvariantCulture, $"- Load average (1/5/15 min, runnable/total, last pid) before: `{r.LoadAverageBefore ?? "n/a"}`, after: `{r.LoadAverageAfter ?? "n/a"}`");
        if (r.Note is not null)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- Note: {r.Note}");
        }

        md.AppendLine(CultureInfo.InvariantCulture, $"- Inputs: uniform in [−{r.MaxAbsValue.ToString(s_inv)}, {r.MaxAbsValue.ToString(s_inv)}], target error {r.MaxAbsError.ToString("G3", s_inv)}, seed {r.Seed}; threshold {r.Threshold}; total run time {r.ElapsedSeconds:0} s");
        md.AppendLine();
        md.AppendLine("## Rounds");
        md.AppendLine();
        string cpu = r.CpuIsServerOnly ? "server process CPU s" : "process CPU s (server + all sites)";
        md.AppendLine(CultureInfo.InvariantCulture, $"| scheme | dropped | contributors | round s | plain round s | × plain | {cpu} | plain CPU s | gRPC up/site | gRPC down/site | × plain up | payload up/site | max error | bound | peak RSS | RSS growth | correct |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (NetworkComparison c in r.Runs)
        {
            NetworkRoundCost s = c.Secure;
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {c.Scheme} | {c.Dropouts} | {s.Contributors} | {Sec(s.RoundWallMillis)} | {Sec(c.Plain.RoundWallMillis)} | {X(c.WallRatio)} | {Sec(s.ProcessCpuMillis)} | {Sec(c.Plain.ProcessCpuMillis)} | {Bytes(s.GrpcBytesUpPerSite)} | {Bytes(s.GrpcBytesDownPerSite)} | {X(c.BytesUpRatio)} | {Bytes(s.PayloadBytesUpPerSite)} | {G(s.MaxAbsError)} | {G(s.ErrorBound)} | {Bytes(s.PeakRssBytes)} | {Bytes(s.RssGrowthBytes)} | {(c.Ok ? "yes" : "**NO**")} |");
        }

        md.AppendLine();
        md.AppendLine("Bytes are gRPC message bytes (protobuf encoding of each frame plus gRPC's 5-byte length prefix; chunk headers and");
        md.AppendLine("signatures included, HTTP/2 and TCP headers not), per surviving site, for the round only (connection, configure and");
        md.AppendLine("input tasks excluded). \"payload\" is the aggregation protocol's own bytes. Round time is wall-clock at the server");
        md.AppendLine("from the first stage's messages to the released sum.");
        md.AppendLine();
        foreach (NetworkComparison c in r.Runs)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"### {c.Scheme}, {c.Dropouts} dropped");
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"Connect {Sec(c.Secure.ConnectMillis)} s, input task {Sec(c.Secure.InputTaskMillis)} s, server fold {F1(c.Secure.ServerFoldMillis)} ms, median site compute {F1(c.Secure.MedianClientMillis)} ms, {c.Secure.GrpcMessagesPerSite:0} gRPC messages per site, peak managed heap {Bytes(c.Secure.PeakManagedBytes)}{(c.Secure.ChildPeakRssBytes is { } child ? $", largest site-worker process peak RSS {Bytes(child)}" : "")}; plain: round {Sec(c.Plain.RoundWallMillis)} s, server fold {F1(c.Plain.ServerFoldMillis)} ms, peak RSS {Bytes(c.Plain.PeakRssBytes)}.");
            md.AppendLine();
            md.AppendLine("| stage | wall s | server ms | site ms (median) | sites answered | gRPC up (all sites) | gRPC down (all sites) | payload up | payload down |");
            md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (NetworkStageCost s in c.Secure.Stages)
            {
                md.AppendLine(CultureInfo.InvariantCulture,
                    $"| {s.Stage} | {Sec(s.WallMillis)} | {F1(s.ServerMillis)} | {F1(s.MedianClientMillis)} | {s.SitesAnswered} | {Bytes(s.GrpcBytesUp)} | {Bytes(s.GrpcBytesDown)} | {Bytes(s.PayloadBytesUp)} | {Bytes(s.PayloadBytesDown)} |");
            }

            foreach (string? problem in new[] { c.Secure.Problem, c.Plain.Problem }.Where(p => p is not null))
            {
                md.AppendLine();
                md.AppendLine(CultureInfo.InvariantCulture, $"**Problem:** {problem}");
            }

            if (c.Secure.Events.Count > 0)
            {
                md.AppendLine();
                md.AppendLine(CultureInfo.InvariantCulture, $"Server events ({c.Secure.Events.Count}): {string.Join("; ", c.Secure.Events.Take(12))}{(c.Secure.Events.Count > 12 ? "; …" : "")}");
            }

            md.AppendLine();
        }

        return md.ToString();
    }

    public static void Write(string directory, NetworkBenchReport report)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, MarkdownFile), ToMarkdown(report));
        File.WriteAllText(Path.Combine(directory, JsonFile), ToJson(report));
    }

    private static string Sec(double ms) => (ms / 1000).ToString(ms < 10_000 ? "0.00" : "0.0", s_inv);

    private static string F1(double v) => v.ToString("0.0", s_inv);

    private static string X(double v) => double.IsNaN(v) ? "–" : v.ToString(v < 10 ? "0.00" : "0.0", s_inv) + "×";

    private static string G(double v) => double.IsNaN(v) ? "–" : v.ToString("G3", s_inv);

    private static string Bytes(double b) => b switch
    {
        >= 1 << 30 => (b / (1 << 30)).ToString("0.00", s_inv) + " GiB",
        >= 1 << 20 => (b / (1 << 20)).ToString("0.0", s_inv) + " MiB",
        >= 1 << 10 => (b / (1 << 10)).ToString("0.0", s_inv) + " KiB",
        _ => b.ToString("0", s_inv) + " B",
    };
}
