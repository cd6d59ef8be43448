using FedScore.Secure.Scoring.Binning;
using FedScore.Secure.Scoring.Data;
using FedScore.Secure.Scoring.Modeling;
using FedScore.Secure.Scoring.Statistics;

namespace FedScore.Secure.Scoring.Tests.Modeling;

public class LogisticRegressionTests
{
    private static double Logit(double p) => Math.Log(p / (1 - p));

    [Fact]
    public void BinaryPredictorGivesClosedFormLogOdds()
    {
        // x = 0: 3 events of 10; x = 1: 6 of 8. MLE: β0 = logit(.3), β1 = logit(.75) − logit(.3).
        var x = new List<double>();
        var y = new List<int>();
        for (var i = 0; i < 10; i++) { x.Add(0); y.Add(i < 3 ? 1 : 0); }
        for (var i = 0; i < 8; i++) { x.Add(1); y.Add(i < 6 ? 1 : 0); }
        var d = new Dataset([PredictorColumn.Numeric("x", [.. x])], [.. y]);
        var site = new SiteStatistics(d);
        var design = new NumericDesign(["x"]);
        var fit = NewtonLogisticSolver.Fit(b => site.Logistic(DataPart.Train, design, b), design.ColumnNames);
        Assert.True(fit.Converged);
        Assert.Equal(Logit(0.3), fit.Coefficients[0], 9);
        Assert.Equal(Logit(0.75) - Logit(0.3), fit.Coefficients[1], 9);
        // SE of a log-odds: sqrt(1/a + 1/b) per cell; slope SE = sqrt(1/3+1/7+1/6+1/2).
        Assert.Equal(Math.Sqrt(1.0 / 3 + 1.0 / 7 + 1.0 / 6 + 1.0 / 2), fit.StandardErrors[1], 7);
        // Deviance = −2 Σ log-likelihood of the saturated cell proportions.
        var dev = -2 * (3 * Math.Log(.3) + 7 * Math.Log(.7) + 6 * Math.Log(.75) + 2 * Math.Log(.25));
        Assert.Equal(dev, fit.Deviance, 9);
    }

    [Fact]
    public void NewtonAgreesWithSlowGradientAscentOnContinuousData()
    {
        var rng = new Random(3);
        var n = 300;
        var x1 = new double[n];
        var x2 = new double[n];
        var y = new int[n];
        for (var i = 0; i < n; i++)
        {
            x1[i] = rng.NextDouble() * 2 - 1;
            x2[i] = rng.NextDouble() * 2 - 1;
            var p = 1 / (1 + Math.Exp(-(0.3 + 1.2 * x1[i] - 0.8 * x2[i])));
            y[i] = rng.NextDouble() < p ? 1 : 0;
        }

        var d = new Dataset([PredictorColumn.Numeric("a", x1), PredictorColumn.Numeric("b", x2)], y);
        var site = new SiteStatistics(d);
        var design = new NumericDesign(["a", "b"]);
        var newton = NewtonLogisticSolver.Fit(b => site.Logistic(DataPart.Train, design, b), design.ColumnNames,
            options: new LogisticFitOptions { Ridge = 0 });

        // Plain gradient ascent with a fixed step (slow, no Hessian): an independent route to the MLE.
        var beta = new double[3];
        for (var it = 0; it < 200000; it++)
        {
            var g = site.Logistic(DataPart.Train, design, beta).Gradient;
            var norm = 0.0;
            for (var j = 0; j < 3; j++)
            {
                beta[j] += 0.02 * g[j];
                norm += g[j] * g[j];
            }

            if (norm < 1e-26)
            {
                break;
            }
        }

        for (var j = 0; j < 3; j++)
        {
            Assert.Equal(beta[j], newton.Coefficients[j], 8);
        }
    }

    [Fact]
    public void Site1LabHModelMatchesPublishedLocalEstimate()
    {
        // FedScore-R site_beta.json, model 1 (Lab_H with uni_cut [0,1,3,4] on site 1's train split):
        // β̄ = (−3.788963, 1.062148, 1.886582, 2.599713). R glm, reference level "[0,1)".
        var site = TestData.Site1Statistics;
        var binnings = CutPointCalculator.Binnings(site, DataPart.Train, ["Lab_H"],
            new Dictionary<string, CutVector> { ["Lab_H"] = CutVector.Numeric("Lab_H", [0, 1, 3, 4]) });
        Assert.Equal(["[0,1)", "[1,3)", "[3,4)", "[4,)"], binnings[0].Labels);
        var design = new BinnedDesign(binnings, [0]);
        var fit = NewtonLogisticSolver.Fit(b => site.Logistic(DataPart.Train, design, b), design.ColumnNames);
        double[] expected = [-3.788963, 1.062148, 1.886582, 2.599713];
        for (var j = 0; j < 4; j++)
        {
            Assert.Equal(expected[j], fit.Coefficients[j], 5);
        }

        Assert.Equal(9800, fit.Count);
    }

    [Fact]
    public void BinWithoutEventsGivesBoundedFitAndWarning()
    {
        // x = 1 never has an event: the MLE of its coefficient is −∞ (quasi-complete separation).
        var x = new double[40];
        var y = new int[40];
        for (var i = 0; i < 40; i++)
        {
            x[i] = i < 15 ? 1 : 0;
            y[i] = i >= 15 && i % 3 == 0 ? 1 : 0;
        }

        var site = new SiteStatistics(new Dataset([PredictorColumn.Numeric("x", x)], y));
        var design = new NumericDesign(["x"]);
        var fit = NewtonLogisticSolver.Fit(b => site.Logistic(DataPart.Train, design, b), design.ColumnNames);
        Assert.True(fit.Converged);
        Assert.All(fit.Coefficients, c => Assert.True(double.IsFinite(c)));
        Assert.InRange(fit.Coefficients[1], -40, -10);
        Assert.Contains(fit.Warnings, w => w.Contains("separation") && w.Contains("'x'"));
        // The intercept is still the log-odds of the x = 0 group (8 events of 25... i ≥ 15 and i % 3 == 0).
        var events = Enumerable.Range(15, 25).Count(i => i % 3 == 0);
        Assert.Equal(Logit(events / 25.0), fit.Coefficients[0], 5);
    }

    [Fact]
    public void SummedSiteStatisticsEqualPooledData()
    {
        var t1 = TestData.Site1.Part(DataPart.Train);
        var t2 = TestData.Site2.Part(DataPart.Train);
        var summed = new SummedStatistics([new SiteStatistics(t1), new SiteStatistics(t2)]);
        var pooled = new SiteStatistics(Dataset.Concat(t1, t2));
        var design = new NumericDesign(["Age", "Lab_H", "Vital_E"]);
        var a = NewtonLogisticSolver.Fit(b => summed.Logistic(DataPart.Train, design, b), design.ColumnNames);
        var b = NewtonLogisticSolver.Fit(x => pooled.Logistic(DataPart.Train, design, x), design.ColumnNames);
        Assert.Equal(14000, a.Count);
        for (var j = 0; j < 4; j++)
        {
            Assert.Equal(b.Coefficients[j], a.Coefficients[j], 10);
            Assert.Equal(b.StandardErrors[j], a.StandardErrors[j], 10);
        }
    }

    [Fact]
    public void StatisticsVectorRoundTrips()
    {
        var site = new SiteStatistics(TestData.Site2.Part(DataPart.Train));
        var design = new NumericDesign(["Age"]);
        var s = site.Logistic(DataPart.Train, design, [-3, 0.02]);
        var back = LogisticStatistics.FromVector(s.ToVector(), 2);
        Assert.Equal(s.ToVector(), back.ToVector());
        Assert.Equal(4200, back.Count);
    }
}
