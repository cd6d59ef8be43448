using System.Security.Cryptography;
using FedScore.Secure.Emr.CaseScoring;
using FedScore.Secure.Emr.Ingestion;
using FedScore.Secure.Emr.Storage;
using FedScore.Secure.Emr.Training;
using FedScore.Secure.Scoring.Data;
using FedScore.Secure.Scoring.Federated;

namespace FedScore.Secure.Cli.Emr;

/// <summary>A site whose training data comes from its record store (`--store`), and where its score card goes afterwards.</summary>
internal sealed record StoreSite(ParticipantId Site, string Spec, Dataset Data);

/// <summary>Glue between the site record stores and the training commands.</summary>
internal static class StoreSites
{
    /// <summary>Reads each store's encounters with an outcome as a training dataset; the store is closed again at once.</summary>
    public static IReadOnlyList<StoreSite> Load(IReadOnlyList<string> specs, ISet<ParticipantId> usedNames) =>
        EmrErrors.Translate(() =>
        {
            var result = new List<StoreSite>();
            foreach (var spec in specs)
            {
                if (!spec.StartsWith(EmrStores.PostgresPrefix, StringComparison.OrdinalIgnoreCase) && !File.Exists(spec))
                {
                    // Opening would create an empty store; for training that is always a mistake.
                    throw new FileNotFoundException($"store not found: {Path.GetFullPath(spec)} (create it with fedscore emr ingest)", spec);
                }

                using var store = EmrStores.Open(spec);
                var data = EmrTrainingData.ToDataset(store);
                result.Add(new StoreSite(SiteNames.Unique(EmrStores.SiteNameOf(spec), usedNames), spec, data));
            }

            return (IReadOnlyList<StoreSite>)result;
        });

    /// <summary>A fresh identifier for one training run, recorded as the session of the stored score tables.</summary>
    public static string NewRunId() => $"train-{DateTime.UtcNow:yyyyMMddTHHmmssZ}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";

    /// <summary>
    /// Stores the final score at a site with its provenance. The pooled score→risk table is used when disclosure
    /// control released it; otherwise the site calibrates the risk on its own test rows (noted in the provenance).
    /// </summary>
    public static StoredScoreCard SaveCard(StoreSite site, FedScoreResult result, ScoreProvenance provenance) =>
        EmrErrors.Translate(() =>
        {
            var pooled = result.Evaluation.Conversion?.RiskByScore;
            var risk = pooled ?? ScoreCardFactory.CalibrateLocally(result.ScoreTable, CalibrationRows(site.Data));
            var card = ScoreCardFactory.FromScoringTable(result.ScoreTable, risk);
            using var store = EmrStores.Open(site.Spec);
            return store.SaveScoreCard(card, provenance with
            {
                Note = $"{provenance.Note}; risk from {(pooled is null ? "this site's own test rows" : "the pooled test set")}",
            });
        });

    /// <summary>The rows a site calibrates the score→risk model on: its test part, else everything.</summary>
    public static Dataset CalibrationRows(Dataset data)
    {
        var test = data.HasSplit ? data.Part(DataPart.Test) : data;
        return test.RowCount > 0 ? test : data;
    }

    public static string Describe(IReadOnlyList<string> variables) => $"variables: {string.Join(", ", variables)}";
}

/// <summary>Site names from file or database names (letters, digits, . _ -), made unique with -2, -3, ….</summary>
internal static class SiteNames
{
    public static ParticipantId Unique(string stem, ISet<ParticipantId> used)
    {
        string clean = new(stem.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_').Take(48).ToArray());
        if (clean.Length == 0)
        {
            clean = "site";
        }

        var id = new ParticipantId(clean);
        for (int k = 2; !used.Add(id); k++)
        {
            id = new ParticipantId($"{clean}-{k}");
        }

        return id;
    }
}

/// <summary>The store's own exceptions as the ones the command line reports as "fedscore: message" (exit code 2).</summary>
internal static class EmrErrors
{
    public static T Translate<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is EmrStoreException or EmrMappingException or IngestionException or Npgsql.NpgsqlException
                                       or Microsoft.Data.Sqlite.SqliteException)
        {
            throw new InvalidOperationException(e.Message, e);
        }
    }
}
