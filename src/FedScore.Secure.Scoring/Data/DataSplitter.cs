namespace FedScore.Secure.Scoring.Data;

/// <summary>
/// AutoScore's <c>split_data(data, ratio = c(0.7, 0.1, 0.2), strat_by_label)</c> for files without a split column:
/// test = floor(0.2·n) rows, validation = floor(0.1·n) of the rest, train = the remainder; with stratification the
/// sizes are taken per outcome class (rounded). Seeded System.Random — reproducible, not R's sample().
/// </summary>
public static class DataSplitter
{
    public static (Dataset Train, Dataset Validation, Dataset Test) Split(
        Dataset data, double trainRatio = 0.7, double validationRatio = 0.1, double testRatio = 0.2, int seed = 4, bool stratifyByOutcome = false)
    {
        var total = trainRatio + validationRatio + testRatio;
        if (trainRatio <= 0 || validationRatio < 0 || testRatio < 0 || total <= 0)
        {
            throw new ArgumentException("split ratios must be positive.");
        }

        var rng = new Random(seed);
        var train = new List<int>();
        var validation = new List<int>();
        var test = new List<int>();
        IEnumerable<int[]> groups = stratifyByOutcome
            ? [Rows(data, 0), Rows(data, 1)]
            : [Enumerable.Range(0, data.RowCount).ToArray()];
        foreach (var rows in groups)
        {
            rng.Shuffle(rows);
            var nTest = stratifyByOutcome ? (int)Math.Round(rows.Length * testRatio / total) : (int)(rows.Length * testRatio / total);
            var nValidation = stratifyByOutcome ? (int)Math.Round(rows.Length * validationRatio / total) : (int)(rows.Length * validationRatio / total);
            test.AddRange(rows.Take(nTest));
            validation.AddRange(rows.Skip(nTest).Take(nValidation));
            train.AddRange(rows.Skip(nTest + nValidation));
        }

        train.Sort();
        validation.Sort();
        test.Sort();
        return (data.SelectRows([.. train]), data.SelectRows([.. validation]), data.SelectRows([.. test]));
    }

    private static int[] Rows(Dataset data, int outcome)
    {
        var y = data.Outcome;
        var rows = new List<int>();
        for (var i = 0; i < y.Length; i++)
        {
            if (y[i] == outcome)
            {
                rows.Add(i);
            }
        }

        return [.. rows];
    }
}
