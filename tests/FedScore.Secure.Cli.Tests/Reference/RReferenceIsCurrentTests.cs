namespace FedScore.Secure.Cli.Tests.Reference;

/// <summary>
/// The committed reference files are what glm_reference.R produces now: when Rscript is on PATH the script runs into
/// a temporary folder and every file is compared with Reference/expected (numbers to 1e-12 relative, so a newer R
/// with last-bit differences in its BLAS-free glm still passes; text exactly). Without R the test is skipped, visibly.
/// </summary>
public class RReferenceIsCurrentTests
{
    [RscriptFact]
    public void CommittedReferenceFilesAreWhatTheRScriptProducesNow()
    {
        var dir = Path.Combine(Path.GetTempPath(), "fedscore-rref-" + Guid.NewGuid().ToString("N"));
        try
        {
            RReference.RunScript(dir);
            var committed = Directory.GetFiles(RReference.ExpectedDirectory, "*.csv").Select(Path.GetFileName).Order().ToArray();
            var produced = Directory.GetFiles(dir, "*.csv").Select(Path.GetFileName).Order().ToArray();
            Assert.Equal(committed, produced);
            foreach (var file in committed)
            {
                if (file == "r_version.csv")
                {
                    continue; // the R that regenerated the committed files may differ from the one installed here
                }

                var a = CsvTable.Load(Path.Combine(RReference.ExpectedDirectory, file!));
                var b = CsvTable.Load(Path.Combine(dir, file!));
                Assert.True(a.Rows.Count == b.Rows.Count, $"{file}: {a.Rows.Count} committed rows, {b.Rows.Count} produced");
                for (var i = 0; i < a.Rows.Count; i++)
                {
                    Assert.True(a.Rows[i].Length == b.Rows[i].Length, $"{file} row {i + 2}: field count differs");
                    for (var j = 0; j < a.Rows[i].Length; j++)
                    {
                        string x = a.Rows[i][j], y = b.Rows[i][j];
                        var same = x == y || (double.TryParse(x, System.Globalization.CultureInfo.InvariantCulture, out var dx)
                            && double.TryParse(y, System.Globalization.CultureInfo.InvariantCulture, out var dy)
                            && RReference.Relative(dx, dy) <= 1e-12);
                        Assert.True(same, $"{file} row {i + 2} field {j + 1}: committed '{x}', R now '{y}'. Regenerate with the command in glm_reference.R.");
                    }
                }
            }
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }
}
