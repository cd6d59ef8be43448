using FedScore.Secure.Scoring.Data;
using FedScore.Secure.Scoring.Federated;
using FedScore.Secure.Scoring.Modeling;
using FedScore.Secure.Scoring.Statistics;

namespace FedScore.Secure.Scoring.Tests.Federated;

public class FederatedGlmTests
{
    private static readonly string[] s_predictors = ["Age", "Lab_H", "Lab_B", "Vital_E", "Lab_I"];

    [Fact]
    public void FederatedGlmEqualsThePooledFitToOneMillionth()
    {
        var sites = TestFederations.ThreeSites();
        var federation = TestFederations.Create("plain", TestFederations.SiteStatistics(sites));
        try
        {
            var result = FederatedGlm.Fit(federation, s_predictors);

            var pooled = SiteStatistics.FromSplit(TestFederations.Pooled(sites));
            var design = new NumericDesign(s_predictors);
            var reference = NewtonLogisticSolver.Fit(b => pooled.Logistic(DataPart.Train, design, b), design.ColumnNames, options: new LogisticFitOptions { Ridge = 0 });

            Assert.True(result.Converged);
            Assert.Equal((long)reference.Count, result.N);
            Assert.Equal(["(Intercept)", .. s_predictors], result.Names);
            for (var i = 0; i < design.Columns; i++)
            {
                var name = design.ColumnNames[i];
                AssertRelative(reference.Coefficients[i], result.Coefficients[name], 1e-6, name);
                AssertRelative(reference.StandardErrors[i], result.StandardErrors[name], 1e-6, "SE " + name);
            }

            AssertRelative(reference.Deviance, result.Deviance, 1e-9, "deviance");
        }
        finally
        {
            TestFederations.Dispose(federation);
        }
    }

    [Fact]
    public void FederatedGlmIsRefusedWhenTooFewRowsForItsParameters()
    {
        var sites = TestFederations.ThreeSites();
        var federation = TestFederations.Create("plain", TestFederations.SiteStatistics(sites));
        try
        {
            var strict = new DisclosurePolicy { MinGlmRows = 1_000_000 };
            var e = Assert.Throws<DisclosureRefusedException>(() => FederatedGlm.Fit(federation, s_predictors, policy: strict));
            Assert.Contains(RequestKinds.Moments, e.Message);
        }
        finally
        {
            TestFederations.Dispose(federation);
        }
    }

    [Theory]
    [InlineData("masking")]
    [InlineData("paillier")]
    public void FederatedGlmOverASecureSchemeEqualsThePlainFitAndTheServerNeverSeesASiteVector(string scheme)
    {

        var sites = TestFederations.ThreeSites();
        var plain = TestFederations.Create("plain", TestFederations.SiteStatistics(sites));
        var masking = TestFederations.Create(scheme, TestFederations.SiteStatistics(sites));
        try
        {
            var a = FederatedGlm.Fit(plain, ["Age", "Lab_H"]);
            var b = FederatedGlm.Fit(masking, ["Age", "Lab_H"]);
            foreach (var (name, value) in a.Coefficients)
            {
                AssertRelative(value, b.Coefficients[name], 1e-6, name);
            }

            // A site's first-round vector (Σx of Age, n) must not appear in clear (as IEEE doubles) in what the server received.
            var site1 = SiteStatistics.FromSplit(sites[0]).Data(DataPart.Train);
            var ageSum = 0.0;
            foreach (var x in site1["Age"].Values)
            {
                ageSum += x;
            }

            var needle = BitConverter.GetBytes(ageSum);
            var nNeedle = BitConverter.GetBytes((double)site1.RowCount);
            foreach (var bytes in TestFederations.ReceivedByServer(masking))
            {
                Assert.False(bytes.AsSpan().IndexOf(needle) >= 0, "a site's Σ Age crossed in clear");
                Assert.False(bytes.AsSpan().IndexOf(nNeedle) >= 0, "a site's n crossed in clear");
            }
        }
        finally
        {
            TestFederations.Dispose(plain);
            TestFederations.Dispose(masking);
        }
    }

    internal static void AssertRelative(double expected, double actual, double tolerance, string what)
    {
        var scale = Math.Max(Math.Abs(expected), 1e-12);
        Assert.True(Math.Abs(expected - actual) / scale <= tolerance, $"{what}: expected {expected:R}, got {actual:R} (relative {Math.Abs(expected - actual) / scale:G3})");
    }
}
