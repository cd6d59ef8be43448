using FedScore.Secure.Emr.Model;
using FedScore.Secure.Emr.Storage;
using FedScore.Secure.Scoring.Data;

namespace FedScore.Secure.Emr.Training;

/// <summary>
/// Turns a store's encounters with an outcome into the <see cref="Dataset"/> that federated training reads from a
/// CSV today: one numeric predictor per covered common-data-model variable (model order, NaN = missing), the outcome,
/// and the split. Rows are in ingestion order, so a store filled from a CSV gives the same dataset as that CSV.
/// When no stored encounter has a split, AutoScore's 70/10/20 split is drawn (<see cref="DataSplitter"/>, seed 4).
/// </summary>
public static class EmrTrainingData
{
    public static Dataset ToDataset(IEmrStore store, int splitSeed = 4)
    {
        ArgumentNullException.ThrowIfNull(store);
        var encounters = store.GetEncounters(EncounterSelection.WithOutcome);
        if (encounters.Count == 0)
        {
            throw new ArgumentException($"{store.Description}: no encounters with an outcome to train on (ingest an export first).");
        }

        var variables = store.GetCoveredVariables();
        if (variables.Count == 0)
        {
            throw new ArgumentException($"{store.Description}: no variable is covered by the ingestion mappings.");
        }

        var columns = new List<PredictorColumn>(variables.Count);
        foreach (var name in variables)
        {
            var ix = CommonDataModel.IndexOf(name);
            var values = new double[encounters.Count];
            for (var r = 0; r < values.Length; r++)
            {
                values[r] = encounters[r].Values[ix];
            }

            columns.Add(PredictorColumn.Numeric(name, values));
        }

        var outcome = encounters.Select(e => e.Outcome!.Value).ToArray();
        var withSplit = encounters.Count(e => e.Split is not null);
        if (withSplit == encounters.Count)
        {
            return new Dataset(columns, outcome, [.. encounters.Select(e => e.Split!)], store.Description);
        }

        if (withSplit > 0)
        {
            throw new ArgumentException(
                $"{store.Description}: {withSplit} of {encounters.Count} encounters with an outcome have a train/validate/test split and the others none; give all a split or none.");
        }

        // Split by row index: a marker column carries each row's position through DataSplitter's shuffle.
        const string marker = "\u0001row";
        var indexed = new Dataset([.. columns, PredictorColumn.Numeric(marker, [.. Enumerable.Range(0, encounters.Count).Select(i => (double)i)])], outcome);
        var (train, validation, test) = DataSplitter.Split(indexed, seed: splitSeed);
        var split = new string[encounters.Count];
        foreach (var (part, label) in new[] { (train, "train"), (validation, "validate"), (test, "test") })
        {
            foreach (var i in part[marker].Values)
            {
                split[(int)i] = label;
            }
        }

        return new Dataset(columns, outcome, split, store.Description);
    }
}
