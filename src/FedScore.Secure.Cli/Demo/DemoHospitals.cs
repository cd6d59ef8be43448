using FedScore.Secure.Scoring.Data;

namespace FedScore.Secure.Cli.Demo;

/// <summary>
/// Three simulated hospitals built into the program: AutoScore's 20,000-row sample (simulated ICU admissions,
/// outcome in-hospital mortality), shuffled with a fixed seed and dealt 45 % / 35 % / 20 %; each hospital splits its
/// own rows 70 / 10 / 20 into train / validation / test, as AutoScore's split_data does.
/// </summary>
internal static class DemoHospitals
{
    private const string ResourceName = "FedScore.Secure.Cli.Demo.autoscore_sample_data.csv";

    public static readonly (string Name, double Share)[] Layout = [("hospital-A", 0.45), ("hospital-B", 0.35), ("hospital-C", 0.20)];

    /// <summary>The full sample as one dataset (what pooling all hospitals would give), with each row's split.</summary>
    public static Dataset Pooled(out IReadOnlyDictionary<string, Dataset> hospitals)
    {
        Dataset all = LoadEmbedded();

        // Statistics RNG (fixed seed): which hospital a row belongs to and its split. Not used for cryptography.
        var random = new Random(2023);
        int[] order = Enumerable.Range(0, all.RowCount).ToArray();
        random.Shuffle(order);

        var result = new Dictionary<string, Dataset>(StringComparer.Ordinal);
        var pooledRows = new List<int>();
        var pooledSplit = new List<string>();
        int start = 0;
        for (int h = 0; h < Layout.Length; h++)
        {
            int count = h == Layout.Length - 1 ? all.RowCount - start : (int)Math.Round(all.RowCount * Layout[h].Share);
            int[] rows = order.AsSpan(start, count).ToArray();
            start += count;
            string[] split = SplitLabels(count, random);
            Dataset part = all.SelectRows(rows);
            result[Layout[h].Name] = new Dataset(part.Predictors, part.Outcome.ToArray(), split, Layout[h].Name);
            pooledRows.AddRange(rows);
            pooledSplit.AddRange(split);
        }

        hospitals = result;
        Dataset pooled = all.SelectRows([.. pooledRows]);
        return new Dataset(pooled.Predictors, pooled.Outcome.ToArray(), [.. pooledSplit], "pooled");
    }

    private static string[] SplitLabels(int count, Random random)
    {
        int test = (int)(count * 0.2);
        int validation = (int)(count * 0.1);
        var labels = new string[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = i < test ? Dataset.SplitLabel(DataPart.Test)
                : i < test + validation ? Dataset.SplitLabel(DataPart.Validation)
                : Dataset.SplitLabel(DataPart.Train);
        }

        random.Shuffle(labels);
        return labels;
    }

    private static Dataset LoadEmbedded()
    {
        using Stream stream = typeof(DemoHospitals).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"the demo data resource {ResourceName} is missing from this build");
        using var reader = new StreamReader(stream);
        return CsvDatasetLoader.Load(reader, "autoscore_sample_data.csv (built in)", new CsvLoadOptions { OutcomeColumn = "Mortality_inpatient" });
    }
}
