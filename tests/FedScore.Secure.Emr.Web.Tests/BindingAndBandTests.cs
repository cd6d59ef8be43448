using System.Net;
using FedScore.Secure.Emr.Model;
using Microsoft.Extensions.Logging;

namespace FedScore.Secure.Emr.Web.Tests;

public sealed class BindingAndBandTests
{
    [Theory]
    [InlineData("http://127.0.0.1:5080", "127.0.0.1", 5080)]
    [InlineData("http://localhost:0", "127.0.0.1", 0)]
    [InlineData("http://[::1]:8080", "::1", 8080)]
    [InlineData("http://127.0.0.2:80", "127.0.0.2", 80)]
    public void LoopbackUrlsAreAcceptedByDefault(string url, string address, int port)
    {
        var listen = ListenAddress.Parse(url, allowNonLoopback: false);

        Assert.Equal(IPAddress.Parse(address), listen.Address);
        Assert.Equal(port, listen.Port);
        Assert.True(listen.IsLoopback);
    }

    [Theory]
    [InlineData("http://0.0.0.0:5080")]
    [InlineData("http://192.168.1.20:5080")]
    [InlineData("http://[::]:5080")]
    public void ANonLoopbackAddressIsRefusedUnlessExplicitlyAllowed(string url)
    {
        var e = Assert.Throws<ArgumentException>(() => ListenAddress.Parse(url, allowNonLoopback: false));
        Assert.Contains("not a loopback address", e.Message);

        Assert.False(ListenAddress.Parse(url, allowNonLoopback: true).IsLoopback);
    }

    [Theory]
    [InlineData("https://127.0.0.1:5080")]
    [InlineData("http://example.org:5080")]
    [InlineData("http://127.0.0.1:5080/path")]
    [InlineData("127.0.0.1:5080")]
    [InlineData("http://user@127.0.0.1:5080")]
    public void UrlsOtherThanHttpToAnIpAddressAreRefused(string url) =>
        Assert.Throws<ArgumentException>(() => ListenAddress.Parse(url, allowNonLoopback: true));

    [Fact]
    public void BuildingForANonLoopbackAddressLogsAWarning()
    {
        using var site = new SiteStore();
        var log = new CapturingLoggerProvider();
        var options = new WebOptions { Url = "http://0.0.0.0:0", AllowNonLoopback = true, ConfigureLogging = l => l.AddProvider(log) };

        Assert.Throws<ArgumentException>(() => ClinicianWebApp.Build(site.Store, new WebOptions { Url = "http://0.0.0.0:0" }));
        var app = ClinicianWebApp.Build(site.Store, options); // built, never started: nothing listens
        ((IDisposable)app).Dispose();

        Assert.Contains(log.Lines, l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains("non-loopback", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0.0, "low")]
    [InlineData(0.0999, "low")]
    [InlineData(0.10, "moderate")]
    [InlineData(0.2999, "moderate")]
    [InlineData(0.30, "high")]
    [InlineData(1.0, "high")]
    public void RisksFallInTheirBand(double risk, string band) =>
        Assert.Equal(band, RiskBands.Default.BandOf(risk).Name);

    [Fact]
    public void BandsMustStartAtZeroAndIncrease()
    {
        Assert.Throws<ArgumentException>(() => new RiskBands([new RiskBand("a", 0.1, "low")]));
        Assert.Throws<ArgumentException>(() => RiskBands.FromThresholds(0.3, 0.3));
        Assert.Throws<ArgumentException>(() => RiskBands.FromThresholds(0.3, 1.5));
    }

    [Fact]
    public void TheFirstMatchingBinScoresEachVariable()
    {
        var e = SiteStore.Encounter("x", age: 60, heartRate: double.NaN, lactate: 4, spo2: 90, creatinine: 1.2);
        var score = CaseResult.Compute(SiteStore.Card, e.Values);

        // Bins are half-open [lower, upper): 60 → [60,80) = 9, lactate 4 → ≥4 = 11, SpO2 90 → [90,95) = 3,
        // creatinine 1.2 → [1.2,2) = 3, missing heart rate → the missing bin = 1.
        Assert.Equal([9, 1, 11, 3, 3], score.Rows.Select(r => r.Points));
        Assert.Equal(27, score.Total);
        Assert.Equal(SiteStore.Card.RiskOf(27), score.Risk);
    }

    [Fact]
    public void EnteredTextIsParsedInInvariantCultureAndEmptyMeansMissing()
    {
        var fields = new Dictionary<string, string> { ["Age"] = " 72.5 ", ["Vital_A"] = "", ["Lab_H"] = "2e0" };
        var entered = EnteredCase.Parse(SiteStore.Card, n => fields.GetValueOrDefault(n));

        Assert.Empty(entered.Errors);
        Assert.Equal(72.5, entered.Values[CommonDataModel.IndexOf("Age")]);
        Assert.Equal(2.0, entered.Values[CommonDataModel.IndexOf("Lab_H")]);
        Assert.True(double.IsNaN(entered.Values[CommonDataModel.IndexOf("Vital_A")]));
        Assert.True(double.IsNaN(entered.Values[CommonDataModel.IndexOf("Lab_D")]));
    }
}
