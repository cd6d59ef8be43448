using ScottPlot;

namespace FedScore.Secure.Cli.Reporting;

/// <summary>The PNG figures a reader would rather look at than read: parsimony curve and ROC curve.</summary>
internal static class Plots
{
    /// <summary>AUC against the number of variables, as AutoScore's parsimony plot (bars, labelled with the variable added).</summary>
    public static void Parsimony(string path, IReadOnlyList<string> variables, IReadOnlyList<double> auc, string title)
    {
        var plot = new Plot();
        var bars = new List<Bar>();
        for (int i = 0; i < auc.Count; i++)
        {
            bars.Add(new Bar { Position = i + 1, Value = auc[i], FillColor = Colors.SteelBlue, Label = auc[i].ToString("F3", System.Globalization.CultureInfo.InvariantCulture) });
        }

        var barPlot = plot.Add.Bars(bars);
        barPlot.ValueLabelStyle.FontSize = 9;
        double min = auc.Count == 0 ? 0.5 : Math.Max(0, auc.Min() - 0.05);
        plot.Axes.SetLimitsY(min, Math.Min(1.0, (auc.Count == 0 ? 1 : auc.Max()) + 0.03));
        Tick[] ticks = variables.Select((v, i) => new Tick(i + 1, v)).ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks);
        plot.Axes.Bottom.TickLabelStyle.Rotation = 45;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
        plot.Axes.Bottom.MinimumSize = 90;
        plot.Title(title);
        plot.XLabel("variables (in ranking order; each bar adds one)");
        plot.YLabel("AUC (validation)");
        plot.SavePng(path, 900, 500);
    }

    /// <summary>ROC curves (1 − specificity on x, sensitivity on y), one per named series, with the chance diagonal.</summary>
    public static void Roc(string path, IReadOnlyList<(string Name, double[] Fpr, double[] Tpr)> curves, string title)
    {
        var plot = new Plot();
        var diagonal = plot.Add.Line(0, 0, 1, 1);
        diagonal.LineColor = Colors.Gray;
        diagonal.LinePattern = LinePattern.Dashed;
        foreach ((string name, double[] fpr, double[] tpr) in curves)
        {
            var scatter = plot.Add.Scatter(fpr, tpr);
            scatter.MarkerSize = 0;
            scatter.LineWidth = 2;
            scatter.LegendText = name;
        }

        plot.Axes.SetLimits(0, 1, 0, 1);
        plot.Title(title);
        plot.XLabel("1 − specificity");
        plot.YLabel("sensitivity");
        plot.ShowLegend(Alignment.LowerRight);
        plot.SavePng(path, 600, 600);
    }
}
