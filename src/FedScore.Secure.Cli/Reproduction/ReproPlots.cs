using ScottPlot;

namespace FedScore.Secure.Cli.Reproduction;

/// <summary>Figures of the reproduction (ScottPlot, as Reporting/Plots.cs).</summary>
internal static class ReproPlots
{
    /// <summary>Validation AUC against the number of variables, one line per method (parsimony curves).</summary>
    public static void Curves(string path, IReadOnlyList<string> xLabels, IReadOnlyList<(string Name, double[] Values)> series, string title, string yLabel)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        int k = 0;
        foreach (var (name, values) in series)
        {
            double[] xs = [.. Enumerable.Range(1, values.Length).Select(i => (double)i)];
            var valid = xs.Zip(values).Where(p => double.IsFinite(p.Second)).ToArray();
            var scatter = plot.Add.Scatter(valid.Select(p => p.First).ToArray(), valid.Select(p => p.Second).ToArray());
            scatter.LegendText = name;
            scatter.LineWidth = 2;
            scatter.MarkerSize = 6;
            scatter.Color = palette.GetColor(k++);
        }

        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. xLabels.Select((l, i) => new Tick(i + 1, l))]);
        plot.Axes.Bottom.TickLabelStyle.Rotation = 45;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
        plot.Axes.Bottom.MinimumSize = 90;
        plot.Title(title);
        plot.XLabel("variables (each point adds one, in ranking order)");
        plot.YLabel(yLabel);
        plot.ShowLegend(Alignment.LowerRight);
        plot.SavePng(path, 900, 520);
    }

    /// <summary>Mean test AUC across sites with ±SD error bars, one bar per model.</summary>
    public static void MeanSd(string path, IReadOnlyList<(string Name, double Mean, double Sd)> bars, string title, double? reference, string? referenceLabel)
    {
        var plot = new Plot();
        var list = new List<Bar>();
        for (int i = 0; i < bars.Count; i++)
        {
            list.Add(new Bar
            {
                Position = i + 1,
                Value = bars[i].Mean,
                Error = bars[i].Sd,
                FillColor = bars[i].Name.StartsWith("local", StringComparison.Ordinal) ? Colors.LightGray : Colors.SteelBlue,
            });
        }

        plot.Add.Bars(list);
        if (reference is { } r)
        {
            var line = plot.Add.HorizontalLine(r);
            line.LinePattern = LinePattern.Dashed;
            line.Color = Colors.OrangeRed;
            line.LegendText = referenceLabel ?? "";
            plot.ShowLegend(Alignment.LowerRight);
        }

        double min = bars.Min(b => b.Mean - b.Sd);
        plot.Axes.SetLimitsY(Math.Max(0, min - 0.05), Math.Min(1, bars.Max(b => b.Mean + b.Sd) + 0.03));
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. bars.Select((b, i) => new Tick(i + 1, b.Name))]);
        plot.Axes.Bottom.TickLabelStyle.Rotation = 45;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
        plot.Axes.Bottom.MinimumSize = 160;
        plot.Title(title);
        plot.YLabel("test AUC, mean ± SD across sites");
        plot.SavePng(path, 1000, 560);
    }
}
