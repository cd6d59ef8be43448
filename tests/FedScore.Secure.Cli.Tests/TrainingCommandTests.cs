namespace FedScore.Secure.Cli.Tests;

public class TrainingCommandTests
{
    private static string Data(string file)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "FedScore.Secure.sln")))
        {
            dir = dir.Parent;
        }

        return Path.Combine(dir!.FullName, "data", file);
    }

    [Fact]
    public void TrainJsonHasTheContractFieldsAndWritesPlots()
    {
        string outDir = Path.Combine(Path.GetTempPath(), "fedscore-train-" + Guid.NewGuid().ToString("N"));
        try
        {
            (int exit, var json) = CliRunner.RunJson("train", "--data", Data("site1.csv"), "--data", Data("site2.csv"), "--scheme", "secagg+",
                "--max-variables", "4", "--variables", "3", "--ranking", "auc", "--out", outDir);

            Assert.Equal(0, exit);
            Assert.Equal(3, json.GetProperty("variables").GetArrayLength());
            foreach (string field in new[] { "cutPoints", "scoreTable", "coefficients", "aucPooled", "aucCi", "aucPerSite" })
            {
                Assert.True(json.TryGetProperty(field, out _), $"missing {field}");
            }

            double auc = json.GetProperty("aucPooled").GetDouble();
            Assert.InRange(auc, 0.6, 1.0);
            Assert.Equal(2, json.GetProperty("aucPerSite").GetArrayLength());
            Assert.True(json.GetProperty("coefficients").TryGetProperty("(Intercept)", out _));
            foreach (string file in new[] { "summary.json", "score_table.csv", "parsimony.png", "roc.png" })
            {
                Assert.True(File.Exists(Path.Combine(outDir, file)), $"{file} not written");
            }
        }
        finally
        {
            if (Directory.Exists(outDir))
            {
                Directory.Delete(outDir, recursive: true);
            }
        }
    }

    [Fact]
    public void GlmJsonGivesThePooledFitOverAllRows()
    {
        (int exit, var json) = CliRunner.RunJson("glm", "--data", Data("site1.csv"), "--data", Data("site2.csv"), "--scheme", "masking");

        Assert.Equal(0, exit);
        Assert.Equal(20_000, json.GetProperty("n").GetInt64());
        Assert.Equal(21, json.GetProperty("coefficients").EnumerateObject().Count()); // intercept + 20 predictors
        Assert.True(json.GetProperty("standardErrors").GetProperty("Age").GetDouble() > 0);
        Assert.InRange(json.GetProperty("iterations").GetInt32(), 3, 25);
        Assert.True(json.GetProperty("deviance").GetDouble() > 0);
    }

    [Fact]
    public void MissingDataFileIsAClearError()
    {
        (int exit, _, string err) = CliRunner.Run("glm", "--data", "/nonexistent/site.csv");

        Assert.Equal(2, exit);
        Assert.Contains("not found", err);
    }

    [Fact]
    public void DemoBuildsTheSameScoreAsThePooledData()
    {
        string outDir = Path.Combine(Path.GetTempPath(), "fedscore-demo-" + Guid.NewGuid().ToString("N"));
        try
        {
            (int exit, string output, string err) = CliRunner.Run("demo", "--max-variables", "5", "--variables", "4", "--out", outDir);

            Assert.True(exit == 0, output + err);
            Assert.Contains("identical to AutoScore on the pooled data", output);
            Assert.Contains("masked vectors", output);
            Assert.True(File.Exists(Path.Combine(outDir, "roc.png")));
        }
        finally
        {
            if (Directory.Exists(outDir))
            {
                Directory.Delete(outDir, recursive: true);
            }
        }
    }
}
