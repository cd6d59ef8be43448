using System.Text;
using FedScore.Secure.Emr.Ingestion;
using FedScore.Secure.Emr.Storage;
using FedScore.Secure.Emr.Tests.Storage;
using FedScore.Secure.Emr.Training;
using FedScore.Secure.Scoring.Data;

namespace FedScore.Secure.Emr.Tests.Training;

public sealed class EmrTrainingDataTests : IDisposable
{
    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public void AStoreFilledFromACsvGivesTheSameDatasetAsTheCsv()
    {
        var lines = File.ReadLines(RepoFiles.Data("site2.csv")).ToList();
        var csv = string.Join("\n", [lines[0], .. lines.Skip(1).Where((_, i) => i % 10 == 0)]) + "\n";
        var variables = string.Join(", ", lines[0].Split(',').Select(h => h.Trim('"'))
            .Where(h => h.StartsWith("Vital_") || h.StartsWith("Lab_") || h == "Age").Select(h => $"\"{h}\": \"{h}\""));
        var mapping = EmrMapping.Parse(Encoding.UTF8.GetBytes($$"""{ "encounterId": "row_name", "outcome": "label", "split": "split", "variables": { {{variables}} } }"""), "identity.json");
        using var store = SqliteEmrStore.Open(_db.Path);
        var report = ExportIngestor.Ingest(store, mapping, Encoding.UTF8.GetBytes(csv), "site2.csv");
        Assert.Equal(0, report.Quarantined);

        var fromStore = EmrTrainingData.ToDataset(store);
        var fromCsv = CsvDatasetLoader.Load(new StringReader(csv), "site2.csv");

        Assert.Equal(fromCsv.PredictorNames, fromStore.PredictorNames);
        foreach (var part in new[] { DataPart.Train, DataPart.Validation, DataPart.Test })
        {
            var a = fromCsv.Part(part);
            var b = fromStore.Part(part);
            Assert.True(a.RowCount > 0);
            Assert.Equal(a.Outcome.ToArray(), b.Outcome.ToArray());
            foreach (var name in a.PredictorNames)
            {
                Assert.Equal(a[name].Values.ToArray(), b[name].Values.ToArray());
            }
        }
    }

    [Fact]
    public void WithoutSplitsEveryRowIsDrawnIntoAutoScoresSeventyTenTwentySplit()
    {
        using var store = SqliteEmrStore.Open(_db.Path);
        var encounters = Enumerable.Range(0, 100).Select(i => new Model.EncounterRecord($"e{i}",
            EmrStoreBehaviourTests.Encounter("x", 20 + i).Values, i % 3 == 0 ? 1 : 0)).ToList();
        store.CommitIngestion(EmrStoreBehaviourTests.Batch("h", encounters));

        var data = EmrTrainingData.ToDataset(store);

        Assert.Equal((70, 10, 20), (data.Part(DataPart.Train).RowCount, data.Part(DataPart.Validation).RowCount, data.Part(DataPart.Test).RowCount));
        var ages = data.Part(DataPart.Train)["Age"].Values.ToArray().Concat(data.Part(DataPart.Validation)["Age"].Values.ToArray())
            .Concat(data.Part(DataPart.Test)["Age"].Values.ToArray()).Order();
        Assert.Equal(Enumerable.Range(20, 100).Select(i => (double)i), ages);
    }

    [Fact]
    public void AStoreWithoutOutcomesCannotTrain()
    {
        using var store = SqliteEmrStore.Open(_db.Path);
        store.CommitIngestion(EmrStoreBehaviourTests.Batch("h", [EmrStoreBehaviourTests.Encounter("now", 50, outcome: null)]));
        var e = Assert.Throws<ArgumentException>(() => EmrTrainingData.ToDataset(store));
        Assert.Contains("no encounters with an outcome", e.Message);
    }
}
