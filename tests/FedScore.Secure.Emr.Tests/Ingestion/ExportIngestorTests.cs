using System.Text;
using FedScore.Secure.Emr.Ingestion;
using FedScore.Secure.Emr.Model;
using FedScore.Secure.Emr.Storage;
using FedScore.Secure.Emr.Tests.Storage;

namespace FedScore.Secure.Emr.Tests.Ingestion;

public sealed class ExportIngestorTests : IDisposable
{
    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    private static EmrMapping Mapping(string json) => EmrMapping.Parse(Encoding.UTF8.GetBytes(json), "map.json");

    private const string SmallMapping = """
        { "encounterId": "id", "outcome": "y", "admittedAt": { "column": "t", "formats": ["dd/MM/yyyy HH:mm"], "utcOffset": "+08:00" },
          "variables": { "Age": "age", "Vital_F": { "column": "temp", "unit": "degF" }, "Lab_A": { "column": "glu", "unit": "mmol/L" } } }
        """;

    [Fact]
    public void TheCommittedExampleExportIsTheGeneratedOne()
    {
        var generated = MessyExport.Generate(RepoFiles.Data("site1.csv"));
        var path = RepoFiles.Data("emr", "export.csv");
        if (Environment.GetEnvironmentVariable("FEDSCORE_REGENERATE_EMR_EXAMPLE") == "1")
        {
            File.WriteAllText(path, generated);
        }

        Assert.Equal(generated, File.ReadAllText(path));
    }

    [Fact]
    public void ValuesAreConvertedToCanonicalUnitsAndTimestampsGetTheMappingsOffset()
    {
        using var store = SqliteEmrStore.Open(_db.Path);
        var csv = "id,t,age,temp,glu,y\nA1,02/03/2024 14:30,70,98.6,5.5,1\nA2,,40,NA,,\n";
        var report = ExportIngestor.Ingest(store, Mapping(SmallMapping), Encoding.UTF8.GetBytes(csv), "x.csv");

        Assert.Equal((2, 2, 0), (report.RowsRead, report.Accepted, report.Quarantined));
        var a1 = store.GetEncounter("A1")!;
        Assert.Equal(37.0, a1["Vital_F"], 9);
        Assert.Equal(5.5 * 18.0156, a1["Lab_A"], 9);
        Assert.Equal(new DateTimeOffset(2024, 3, 2, 14, 30, 0, TimeSpan.FromHours(8)), a1.AdmittedAt);
        Assert.Equal(1, a1.Outcome);
        var a2 = store.GetEncounter("A2")!;
        Assert.True(a2.IsCurrentCase);
        Assert.True(double.IsNaN(a2["Vital_F"]));
        Assert.Equal(1, report.MissingByVariable["Vital_F"]);
        Assert.Equal(1, report.MissingByVariable["Lab_A"]);
    }

    [Fact]
    public void QuarantineEntriesSayWhereAndWhyButNeverTheValue()
    {
        using var store = SqliteEmrStore.Open(_db.Path);
        ExportIngestor.Ingest(store, EmrStoreBehaviourTests.ExampleMapping, EmrStoreBehaviourTests.MessyBytes, "export.csv");

        var q = store.GetQuarantine();
        var hot = q.Where(e => e.Column == "Temp_F").ToList();
        Assert.Equal(5, hot.Count);
        Assert.All(hot, e => Assert.Equal(QuarantineReason.OutOfRange, e.Reason));
        Assert.All(hot, e => Assert.Contains("999.9", e.RawRecord));
        Assert.All(q, e => Assert.DoesNotContain("999.9", e.Detail));
        Assert.All(q, e => Assert.DoesNotContain("clumped", e.Detail));
        Assert.All(q, e => Assert.DoesNotContain("ADM", e.ToString()));
        // Line numbers are physical lines of the file (header = 1): the first planted row is data row 10 → line 12.
        Assert.Equal(12, hot[0].RowNumber);
    }

    [Fact]
    public void AMappedColumnAbsentFromTheHeaderIsAClearErrorAndStoresNothing()
    {
        using var store = SqliteEmrStore.Open(_db.Path);
        var csv = "id,t,age,temperature,glu,y\nA1,,70,98.6,5.5,1\n";

        var e = Assert.Throws<IngestionException>(() => ExportIngestor.Ingest(store, Mapping(SmallMapping), Encoding.UTF8.GetBytes(csv), "x.csv"));

        Assert.Contains("'temp'", e.Message);
        Assert.Contains("variables.Vital_F", e.Message);
        Assert.Contains("x.csv", e.Message);
        Assert.Empty(store.GetIngestionRuns());
        Assert.Equal(0, store.CountEncounters());
    }

    [Fact]
    public void ADuplicateIdWithinTheFileKeepsTheFirstRow()
    {
        using var store = SqliteEmrStore.Open(_db.Path);
        var csv = "id,t,age,temp,glu,y\nA1,,70,98.6,5.5,1\nA1,,20,98.6,5.5,0\n";

        var report = ExportIngestor.Ingest(store, Mapping(SmallMapping), Encoding.UTF8.GetBytes(csv), "x.csv");

        Assert.Equal(1, report.QuarantinedByReason["DuplicateEncounter"]);
        Assert.Equal(70, store.GetEncounter("A1")!["Age"]);
        Assert.Equal(3, store.GetQuarantine().Single().RowNumber);
    }

    [Theory]
    [InlineData("""{ "outcome": "y", "variables": { "Age": "age" } }""", "encounterId", "required")]
    [InlineData("""{ "encounterId": "id", "outcome": "y", "variables": { "Age": "age" }, "extra": 1 }""", "extra", "unknown field")]
    [InlineData("""{ "encounterId": "id", "outcome": "y", "variables": { "Heart": "hr" } }""", "variables.Heart", "not a common-data-model variable")]
    [InlineData("""{ "encounterId": "id", "outcome": "y", "variables": { "Vital_F": { "column": "t", "unit": "furlongs" } } }""", "variables.Vital_F.unit", "cannot be converted")]
    [InlineData("""{ "encounterId": "id", "outcome": "y", "variables": { "Age": { "column": "a", "range": [150, 0] } } }""", "variables.Age.range", "min < max")]
    [InlineData("""{ "encounterId": "id", "outcome": "id", "variables": { "Age": "a" } }""", "outcome", "already used")]
    [InlineData("""{ "encounterId": "id", "outcome": "y", "admittedAt": { "column": "t", "utcOffset": "8h" }, "variables": { "Age": "a" } }""", "admittedAt.utcOffset", "+08:00")]
    [InlineData("""{ "encounterId": "id", "outcome": "y", "variables": { "Age": 3 } }""", "variables.Age", "column name")]
    [InlineData("""{ "encounterId": "id", """, "(file)", "not valid JSON")]
    public void ABadMappingIsAnErrorNamingFileAndField(string json, string field, string problem)
    {
        var e = Assert.Throws<EmrMappingException>(() => Mapping(json));

        Assert.Equal(field, e.Field);
        Assert.StartsWith("map.json: mapping field '" + field + "'", e.Message);
        Assert.Contains(problem, e.Message);
    }

    [Fact]
    public void TheExampleMappingReadsTwentyVariablesInModelOrder()
    {
        var mapping = EmrStoreBehaviourTests.ExampleMapping;
        Assert.Equal(20, mapping.Variables.Count);
        Assert.Equal("Vital_B", mapping.Variables[0].Variable.Name);
        Assert.Equal("Age", mapping.Variables[^1].Variable.Name);
        Assert.Equal(64, mapping.Sha256.Length);
    }
}
