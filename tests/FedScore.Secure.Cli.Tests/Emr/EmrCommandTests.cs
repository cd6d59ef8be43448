using System.Globalization;
using System.Text.Json;
using FedScore.Secure.Emr.CaseScoring;
using FedScore.Secure.Emr.Model;
using FedScore.Secure.Emr.Storage;

namespace FedScore.Secure.Cli.Tests.Emr;

public sealed class EmrCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fedscore-emr-cli-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private static string Repo(params string[] parts)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "FedScore.Secure.sln")))
        {
            dir = dir.Parent;
        }

        return Path.Combine([dir!.FullName, .. parts]);
    }

    private string Temp(string name) => Path.Combine(_dir, name);

    private static readonly string s_mapping = Repo("data", "emr", "mapping.json");
    private static readonly string s_export = Repo("data", "emr", "export.csv");

    [Fact]
    public void IngestReportsExactCountsAndReIngestingChangesNothing()
    {
        string db = Temp("site.db");
        (int exit, JsonElement report) = CliRunner.RunJson("emr", "ingest", "--store", db, "--mapping", s_mapping, "--file", s_export);

        Assert.Equal(0, exit);
        Assert.False(report.GetProperty("alreadyIngested").GetBoolean());
        Assert.Equal(425, report.GetProperty("rowsRead").GetInt32());
        Assert.Equal(405, report.GetProperty("accepted").GetInt32());
        Assert.Equal(20, report.GetProperty("quarantined").GetInt32());
        var byReason = report.GetProperty("quarantinedByReason").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
        Assert.Equal(new Dictionary<string, int>
        {
            ["MalformedLine"] = 2, ["MissingEncounterId"] = 1, ["DuplicateEncounter"] = 3, ["UnparsableValue"] = 4,
            ["OutOfRange"] = 8, ["InvalidOutcome"] = 1, ["InvalidTimestamp"] = 1,
        }, byReason);

        (int again, string text, string err) = CliRunner.Run("emr", "ingest", "--store", db, "--mapping", s_mapping, "--file", s_export);
        Assert.Equal(0, again);
        Assert.Contains("nothing changed", text);
        Assert.Contains("405 accepted", text);
        Assert.DoesNotContain("ADM", text + err); // counts and column names only, no encounter ids or values
        using var store = SqliteEmrStore.Open(db);
        Assert.Equal(405, store.CountEncounters());
        Assert.Single(store.GetIngestionRuns());
    }

    [Fact]
    public void ABadMappingIsAClearErrorNamingFileAndFieldAndCreatesNoRows()
    {
        string map = Temp("bad-map.json");
        File.WriteAllText(map, File.ReadAllText(s_mapping).Replace("\"unit\": \"degF\"", "\"unit\": \"degX\""));
        string db = Temp("site.db");

        (int exit, _, string err) = CliRunner.Run("emr", "ingest", "--store", db, "--mapping", map, "--file", s_export);

        Assert.Equal(2, exit);
        Assert.Contains("bad-map.json", err);
        Assert.Contains("variables.Vital_F.unit", err);
        Assert.False(File.Exists(db), "the store is opened only after the mapping was read");
    }

    [Fact]
    public void StoresGiveTheSameFederatedScoreAsTheirCsvFilesAndEachStoreKeepsTheCard()
    {
        // The same rows two ways: as CSV files, and ingested into stores through an identity mapping.
        string csv1 = Subset(Repo("data", "site1.csv"), Temp("site1.csv"), stride: 8);
        string csv2 = Subset(Repo("data", "site2.csv"), Temp("site2.csv"), stride: 8);
        string map = Temp("identity.json");
        File.WriteAllText(map, IdentityMapping(csv1));
        foreach (var (csv, db) in new[] { (csv1, Temp("site1.db")), (csv2, Temp("site2.db")) })
        {
            (int e, JsonElement r) = CliRunner.RunJson("emr", "ingest", "--store", db, "--mapping", map, "--file", csv);
            Assert.Equal(0, e);
            Assert.Equal(0, r.GetProperty("quarantined").GetInt32());
        }

        string[] common = ["--scheme", "plain", "--max-variables", "4", "--variables", "3", "--ranking", "auc", "--min-cell", "1"];
        (int exitCsv, JsonElement fromCsv) = CliRunner.RunJson(["train", "--data", csv1, "--data", csv2, .. common, "--out", Temp("out-csv")]);
        (int exitStore, JsonElement fromStore) = CliRunner.RunJson(["train", "--store", Temp("site1.db"), "--store", Temp("site2.db"), .. common, "--out", Temp("out-store")]);

        Assert.Equal(0, exitCsv);
        Assert.Equal(0, exitStore);
        foreach (string field in new[] { "variables", "cutPoints", "scoreTable", "coefficients", "aucPooled", "aucPerSite" })
        {
            Assert.Equal(fromCsv.GetProperty(field).GetRawText(), fromStore.GetProperty(field).GetRawText());
        }

        foreach (string db in new[] { Temp("site1.db"), Temp("site2.db") })
        {
            using var store = SqliteEmrStore.Open(db);
            var card = Assert.Single(store.GetScoreCards());
            Assert.Equal("plain", card.Provenance.Scheme);
            Assert.StartsWith("train-", card.Provenance.Session);
            Assert.Equal(["site1", "site2"], card.Provenance.Sites!);
            Assert.Contains("variables: " + string.Join(", ", fromStore.GetProperty("variables").EnumerateArray().Select(v => v.GetString())), card.Provenance.Note);

            // What a site rebuilds from the published summary (fedscore site --store) has the same bins and points.
            var (fromSummary, _) = ScoreCardFactory.FromSummaryJson(fromStore.GetRawText(), _ => card.Card.RiskTable.Select(p => p.Risk).ToList());
            Assert.Equal(JsonSerializer.Serialize(card.Card.Variables), JsonSerializer.Serialize(fromSummary.Variables));
        }
    }

    [Fact]
    public void ScoringACaseFromTheCommandLineEqualsTheLibrarysScoring()
    {
        string db = Temp("site.db");
        Assert.Equal(0, CliRunner.Run("emr", "ingest", "--store", db, "--mapping", s_mapping, "--file", s_export).Exit);
        (int trainExit, string trainOut, string trainErr) = CliRunner.Run("train", "--store", db, "--scheme", "plain", "--max-variables", "4",
            "--variables", "4", "--ranking", "auc", "--min-cell", "1", "--out", Temp("out"));
        Assert.True(trainExit == 0, trainOut + trainErr);
        Assert.Contains("Stored score table version 1", trainOut);
        Assert.DoesNotContain("ADM", trainOut + trainErr);

        using var store = SqliteEmrStore.Open(db);
        var stored = store.GetScoreCard()!;
        string id = store.GetEncounters(EncounterSelection.Current).First(e => stored.Card.Score(e).IsComplete).EncounterId;
        (int exit, JsonElement one) = CliRunner.RunJson("emr", "score", "--store", db, "--encounter", id);
        Assert.Equal(0, exit);

        var expected = stored.Card.Score(store.GetEncounter(id)!);
        var c = Assert.Single(one.GetProperty("cases").EnumerateArray());
        Assert.Equal(expected.Total, c.GetProperty("total").GetInt32());
        Assert.Equal(expected.Risk, c.GetProperty("risk").GetDouble());
        Assert.Equal(expected.Variables.Select(v => (v.Variable, v.Bin, v.Points)),
            c.GetProperty("variables").EnumerateArray().Select(v => (v.GetProperty("variable").GetString()!, v.GetProperty("bin").GetString(), v.GetProperty("points").GetInt32())));
        Assert.Equal(expected.Variables[0].Value, c.GetProperty("variables")[0].GetProperty("value").GetDouble());
        Assert.Equal(1, one.GetProperty("scoreTable").GetProperty("version").GetInt32());

        // All current cases: points, totals and risks, but no values.
        (int allExit, JsonElement all) = CliRunner.RunJson("emr", "score", "--store", db, "--current");
        Assert.Equal(0, allExit);
        var cases = all.GetProperty("cases").EnumerateArray().ToList();
        Assert.Equal(20, cases.Count);
        Assert.All(cases, x => Assert.All(x.GetProperty("variables").EnumerateArray(), v => Assert.False(v.TryGetProperty("value", out _))));
        var byId = store.GetEncounters(EncounterSelection.Current).ToDictionary(e => e.EncounterId, e => stored.Card.Score(e));
        Assert.All(cases, x =>
        {
            CaseScore lib = byId[x.GetProperty("encounterId").GetString()!];
            if (lib.IsComplete)
            {
                Assert.Equal(lib.Total, x.GetProperty("total").GetInt32());
            }
            else
            {
                // A missing value with no "missing" bin: no total or risk is shown, and the variable is named.
                Assert.False(x.TryGetProperty("total", out JsonElement t) && t.ValueKind != JsonValueKind.Null);
                Assert.Equal(lib.Unscored, x.GetProperty("unscored").EnumerateArray().Select(u => u.GetString()));
            }
        });

        (int textExit, string text, _) = CliRunner.Run("emr", "score", "--store", db, "--encounter", id);
        Assert.Equal(0, textExit);
        Assert.Contains($"Total {expected.Total} of", System.Text.RegularExpressions.Regex.Replace(text, "\u001b\\[[0-9;]*m", ""));
    }

    [Fact]
    public void ScoringWithoutAStoredScoreTableIsAClearError()
    {
        string db = Temp("site.db");
        Assert.Equal(0, CliRunner.Run("emr", "ingest", "--store", db, "--mapping", s_mapping, "--file", s_export).Exit);

        (int exit, _, string err) = CliRunner.Run("emr", "score", "--store", db, "--current");

        Assert.Equal(2, exit);
        Assert.Contains("no score table", err);
    }

    /// <summary>Every <paramref name="stride"/>-th data row of a demo CSV (all splits present), written to <paramref name="target"/>.</summary>
    private static string Subset(string source, string target, int stride)
    {
        var lines = File.ReadLines(source).ToList();
        File.WriteAllLines(target, [lines[0], .. lines.Skip(1).Where((_, i) => i % stride == 0)]);
        return target;
    }

    private static string IdentityMapping(string csv)
    {
        var header = File.ReadLines(csv).First().Split(',').Select(h => h.Trim('"')).ToList();
        var variables = header.Where(h => h.StartsWith("Vital_", StringComparison.Ordinal) || h.StartsWith("Lab_", StringComparison.Ordinal) || h == "Age");
        return JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["encounterId"] = "row_name",
            ["outcome"] = "label",
            ["split"] = "split",
            ["variables"] = variables.ToDictionary(v => v, v => v),
        });
    }
}
