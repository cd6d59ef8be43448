using FedScore.Secure.Emr.CaseScoring;
using FedScore.Secure.Emr.Model;
using FedScore.Secure.Emr.Storage;

namespace FedScore.Secure.Emr.Web.Tests;

/// <summary>
/// A synthetic site store in a temp folder, filled through the public <see cref="IEmrStore"/> API: a few current
/// encounters (no outcome), one training encounter, and optionally a score table. No real patient data.
/// </summary>
internal sealed class SiteStore : IDisposable
{
    public const string HostileId = "<b>x</b>&'\"";

    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"fedscore-web-{Guid.NewGuid():N}");

    public SiteStore(bool withScoreTable = true)
    {
        Directory.CreateDirectory(_dir);
        Store = SqliteEmrStore.Open(Path.Combine(_dir, "site.db"));
        Store.CommitIngestion(new IngestionBatch("synthetic.csv", "sha-synthetic", "mapping", 8,
            [
                Encounter("ED-0001", age: 72, heartRate: 112, lactate: 3.1, spo2: 93, creatinine: 1.4),
                Encounter("ED-0002", age: 35, heartRate: 80, lactate: 1.1, spo2: 98, creatinine: 0.8),
                Encounter("ED-0003", age: 85, heartRate: 130, lactate: 5.0, spo2: 85, creatinine: 2.5),
                Encounter("ED-0004", age: 50, heartRate: 90, lactate: 1.5, spo2: 96, creatinine: double.NaN),
                Encounter("ED-0005", age: 64, heartRate: double.NaN, lactate: 2.2, spo2: double.NaN, creatinine: 1.0),
                Encounter(HostileId, age: 40, heartRate: 70, lactate: 1, spo2: 97, creatinine: 1),
                Encounter("TRAIN-1", age: 60, heartRate: 70, lactate: 1, spo2: 97, creatinine: 1, outcome: 1),
            ],
            [], new Dictionary<string, int>(), ["Age", "Vital_A", "Vital_G", "Lab_D", "Lab_H"]));
        if (withScoreTable)
        {
            Stored = Store.SaveScoreCard(Card, new ScoreProvenance("secagg+", Round: "7", Session: "demo-2025", Sites: ["north", "south", "east"]));
        }
    }

    /// <summary>A realistic small score: AutoScore-style bins with a "missing" bin where the variable may be unknown.</summary>
    public static ScoreCard Card { get; } = Build();

    public SqliteEmrStore Store { get; }

    public StoredScoreCard? Stored { get; }

    public string Folder => _dir;

    public void Dispose()
    {
        Store.Dispose();
        try
        {
            System.IO.Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    public static EncounterRecord Encounter(string id, double age, double heartRate, double lactate, double spo2, double creatinine, int? outcome = null)
    {
        var values = Enumerable.Repeat(double.NaN, CommonDataModel.VariableCount).ToArray();
        values[CommonDataModel.IndexOf("Age")] = age;
        values[CommonDataModel.IndexOf("Vital_A")] = heartRate;
        values[CommonDataModel.IndexOf("Lab_H")] = lactate;
        values[CommonDataModel.IndexOf("Vital_G")] = spo2;
        values[CommonDataModel.IndexOf("Lab_D")] = creatinine;
        return new EncounterRecord(id, values, outcome, outcome is null ? null : "train");
    }

    private static ScoreCard Build()
    {
        ScoreBin R(string label, int points, double? lower, double? upper) => new(label, points, BinKind.Range, lower, upper);
        ScoreBin Missing(int points) => new("missing", points, BinKind.Missing);
        var variables = new List<ScoreCardVariable>
        {
            new("Age", [R("<40", 0, null, 40), R("[40,60)", 5, 40, 60), R("[60,80)", 9, 60, 80), R(">=80", 13, 80, null)]),
            new("Vital_A", [R("<60", 2, null, 60), R("[60,100)", 0, 60, 100), R(">=100", 4, 100, null), Missing(1)]),
            new("Lab_H", [R("<2", 0, null, 2), R("[2,4)", 6, 2, 4), R(">=4", 11, 4, null), Missing(2)]),
            new("Vital_G", [R("<90", 7, null, 90), R("[90,95)", 3, 90, 95), R(">=95", 0, 95, null), Missing(2)]),
            new("Lab_D", [R("<1.2", 0, null, 1.2), R("[1.2,2)", 3, 1.2, 2), R(">=2", 6, 2, null)]),
        };
        var maxTotal = variables.Sum(v => v.Bins.Max(b => b.Points));
        return new ScoreCard(variables, ScoreCard.LogisticRiskTable(-4, 0.12, maxTotal)).Validate();
    }
}
