using System.Globalization;
using System.Text.Json;
using FedScore.Secure.Scoring.Binning;
using FedScore.Secure.Scoring.Data;
using FedScore.Secure.Scoring.Evaluation;
using FedScore.Secure.Scoring.Modeling;

namespace FedScore.Secure.Emr.CaseScoring;

/// <summary>
/// Builds the storable <see cref="ScoreCard"/> from what a training produced: the scoring layer's
/// <see cref="ScoringTable"/> and score→risk model, or — at a site, which receives only the published summary — from
/// the summary JSON (cut points + score-table rows), re-deriving the exact bins with the scoring layer's own binning.
/// The bins reproduce <see cref="NumericBinning.LevelOfValue"/>: values below the first break fall in the first bin,
/// values past the last in the last bin, missing values in "*Unknown" (or no bin, 0 points, when training had none).
/// </summary>
public static class ScoreCardFactory
{
    /// <summary>A card from a scoring table and the risk of each total 0..MaxTotal (ConversionTable.RiskByScore).</summary>
    public static ScoreCard FromScoringTable(ScoringTable table, IReadOnlyList<double> riskByScore)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(riskByScore);
        var variables = table.Variables.Select(ToCardVariable).ToList();
        var risk = riskByScore.Select((r, total) => new RiskPoint(total, r)).ToList();
        return new ScoreCard(variables, risk).Validate();
    }

    /// <summary>
    /// A card from a published training summary (`fedscore train --json` / what the coordinator sends the sites).
    /// The risk of each total is taken from an optional "riskByScore" array in the summary; without one it is
    /// <paramref name="localCalibration"/> (e.g. <see cref="CalibrateLocally"/> on the site's own test rows).
    /// </summary>
    public static (ScoreCard Card, ScoringTable Table) FromSummaryJson(string json, Func<ScoringTable, IReadOnlyList<double>>? localCalibration)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        var cuts = root.GetProperty("cutPoints");
        var rows = root.GetProperty("scoreTable").EnumerateArray()
            .Select(r => (Variable: r.GetProperty("variable").GetString()!, Bin: r.GetProperty("bin").GetString()!, Points: r.GetProperty("points").GetInt32()))
            .ToList();
        var variables = new List<VariablePoints>();
        foreach (var name in root.GetProperty("variables").EnumerateArray().Select(v => v.GetString()!))
        {
            var labels = rows.Where(r => r.Variable == name).Select(r => r.Bin).ToList();
            var points = rows.Where(r => r.Variable == name).Select(r => r.Points).ToArray();
            var anyMissing = labels.Contains("*Unknown");
            if (!cuts.TryGetProperty(name, out var cut))
            {
                throw new ArgumentException($"the training summary has no cut points for '{name}' (a categorical variable cannot be stored as a score card).");
            }

            VariableBinning binning;
            if (cut.ValueKind == JsonValueKind.String && cut.GetString() == "let_binary")
            {
                var mode = double.Parse(labels[0], NumberStyles.Float, CultureInfo.InvariantCulture);
                binning = LetBinaryBinning.Create(name, mode, anyMissing);
            }
            else
            {
                var c = cut.EnumerateArray().Select(x => x.GetDouble()).ToArray();
                var below = labels.Any(l => l.StartsWith("(,", StringComparison.Ordinal));
                var above = labels.Any(l => l.StartsWith('[') && l.EndsWith(",)", StringComparison.Ordinal));
                binning = NumericBinning.Create(name, c, below, above, anyMissing);
            }

            if (!binning.Labels.SequenceEqual(labels))
            {
                throw new ArgumentException(
                    $"the training summary's bins of '{name}' ({string.Join(" ", labels)}) do not follow from its cut points ({string.Join(" ", binning.Labels)}).");
            }

            variables.Add(new VariablePoints(binning, points));
        }

        var table = new ScoringTable(variables);
        IReadOnlyList<double> risk = root.TryGetProperty("riskByScore", out var published) && published.ValueKind == JsonValueKind.Array
            ? [.. published.EnumerateArray().Select(x => x.GetDouble())]
            : localCalibration?.Invoke(table) ?? throw new ArgumentException("the training summary has no score-to-risk table and no local calibration was given.");
        return (FromScoringTable(table, risk), table);
    }

    /// <summary>
    /// AutoScore's score→risk model (glm of outcome on total score) fitted on this site's own rows — used when the
    /// coordinator did not publish the pooled one. Needs both outcomes among the rows.
    /// </summary>
    public static IReadOnlyList<double> CalibrateLocally(ScoringTable table, Dataset rows)
    {
        var scores = table.Score(rows);
        var counts = ScoreCounts.Tally(scores, rows.Outcome, table.MaxTotal);
        if (counts.CaseCount == 0 || counts.ControlCount == 0)
        {
            throw new ArgumentException("local calibration of the score needs rows with both outcomes.");
        }

        return ConversionTable.Create(counts).RiskByScore;
    }

    private static ScoreCardVariable ToCardVariable(VariablePoints v)
    {
        var bins = new List<ScoreBin>();
        switch (v.Binning)
        {
            case NumericBinning n:
            {
                var numericLevels = n.LevelCount - (n.HasUnknownLevel ? 1 : 0);
                // Boundary between level l-1 and l: with an open low bin, level l starts at break l-1; without, at break l.
                double Boundary(int level) => n.HasOpenLowBin ? n.Breaks[level - 1] : n.Breaks[level];
                for (var l = 0; l < numericLevels; l++)
                {
                    bins.Add(new ScoreBin(n.Labels[l], v.Points[l], BinKind.Range,
                        Lower: l == 0 ? null : Boundary(l),
                        Upper: l == numericLevels - 1 ? null : Boundary(l + 1)));
                }

                if (n.HasUnknownLevel)
                {
                    bins.Add(new ScoreBin(n.Labels[^1], v.Points[^1], BinKind.Missing));
                }

                break;
            }

            case LetBinaryBinning b:
                bins.Add(new ScoreBin(b.Labels[0], v.Points[0], BinKind.Equals, Value: b.Mode));
                bins.Add(new ScoreBin(b.Labels[1], v.Points[1], BinKind.Otherwise));
                if (b.HasUnknownLevel)
                {
                    bins.Add(new ScoreBin(b.Labels[2], v.Points[2], BinKind.Missing));
                }

                break;

            default:
                throw new ArgumentException($"'{v.Variable}' is categorical; the common data model and its score cards are numeric.");
        }

        return new ScoreCardVariable(v.Variable, bins);
    }
}
