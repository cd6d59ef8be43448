using System.Diagnostics;
using System.Globalization;
using System.Text;
using FedScore.Secure.Aggregation;
using FedScore.Secure.Aggregation.Federation;
using FedScore.Secure.Aggregation.Plain;
using FedScore.Secure.Cli.Demo;
using FedScore.Secure.Cli.Training;
using FedScore.Secure.Federation;
using FedScore.Secure.FixedPoint;
using FedScore.Secure.Scoring.Data;
using FedScore.Secure.Scoring.Federated;
using ScottPlot;
using Spectre.Console;

namespace FedScore.Secure.Cli.Bench;

/// <summary>A set of sites the pipeline runs on (the site CSVs, or the built-in demo hospitals).</summary>
public sealed record PipelineDataset(string Name, IReadOnlyList<(ParticipantId Site, Dataset Data)> Sites)
{
    public long Rows => Sites.Sum(s => (long)s.Data.RowCount);
}

/// <summary>One scheme's run of the whole pipeline on one dataset (medians over repeats), next to plain's in the same run.</summary>
public sealed record PipelineRow(
    string Dataset,
    string Scheme,
    double WallMillis,
    double SecureSumMillis,
    int SecureSums,
    long ValuesSummed,
    long BytesUploaded,
    bool? IdenticalToPlain,
    string? Difference,
    string? Error)
{
    public double? WallRatio { get; init; }

    public double? SecureSumRatio { get; init; }

    public double? BytesRatio { get; init; }
}

public sealed record PipelineReport(IReadOnlyList<PipelineDataset> Datasets, IReadOnlyList<string> Schemes, int Repeat, int MaxVariables, MachineInfo Machine, IReadOnlyList<PipelineRow> Rows, TimeSpan Elapsed);

/// <summary>
/// The whole FedScore pipeline (what `fedscore train` runs: ranking, cut points, score derivation, parsimony,
/// evaluation) with every scheme against plain, on the same sites, in the same run: wall time, time inside the secure
/// sums, how many secure sums and bytes, and whether the score table is identical to plain's (it must be: every scheme
/// releases the same sums within its error bound, and the pipeline rounds them the same way).
/// </summary>
public sealed class PipelineBenchRunner(IReadOnlyList<string> schemes, int repeat = 1, int maxVariables = 20)
{
    public PipelineReport Run(IReadOnlyList<PipelineDataset> datasets, Action<string>? onLine = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(repeat, 1);
        var elapsed = Stopwatch.StartNew();
        string[] ordered = [PlainAggregationScheme.SchemeName, .. schemes.Where(s => !string.Equals(s, PlainAggregationScheme.SchemeName, StringComparison.OrdinalIgnoreCase)).Distinct(StringComparer.OrdinalIgnoreCase)];
        var rows = new List<PipelineRow>();
        if (datasets.Count > 0)
        {
            // One unmeasured plain run first, so the first measured run does not pay for JIT compilation of the pipeline.
            onLine?.Invoke("warming up (one plain run, not reported)…");
            _ = RunScheme(datasets[0], PlainAggregationScheme.SchemeName);
        }

        foreach (PipelineDataset dataset in datasets)
        {
            PipelineRow? plainRow = null;
            TrainSummary? plainSummary = null;
            foreach (string scheme in ordered)
            {
                onLine?.Invoke($"{dataset.Name}: running the pipeline with {scheme}…");
                (PipelineRow row, TrainSummary? summary) = RunScheme(dataset, scheme);
                if (plainRow is null)
                {
                    (plainRow, plainSummary) = (row, summary);
                }
                else if (summary is not null && plainSummary is not null)
                {
                    string? difference = Compare(plainSummary, summary);
                    row = row with
                    {
                        IdenticalToPlain = difference is null,
                        Difference = difference,
                        WallRatio = row.WallMillis / plainRow.WallMillis,
                        SecureSumRatio = plainRow.SecureSumMillis > 0 ? row.SecureSumMillis / plainRow.SecureSumMillis : null,
                        BytesRatio = plainRow.BytesUploaded > 0 ? (double)row.BytesUploaded / plainRow.BytesUploaded : null,
                    };
                }

                rows.Add(row);
                onLine?.Invoke(Describe(row));
            }
        }

        return new PipelineReport(datasets, ordered, repeat, maxVariables, MachineInfo.Describe(), rows, elapsed.Elapsed);
    }

    internal static string Describe(PipelineRow r) => r.Error is not null
        ? $"{r.Dataset} {r.Scheme}: failed — {r.Error}"
        : string.Create(CultureInfo.InvariantCulture,
            $"{r.Dataset} {r.Scheme}: {r.WallMillis / 1000:F2} s{(r.WallRatio is { } w ? $" ({w:F2}× plain)" : "")}, {r.SecureSums} secure sums, {r.BytesUploaded:N0} B uploaded")
          + (r.IdenticalToPlain is { } same ? (same ? ", score table identical to plain" : $", DIFFERS from plain: {r.Difference}") : "");

    private (PipelineRow Row, TrainSummary? Summary) RunScheme(PipelineDataset dataset, string scheme)
    {
        var walls = new List<double>();
        var sums = new List<double>();
        TrainSummary? summary = null;
        int secureSums = 0;
        long values = 0;
        long bytes = 0;
        try
        {
            for (int r = 0; r < repeat; r++)
            {
                var sites = dataset.Sites.ToDictionary(s => s.Site, s => (ISiteStatistics)FedScoreSiteStatistics.FromSplit(s.Data));
                using var inProcess = new InProcessFederation(AggregationSchemes.Create(scheme), sites, recordTranscript: false);
                var timed = new TimedFederation(inProcess);
                var sw = Stopwatch.StartNew();
                FedScoreResult result = new FedScorePipeline(timed, new FedScoreOptions { MaxVariables = maxVariables }, DisclosurePolicy.Default).Run();
                walls.Add(sw.Elapsed.TotalMilliseconds);
                sums.Add(timed.SecureSumMillis);
                summary = TrainSummary.From(result);
                secureSums = inProcess.Releases.Count;
                values = inProcess.Releases.Sum(x => (long)x.Length);
                bytes = inProcess.Releases.Sum(x => x.BytesReceivedByServer);
            }
        }
        catch (Exception e) when (e is AggregationFailedException or ProtocolViolationException or InvalidOperationException or ArgumentException or FixedPointPlanException)
        {
            return (new PipelineRow(dataset.Name, scheme, Median(walls), Median(sums), secureSums, values, bytes, null, null, $"{e.GetType().Name}: {e.Message}"), null);
        }

        return (new PipelineRow(dataset.Name, scheme, Median(walls), Median(sums), secureSums, values, bytes, null, null, null), summary);
    }

    /// <summary>Null when the scheme's outcome equals plain's: same variables, cut points and score table; else the first difference.</summary>
    internal static string? Compare(TrainSummary plain, TrainSummary other)
    {
        if (!plain.Variables.SequenceEqual(other.Variables))
        {
            return $"variables [{string.Join(", ", other.Variables)}] vs plain [{string.Join(", ", plain.Variables)}]";
        }

        foreach (string v in plain.Variables)
        {
            string a = CutText(plain.CutPoints.GetValueOrDefault(v));
            string b = CutText(other.CutPoints.GetValueOrDefault(v));
            if (a != b)
            {
                return $"cut points of {v}: {b} vs plain {a}";
            }
        }

        if (plain.ScoreTable.Count != other.ScoreTable.Count)
        {
            return $"{other.ScoreTable.Count} score-table rows vs plain {plain.ScoreTable.Count}";
        }

        for (int i = 0; i < plain.ScoreTable.Count; i++)
        {
            if (plain.ScoreTable[i] != other.ScoreTable[i])
            {
                ScoreTableRow p = plain.ScoreTable[i], o = other.ScoreTable[i];
                return $"score table row {i + 1}: {o.Variable} {o.Bin} {o.Points} points vs plain {p.Variable} {p.Bin} {p.Points}";
            }
        }

        return null;
    }

    private static string CutText(object? cuts) => cuts switch
    {
        null => "none",
        double[] d => string.Join(" ", d.Select(x => x.ToString("R", CultureInfo.InvariantCulture))),
        _ => cuts.ToString() ?? "",
    };

    private static double Median(List<double> v)
    {
        if (v.Count == 0)
        {
            return 0;
        }

        double[] s = v.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }

    /// <summary>Times the secure sums (sites computing their statistic, then the scheme's full protocol) and passes everything through.</summary>
    private sealed class TimedFederation(ISecureFederation inner) : ISecureFederation
    {
        public double SecureSumMillis { get; private set; }

        public IReadOnlyList<ParticipantId> Sites => inner.Sites;

        public string SchemeName => inner.SchemeName;

        public IReadOnlyList<ReleaseRecord> Releases => inner.Releases;

        public async Task<AggregationResult> SecureSumAsync(StatisticRequest request, int length, FixedPointRequirements requirements, CancellationToken cancellationToken = default)
        {
            var sw = Stopwatch.StartNew();
            try
            {
                return await inner.SecureSumAsync(request, length, requirements, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                SecureSumMillis += sw.Elapsed.TotalMilliseconds;
            }
        }

        public Task<IReadOnlyDictionary<ParticipantId, string>> BroadcastAsync(StatisticRequest request, CancellationToken cancellationToken = default) =>
            inner.BroadcastAsync(request, cancellationToken);
    }
}

/// <summary>`fedscore bench --pipeline`: loads the sites, runs <see cref="PipelineBenchRunner"/>, writes pipeline.md, pipeline.csv and pipeline.png.</summary>
internal static class PipelineBench
{
    public const string MarkdownFile = "pipeline.md";
    public const string CsvFile = "pipeline.csv";
    public const string PlotFile = "pipeline.png";

    private static readonly CultureInfo s_inv = CultureInfo.InvariantCulture;

    public static int RunCommand(CliContext context, IReadOnlyList<string> schemes, FileInfo[]? files, bool demo, int maxVariables, int repeat, string directory)
    {
        FileInfo[] data = files is { Length: > 0 } ? files : [new FileInfo(Path.Combine("data", "site1.csv")), new FileInfo(Path.Combine("data", "site2.csv"))];
        var datasets = new List<PipelineDataset>
        {
            new(string.Join(" + ", data.Select(f => f.Name)), SiteFiles.Load(data, "label")),
        };
        if (demo)
        {
            DemoHospitals.Pooled(out IReadOnlyDictionary<string, Dataset> hospitals);
            datasets.Add(new PipelineDataset("demo hospitals A + B + C", hospitals.Select(h => (new ParticipantId(h.Key), h.Value)).ToArray()));
        }

        foreach (string s in schemes.Where(s => !AggregationSchemes.IsKnown(s)))
        {
            throw new ArgumentException($"unknown scheme '{s}'; known schemes: {string.Join(", ", AggregationSchemes.Names)}");
        }

        PipelineReport report = new PipelineBenchRunner(schemes, repeat, maxVariables).Run(datasets, line => context.Console.MarkupLine(Markup.Escape(line)));
        WriteCsv(Path.Combine(directory, CsvFile), report);
        WritePlot(Path.Combine(directory, PlotFile), report);
        WriteMarkdown(Path.Combine(directory, MarkdownFile), report);
        context.Console.MarkupLine(Markup.Escape($"wrote {MarkdownFile}, {CsvFile}, {PlotFile} to {directory} in {BenchRunner.Seconds(report.Elapsed.TotalSeconds)}"));
        bool ok = report.Rows.All(r => r.Error is null && r.IdenticalToPlain is not false);
        return ok ? 0 : 1;
    }

    public static void WriteCsv(string path, PipelineReport report)
    {
        var sb = new StringBuilder("dataset,sites,rows,scheme,wall_ms,wall_ratio,secure_sum_ms,secure_sum_ratio,secure_sums,values_summed,bytes_uploaded,bytes_ratio,identical_to_plain,difference,error\n");
        foreach (PipelineRow r in report.Rows)
        {
            PipelineDataset d = report.Datasets.First(x => x.Name == r.Dataset);
            object?[] row = [r.Dataset, d.Sites.Count, d.Rows, r.Scheme, r.WallMillis, r.WallRatio, r.SecureSumMillis, r.SecureSumRatio, r.SecureSums, r.ValuesSummed, r.BytesUploaded, r.BytesRatio,
                r.IdenticalToPlain is { } b ? (b ? "true" : "false") : "", r.Difference, r.Error];
            sb.AppendJoin(',', row.Select(Csv)).Append('\n');
        }

        File.WriteAllText(path, sb.ToString());
    }

    public static void WriteMarkdown(string path, PipelineReport report)
    {
        MachineInfo m = report.Machine;
        var sb = new StringBuilder("# Pipeline overhead: the whole FedScore pipeline, secure vs plain\n\n");
        sb.Append(CultureInfo.InvariantCulture, $"Generated by `fedscore bench --pipeline` on {m.Date:yyyy-MM-dd HH:mm zzz} in {BenchRunner.Seconds(report.Elapsed.TotalSeconds)}; ");
        sb.Append(CultureInfo.InvariantCulture, $"{report.Repeat} run(s) per scheme and dataset (medians); machine: {m.Cpu}, {m.LogicalCores} logical cores, {m.MemoryBytes / (1024.0 * 1024 * 1024):F1} GiB, {m.OperatingSystem}, {m.Runtime}, {m.Build}, git {m.GitCommit ?? "unknown"}.\n\n");
        sb.Append("Each run is what `fedscore train` does with its defaults (random-forest ranking, pooled-exact cut points, pooled Newton fit, ");
        sb.Append(CultureInfo.InvariantCulture, $"parsimony curve to {report.MaxVariables} variables, evaluation with disclosure control), every cross-site sum through the scheme's full protocol among simulated sites in this process. ");
        sb.Append("**wall**: the whole pipeline; **in secure sums**: time inside the secure sums (sites computing their statistic, then the protocol); ");
        sb.Append("**bytes up**: all bytes the sites sent to the server over the pipeline. Ratios are to plain in the same run. ");
        sb.Append("**identical**: same variables, cut points and score table as plain (required: the schemes release the same sums within their error bounds).\n\n");
        foreach (PipelineDataset d in report.Datasets)
        {
            sb.Append(CultureInfo.InvariantCulture, $"## {d.Name}\n\n{d.Sites.Count} sites ({string.Join(", ", d.Sites.Select(s => $"{s.Site}: {s.Data.RowCount:N0} rows"))}).\n\n");
            sb.Append("| scheme | wall s (×plain) | in secure sums s (×plain) | secure sums | values summed | bytes up (×plain) | identical to plain |\n|---|---:|---:|---:|---:|---:|---|\n");
            foreach (PipelineRow r in report.Rows.Where(r => r.Dataset == d.Name))
            {
                if (r.Error is not null)
                {
                    sb.Append(CultureInfo.InvariantCulture, $"| {r.Scheme} | – | – | – | – | – | failed: {r.Error} |\n");
                    continue;
                }

                string same = r.IdenticalToPlain switch { true => "yes", false => $"**no**: {r.Difference}", null => "(reference)" };
                sb.Append(CultureInfo.InvariantCulture, $"| {r.Scheme} | {r.WallMillis / 1000:F2} ({X(r.WallRatio)}) | {r.SecureSumMillis / 1000:F2} ({X(r.SecureSumRatio)}) | {r.SecureSums:N0} | {r.ValuesSummed:N0} | {r.BytesUploaded:N0} ({X(r.BytesRatio)}) | {same} |\n");
            }

            sb.Append('\n');
        }

        sb.Append(CultureInfo.InvariantCulture, $"![pipeline overhead]({PlotFile})\n\nMachine-readable: [{CsvFile}]({CsvFile}).\n");
        File.WriteAllText(path, sb.ToString());
    }

    /// <summary>Bars: wall-time ratio to plain per scheme, one group per dataset; log-free (ratios are modest here).</summary>
    public static void WritePlot(string path, PipelineReport report)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        string[] schemes = report.Schemes.ToArray();
        var ticks = new List<Tick>();
        for (int d = 0; d < report.Datasets.Count; d++)
        {
            PipelineDataset dataset = report.Datasets[d];
            for (int k = 0; k < schemes.Length; k++)
            {
                PipelineRow? r = report.Rows.FirstOrDefault(x => x.Dataset == dataset.Name && x.Scheme == schemes[k]);
                double value = r is null || r.Error is not null ? 0 : r.WallRatio ?? 1;
                double position = d * (schemes.Length + 1) + k;
                var bar = plot.Add.Bar(position, value);
                bar.Color = palette.GetColor(k);
                bar.LegendText = d == 0 ? schemes[k] : "";
                bar.Bars[0].Label = value > 0 ? value.ToString("0.00", s_inv) + "×" : "failed";
                ticks.Add(new Tick(position, schemes[k]));
            }
        }

        var one = plot.Add.HorizontalLine(1);
        one.LineColor = Colors.Gray;
        one.LinePattern = LinePattern.Dotted;
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks.ToArray());
        plot.Axes.Margins(bottom: 0);
        plot.Title($"Whole FedScore pipeline: wall time ÷ plain (same run) — {string.Join("; ", report.Datasets.Select(d => d.Name))}");
        plot.YLabel("wall time ÷ plain");
        plot.SavePng(path, 900, 480);
    }

    private static string X(double? ratio) => ratio is { } r ? r.ToString(r < 10 ? "0.00" : "N0", s_inv) + "×" : "–";

    private static string Csv(object? value) => value switch
    {
        null => "",
        double d => double.IsFinite(d) ? d.ToString("G6", s_inv) : "",
        string s when s.IndexOfAny([',', '"', '\n', '\r']) >= 0 => "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"",
        IFormattable f => f.ToString(null, s_inv),
        _ => value.ToString() ?? "",
    };
}
