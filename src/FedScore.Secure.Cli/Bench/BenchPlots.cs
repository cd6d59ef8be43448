using ScottPlot;

namespace FedScore.Secure.Cli.Bench;

/// <summary>The benchmark's figures (PNG, ScottPlot): overhead ratio vs sites, bytes vs length, time per stage.</summary>
internal static class BenchPlots
{
    public const string OverheadFile = "overhead-vs-sites.png";
    public const string BytesFile = "bytes-vs-length.png";
    public const string StagesFile = "stage-breakdown.png";

    private static readonly ScottPlot.Palettes.Category10 s_palette = new();

    /// <summary>Writes the three figures into <paramref name="directory"/>; returns the file names written.</summary>
    public static IReadOnlyList<string> WriteAll(string directory, BenchReport report)
    {
        OverheadVsSites(Path.Combine(directory, OverheadFile), report);
        BytesVsLength(Path.Combine(directory, BytesFile), report);
        StageBreakdown(Path.Combine(directory, StagesFile), report);
        return [OverheadFile, BytesFile, StagesFile];
    }

    /// <summary>
    /// Per-site client time (solid) and server time (dashed) as multiples of plain aggregation, against the number of
    /// sites, for each scheme at its largest measured length without dropouts. Log-scale y.
    /// </summary>
    public static void OverheadVsSites(string path, BenchReport report)
    {
        var plot = new Plot();
        int k = 0;
        foreach (string scheme in SecureSchemes(report))
        {
            CellResult[] measured = Measured(report, scheme).Where(c => c.Cell.DropoutRate == 0).ToArray();
            if (measured.Length == 0)
            {
                continue;
            }

            // The largest length measured at two or more site counts draws a line; otherwise the largest length.
            int length = measured.GroupBy(c => c.Cell.Length).Where(g => g.Select(c => c.Cell.Sites).Distinct().Count() >= 2)
                .Select(g => g.Key).DefaultIfEmpty(measured.Max(c => c.Cell.Length)).Max();
            CellResult[] series = measured.Where(c => c.Cell.Length == length).OrderBy(c => c.Cell.Sites).ToArray();
            Color color = s_palette.GetColor(k++);
            AddLogSeries(plot, series.Select(c => Math.Log10(c.Cell.Sites)), series.Select(c => c.ClientRatio), color, LinePattern.Solid, $"{scheme} site (d={length:N0})");
            AddLogSeries(plot, series.Select(c => Math.Log10(c.Cell.Sites)), series.Select(c => c.ServerRatio), color, LinePattern.Dashed, $"{scheme} server (dashed)");
        }

        var one = plot.Add.HorizontalLine(0);
        one.LineColor = Colors.Gray;
        one.LinePattern = LinePattern.Dotted;
        LogAxis(plot.Axes.Left, "×");
        int[] siteCounts = report.Cells.Where(c => c.Ok).Select(c => c.Cell.Sites).Distinct().Order().ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            siteCounts.Select(n => new Tick(Math.Log10(n), n.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray());
        plot.Title("Overhead vs plain aggregation (same inputs, same run; no dropouts)");
        plot.XLabel("sites (log scale)");
        plot.YLabel("time ÷ plain time (log scale)");
        plot.ShowLegend(Edge.Right);
        plot.SavePng(path, 1100, 560);
    }

    /// <summary>Bytes a site uploads against vector length, log-log, with float32 (4 bytes per value) for reference.</summary>
    public static void BytesVsLength(string path, BenchReport report)
    {
        var plot = new Plot();
        int k = 0;
        int[] lengths = report.Cells.Where(c => c.Ok).Select(c => c.Cell.Length).Distinct().Order().ToArray();
        foreach (string scheme in report.Options.Schemes)
        {
            CellResult[] measured = Measured(report, scheme).Where(c => c.Cell.DropoutRate == 0).ToArray();
            if (measured.Length == 0)
            {
                continue;
            }

            int sites = measured.Min(c => c.Cell.Sites);
            CellResult[] series = measured.Where(c => c.Cell.Sites == sites).OrderBy(c => c.Cell.Length).ToArray();
            AddLogLogSeries(plot, series.Select(c => (double)c.Cell.Length), series.Select(c => c.Secure!.BytesUploadedPerSite), s_palette.GetColor(k++), LinePattern.Solid, $"{scheme} (n={sites})");
        }

        if (lengths.Length > 0)
        {
            AddLogLogSeries(plot, lengths.Select(l => (double)l), lengths.Select(l => 4.0 * l), Colors.Gray, LinePattern.Dotted, "float32 (4 B/value)");
        }

        LogAxis(plot.Axes.Left, " B");
        LogAxis(plot.Axes.Bottom, "");
        plot.Title("Bytes uploaded per site");
        plot.XLabel("vector length (values, log scale)");
        plot.YLabel("bytes per site (log scale)");
        plot.ShowLegend(Alignment.UpperLeft);
        plot.SavePng(path, 900, 560);
    }

    /// <summary>
    /// Where the time goes, stage by stage: for each scheme two bars — participants (per stage, the median over those
    /// that handled it: sites, or an auxiliary role such as the Paillier decryptor) and the server — stacked by
    /// protocol stage, for the largest no-dropout cell measured for every scheme (or each scheme's largest).
    /// </summary>
    public static void StageBreakdown(string path, BenchReport report)
    {
        var plot = new Plot();
        CellResult[] chosen = ChooseStageCells(report);
        string[] stageNames = chosen.SelectMany(c => c.Secure!.Stages.Select(s => s.Stage)).Distinct().ToArray();
        var bars = new List<Bar>();
        var ticks = new List<Tick>();
        bool sameCell = chosen.Select(c => (c.Cell.Sites, c.Cell.Length)).Distinct().Count() == 1;
        for (int b = 0; b < chosen.Length; b++)
        {
            CellResult c = chosen[b];
            for (int role = 0; role < 2; role++)
            {
                // Bars are shares of that role's total time (a site's stages, or the server's), so a scheme whose total
                // is 1,000× another's still shows where its time goes; the total is in the label.
                double position = (chosen.Length - 1 - b) * 2.6 + (1 - role);
                double total = c.Secure!.Stages.Sum(st => role == 0 ? st.MedianClientMillis : st.ServerMillis);
                double at = 0;
                foreach (var stage in c.Secure!.Stages)
                {
                    double share = total > 0 ? 100 * (role == 0 ? stage.MedianClientMillis : stage.ServerMillis) / total : 0;
                    bars.Add(new Bar
                    {
                        Position = position,
                        ValueBase = at,
                        Value = at + share,
                        FillColor = s_palette.GetColor(Array.IndexOf(stageNames, stage.Stage)),
                        LineWidth = 0,
                    });
                    at += share;
                }

                string cell = sameCell ? "" : $" n={c.Cell.Sites} d={c.Cell.Length:N0}";
                ticks.Add(new Tick(position, $"{c.Cell.Scheme}{cell} {(role == 0 ? "participants" : "server")}: {TotalMs(total)}"));
            }
        }

        if (bars.Count > 0)
        {
            var barPlot = plot.Add.Bars(bars);
            barPlot.Horizontal = true;
        }

        for (int s = 0; s < stageNames.Length; s++)
        {
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = stageNames[s], FillColor = s_palette.GetColor(s) });
        }

        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks.ToArray());
        plot.Axes.Left.MinimumSize = 230;
        plot.Axes.SetLimitsX(0, 135);
        string where = sameCell && chosen.Length > 0 ? $", n={chosen[0].Cell.Sites} d={chosen[0].Cell.Length:N0}" : "";
        plot.Title($"Time per protocol stage, as shares of each role's total (no dropouts{where})");
        plot.XLabel("% of the role's total time (total in the label)");
        plot.ShowLegend(Alignment.MiddleRight);
        plot.SavePng(path, 1000, Math.Max(400, 120 + 55 * chosen.Length));
    }

    private static string TotalMs(double ms) => ms < 10
        ? ms.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) + " ms"
        : ms.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) + " ms";

    private static CellResult[] ChooseStageCells(BenchReport report)
    {
        CellResult[] candidates = report.Cells.Where(c => c.Ok && c.Cell.DropoutRate == 0 && c.Secure!.Stages.Count > 0).ToArray();
        string[] schemes = candidates.Select(c => c.Cell.Scheme).Distinct().ToArray();

        // The largest (sites, length) every scheme was measured at, so the bars compare like with like.
        var common = candidates.GroupBy(c => (c.Cell.Sites, c.Cell.Length))
            .Where(g => g.Select(c => c.Cell.Scheme).Distinct().Count() == schemes.Length)
            .OrderByDescending(g => (double)g.Key.Sites * g.Key.Length)
            .FirstOrDefault();
        if (common is not null)
        {
            return common.OrderBy(c => Array.IndexOf(schemes, c.Cell.Scheme)).ToArray();
        }

        return schemes.Select(s => candidates.Where(c => c.Cell.Scheme == s).MaxBy(c => (double)c.Cell.Sites * c.Cell.Length)!).ToArray();
    }

    private static IEnumerable<string> SecureSchemes(BenchReport report) =>
        report.Options.Schemes.Where(s => !string.Equals(s, Aggregation.Plain.PlainAggregationScheme.SchemeName, StringComparison.OrdinalIgnoreCase));

    private static IEnumerable<CellResult> Measured(BenchReport report, string scheme) =>
        report.Cells.Where(c => c.Ok && string.Equals(c.Cell.Scheme, scheme, StringComparison.OrdinalIgnoreCase));

    /// <summary>Plots log10 of the positive y values (ScottPlot draws log axes as log-transformed data with log ticks).</summary>
    private static void AddLogSeries(Plot plot, IEnumerable<double> xs, IEnumerable<double?> ys, Color color, LinePattern pattern, string label)
    {
        (double X, double Y)[] points = xs.Zip(ys).Where(p => p.Second is > 0).Select(p => (p.First, Math.Log10(p.Second!.Value))).ToArray();
        if (points.Length == 0)
        {
            return;
        }

        var scatter = plot.Add.Scatter(points.Select(p => p.X).ToArray(), points.Select(p => p.Y).ToArray());
        scatter.Color = color;
        scatter.LinePattern = pattern;
        scatter.LineWidth = 2;
        scatter.MarkerSize = 7;
        scatter.LegendText = label;
    }

    private static void AddLogLogSeries(Plot plot, IEnumerable<double> xs, IEnumerable<double> ys, Color color, LinePattern pattern, string label) =>
        AddLogSeries(plot, xs.Select(Math.Log10), ys.Select(y => (double?)y), color, pattern, label);

    private static void LogAxis(IAxis axis, string unit)
    {
        axis.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = v => FormatPower(Math.Pow(10, v)) + unit,
        };
    }

    private static string FormatPower(double v) => v switch
    {
        >= 1e9 => $"{v / 1e9:G3}G",
        >= 1e6 => $"{v / 1e6:G3}M",
        >= 1e3 => $"{v / 1e3:G3}k",
        _ => v.ToString("G3", System.Globalization.CultureInfo.InvariantCulture),
    };
}
