namespace FedScore.Secure.Cli.Tests;

public class SimulateCommandTests
{
    [Theory]
    [InlineData("plain")]
    [InlineData("masking")]
    [InlineData("secagg+")]
    [InlineData("paillier")]
    [InlineData("ckks")]
    [InlineData("bfv")]
    public void JsonReportHasEveryContractFieldAndIsOk(string scheme)
    {
        (int exit, var json) = CliRunner.RunJson("simulate", "--scheme", scheme, "--sites", "5", "--length", "50", "--dropouts", "1");

        Assert.Equal(0, exit);
        foreach (string field in new[] { "scheme", "sites", "length", "dropouts", "maxAbsError", "errorBound", "ok", "bytesUploadedPerSite", "clientMillis", "serverMillis", "plainServerMillis" })
        {
            Assert.True(json.TryGetProperty(field, out _), $"missing field {field}");
        }

        Assert.True(json.GetProperty("ok").GetBoolean());
        Assert.Equal(scheme, json.GetProperty("scheme").GetString());
        Assert.Equal(5, json.GetProperty("sites").GetInt32());
        Assert.Equal(1, json.GetProperty("dropped").GetArrayLength());
        Assert.True(json.GetProperty("maxAbsError").GetDouble() <= json.GetProperty("errorBound").GetDouble());
    }

    [Theory]
    [InlineData("masking", "share-keys", 2)]
    [InlineData("masking", "unmasking", 0)]
    [InlineData("secagg+", "upload", 2)]
    public void DropoutsAtLaterStagesAreRecovered(string scheme, string stage, int expectedDropped)
    {
        (int exit, var json) = CliRunner.RunJson("simulate", "--scheme", scheme, "--sites", "8", "--length", "100", "--dropouts", "2", "--dropout-stage", stage);

        Assert.Equal(0, exit);
        Assert.True(json.GetProperty("ok").GetBoolean());
        // Sites that vanish after uploading their masked vector are still part of the released sum.
        Assert.Equal(expectedDropped, json.GetProperty("dropped").GetArrayLength());
    }

    [Fact]
    public void StageCostsNameEveryMaskingStageAndTheUploadStageCarriesTheMaskedVectors()
    {
        (int exit, var json) = CliRunner.RunJson("simulate", "--scheme", "masking", "--sites", "4", "--length", "1000");

        Assert.Equal(0, exit);
        var stages = json.GetProperty("stageCosts").EnumerateArray().ToArray();
        Assert.Equal(["advertise-keys", "share-keys", "upload", "unmasking"], stages.Select(s => s.GetProperty("stage").GetString()));
        // Four sites upload at least one 32-bit word per value each in the upload stage, and far less elsewhere.
        long upload = stages[2].GetProperty("bytesUploaded").GetInt64();
        Assert.True(upload >= 4 * 1000 * 4, $"upload stage carried {upload} bytes");
        Assert.All(stages.Where((_, i) => i != 2), s => Assert.True(s.GetProperty("bytesUploaded").GetInt64() < upload / 4));
        double total = stages.Sum(s => s.GetProperty("serverMillis").GetDouble());
        Assert.Equal(json.GetProperty("serverMillis").GetDouble(), total, 3);
    }

    [Fact]
    public void DropoutAtAStageTheSchemeDoesNotHaveIsAnErrorListingItsStages()
    {
        (int exit, var json) = CliRunner.RunJson("simulate", "--scheme", "plain", "--sites", "4", "--length", "5", "--dropouts", "1", "--dropout-stage", "share-keys");

        Assert.Equal(1, exit);
        Assert.Contains("its stages are upload", json.GetProperty("error").GetString());
    }

    [Fact]
    public void TooManyDropoutsReportAFailedRoundNamingTheMissingSites()
    {
        (int exit, var json) = CliRunner.RunJson("simulate", "--scheme", "plain", "--sites", "5", "--length", "10", "--dropouts", "3", "--threshold", "3");

        Assert.Equal(1, exit);
        Assert.False(json.GetProperty("ok").GetBoolean());
        Assert.Contains("missing", json.GetProperty("error").GetString());
    }

    [Fact]
    public void UnknownSchemeIsAClearErrorListingTheKnownOnes()
    {
        (int exit, string output, string err) = CliRunner.Run("simulate", "--scheme", "rot13");

        Assert.Equal(2, exit);
        Assert.Contains("unknown scheme 'rot13'", err);
        Assert.Contains("plain", err);
    }

    [Fact]
    public void TableOutputShowsTheVerdict()
    {
        (int exit, string output, _) = CliRunner.Run("simulate", "--scheme", "plain", "--sites", "3", "--length", "10");

        Assert.Equal(0, exit);
        Assert.Contains("result within bound", output);
    }
}
