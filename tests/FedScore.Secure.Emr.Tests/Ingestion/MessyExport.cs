using System.Globalization;
using System.Text;
using FedScore.Secure.Emr.Ingestion;

namespace FedScore.Secure.Emr.Tests.Ingestion;

/// <summary>
/// Generates data/emr/export.csv deterministically from 420 rows of data/site1.csv (every 33rd), as a hospital's raw
/// export would look: renamed columns, temperature in °F, glucose in mmol/L, creatinine in µmol/L, haemoglobin in g/L
/// (rounded as a lab system prints them), outcome Y/N, split labels "validation", a timestamp column in dd/MM/yyyy
/// HH:mm, an unmapped "Ward" column — and planted problems whose expected counts are the constants below.
/// Rows 0–399 carry an outcome, rows 400–419 are current cases (empty outcome). Regenerate the committed file with
/// <c>FEDSCORE_REGENERATE_EMR_EXAMPLE=1 dotnet test tests/FedScore.Secure.Emr.Tests --filter CommittedExampleExport</c>.
/// </summary>
internal static class MessyExport
{
    public const int RowsRead = 425;
    public const int Accepted = 405;
    public const int CurrentCases = 20;
    public const int OutOfRange = 8;
    public const int Unparsable = 4;
    public const int Duplicates = 3;
    public const int Malformed = 2;
    public const int MissingId = 1;
    public const int InvalidOutcome = 1;
    public const int InvalidTimestamp = 1;
    public const int MissingLactate = 12;
    public const int MissingGlucose = 6;

    private static readonly int[] s_hotTemperature = [10, 50, 90, 130, 170];
    private static readonly int[] s_negativeAge = [20, 60, 100];
    private static readonly int[] s_clumpedPlatelets = [30, 70, 110, 150];
    private const int NoId = 200, BadOutcome = 210, BadTimestamp = 220;
    private static readonly string[] s_wards = ["ICU", "MED", "SURG", "ED"];

    public const string Header =
        "AdmissionNo,AdmitTime,Ward,Cohort,AgeYears,SBP,DBP,MAP,RR,Temp_F,SpO2,Glucose_mmol,AnionGap,HCO3,Creat_umol,Cl,Hct,Hb_gL,Lactate,Plt,K,BUN,Na,WBC,Died";

    public static string Generate(string site1Csv)
    {
        var all = File.ReadLines(site1Csv).ToList();
        // Every 33rd data row, so that the train, validate and test parts of site1 (sorted by split) are all present.
        var lines = new List<string> { all[0] };
        lines.AddRange(all.Skip(1).Where((_, i) => i % 33 == 0).Take(420));
        var fields = new List<string>();
        Assert.True(CsvLine.TryParse(lines[0], fields, out _));
        var col = fields.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i);
        var output = new List<string> { Header };
        for (var i = 0; i < 420; i++)
        {
            Assert.True(CsvLine.TryParse(lines[i + 1], fields, out _));
            string F(string name) => fields[col[name]];
            double D(string name) => double.Parse(F(name), CultureInfo.InvariantCulture);
            string Fmt(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
            var current = i >= 400;
            var row = new Dictionary<string, string>
            {
                ["AdmissionNo"] = $"ADM{int.Parse(F("row_name"), CultureInfo.InvariantCulture):D6}",
                ["AdmitTime"] = new DateTime(2024, 1, 1).AddMinutes(97 * i).ToString("dd/MM/yyyy HH:mm", CultureInfo.InvariantCulture),
                ["Ward"] = s_wards[i % s_wards.Length],
                ["Cohort"] = current ? "" : F("split") == "validate" ? "validation" : F("split"),
                ["AgeYears"] = F("Age"),
                ["SBP"] = F("Vital_B"), ["DBP"] = F("Vital_C"), ["MAP"] = F("Vital_D"), ["RR"] = F("Vital_E"),
                ["Temp_F"] = Fmt(D("Vital_F") * 9 / 5 + 32, "0.0"),
                ["SpO2"] = F("Vital_G"),
                ["Glucose_mmol"] = Fmt(D("Lab_A") / 18.0156, "0.00"),
                ["AnionGap"] = F("Lab_B"), ["HCO3"] = F("Lab_C"),
                ["Creat_umol"] = Fmt(D("Lab_D") * 88.4, "0"),
                ["Cl"] = F("Lab_E"), ["Hct"] = F("Lab_F"),
                ["Hb_gL"] = Fmt(D("Lab_G") * 10, "0"),
                ["Lactate"] = F("Lab_H"), ["Plt"] = F("Lab_I"), ["K"] = F("Lab_J"), ["BUN"] = F("Lab_K"), ["Na"] = F("Lab_L"), ["WBC"] = F("Lab_M"),
                ["Died"] = current ? "" : F("label") == "1" ? "Y" : "N",
            };

            if (s_hotTemperature.Contains(i)) row["Temp_F"] = "999.9";
            if (s_negativeAge.Contains(i)) row["AgeYears"] = "-4";
            if (s_clumpedPlatelets.Contains(i)) row["Plt"] = "clumped";
            if (i == NoId) row["AdmissionNo"] = "";
            if (i == BadOutcome) row["Died"] = "maybe";
            if (i == BadTimestamp) row["AdmitTime"] = "31/02/2024 10:00";
            if (i is >= 230 and < 230 + MissingLactate) row["Lactate"] = "";
            if (i is >= 250 and < 250 + MissingGlucose) row["Glucose_mmol"] = "NA";

            output.Add(string.Join(",", Header.Split(',').Select(h => row[h])));
            if (i == 300)
            {
                output.Add("\"ADM999998,01/01/2024 10:00,ICU,train,55");   // unterminated quote
                output.Add("ADM999999,01/01/2024 10:00,ICU,train,55");     // too few fields
            }
        }

        output.AddRange(output.Skip(2).Take(Duplicates)); // rows 1–3 exported again
        return string.Join("\n", output) + "\n";
    }
}
