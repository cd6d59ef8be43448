using System.Text.Json;
using FedScore.Secure.Emr.CaseScoring;
using FedScore.Secure.Emr.Model;
using FedScore.Secure.Scoring.Binning;
using FedScore.Secure.Scoring.Data;
using FedScore.Secure.Scoring.Modeling;

namespace FedScore.Secure.Emr.Tests.CaseScoring;

public sealed class ScoreCardFactoryTests
{
    private static ScoringTable Table() => new(
    [
        new VariablePoints(NumericBinning.Create("Age", [40, 55, 70], anyBelowFirst: true, anyAtOrAboveLast: true, anyMissing: true), [0, 4, 9, 13, 6]),
        // No open low bin and no open high bin: values outside the cuts clamp into the end bins.
        new VariablePoints(NumericBinning.Create("Lab_H", [1, 2, 4], anyBelowFirst: false, anyAtOrAboveLast: false, anyMissing: false), [0, 5]),
        new VariablePoints(LetBinaryBinning.Create("Vital_G", 100, anyMissing: true), [0, 3, 1]),
    ]);

    private static readonly double[] s_risk = [.. Enumerable.Range(0, 32).Select(t => 1 / (1 + Math.Exp(3 - 0.2 * t)))];

    [Fact]
    public void TheCardScoresEveryValueExactlyAsTheScoringLayer()
    {
        var table = Table();
        var card = ScoreCardFactory.FromScoringTable(table, s_risk);
        double[] ages = [double.NaN, -5, 39.999, 40, 54.9, 55, 69, 70, 120];
        double[] lactate = [double.NaN, 0, 1, 1.999, 2, 3.99, 4, 50, 2.5];
        double[] spo2 = [100, 99, double.NaN, 100, 0, 100.0001, 100, 98, double.NaN];
        var data = new Dataset(
            [PredictorColumn.Numeric("Age", ages), PredictorColumn.Numeric("Lab_H", lactate), PredictorColumn.Numeric("Vital_G", spo2)],
            new int[ages.Length]);
        var expected = table.Score(data);

        for (var r = 0; r < ages.Length; r++)
        {
            var values = Enumerable.Repeat(double.NaN, CommonDataModel.VariableCount).ToArray();
            values[CommonDataModel.IndexOf("Age")] = ages[r];
            values[CommonDataModel.IndexOf("Lab_H")] = lactate[r];
            values[CommonDataModel.IndexOf("Vital_G")] = spo2[r];
            var score = card.Score(new EncounterRecord($"e{r}", values));
            Assert.Equal(expected[r], score.Total);
            Assert.Equal(s_risk[expected[r]], score.Risk);
            Assert.Equal(score.Total, score.Variables.Sum(v => v.Points));
        }
    }

    [Fact]
    public void ASiteRebuildsTheSameCardFromThePublishedSummary()
    {
        var table = Table();
        var summary = JsonSerializer.Serialize(new
        {
            variables = new[] { "Age", "Lab_H", "Vital_G" },
            cutPoints = new Dictionary<string, object> { ["Age"] = new[] { 40.0, 55, 70 }, ["Lab_H"] = new[] { 1.0, 2, 4 }, ["Vital_G"] = "let_binary" },
            scoreTable = table.Rows().Select(r => new { variable = r.Variable, bin = r.Label, points = r.Points }),
        });

        var (card, rebuilt) = ScoreCardFactory.FromSummaryJson(summary, t => s_risk);

        Assert.Equal(ScoreCardFactory.FromScoringTable(table, s_risk).ToJson(), card.ToJson());
        Assert.Equal(table.Rows(), rebuilt.Rows());
    }

    [Fact]
    public void ASummaryWhoseBinsDoNotFollowFromItsCutsIsRefused()
    {
        var summary = """
            { "variables": ["Age"], "cutPoints": { "Age": [40, 55] },
              "scoreTable": [ { "variable": "Age", "bin": "[40,50)", "points": 0 }, { "variable": "Age", "bin": "[50,)", "points": 3 } ] }
            """;
        var e = Assert.Throws<ArgumentException>(() => ScoreCardFactory.FromSummaryJson(summary, _ => s_risk));
        Assert.Contains("do not follow", e.Message);
    }

    [Fact]
    public void ACategoricalVariableCannotBecomeACard()
    {
        var table = new ScoringTable([new VariablePoints(CategoricalBinning.Create("Age", ["a", "b"], false), [0, 1])]);
        Assert.Throws<ArgumentException>(() => ScoreCardFactory.FromScoringTable(table, [0.1, 0.2]));
    }
}
