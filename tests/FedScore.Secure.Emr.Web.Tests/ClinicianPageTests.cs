using System.Net;
using FedScore.Secure.Emr.Storage;

namespace FedScore.Secure.Emr.Web.Tests;

/// <summary>One synthetic site store and the page over it on real Kestrel, shared by the HTTP tests.</summary>
public sealed class PageFixture : IAsyncLifetime
{
    internal SiteStore Site { get; } = new();

    internal RunningPage Page { get; private set; } = null!;

    public async Task InitializeAsync() => Page = await RunningPage.StartAsync(Site.Store);

    public async Task DisposeAsync()
    {
        await Page.DisposeAsync();
        Site.Dispose();
    }
}

public sealed class ClinicianPageTests(PageFixture fixture) : IClassFixture<PageFixture>
{
    private HttpClient Client => fixture.Page.Client;

    private async Task<(HttpStatusCode Status, string Html)> Get(string url)
    {
        using var response = await Client.GetAsync(url);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task TheHomePageShowsTheLatestScoreTableWithItsProvenanceAndTheCurrentEncounters()
    {
        var (status, html) = await Get("/");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("version 1", PageText.ById(html, "table-version"));
        Assert.Equal("secagg+", PageText.ById(html, "table-scheme"));
        Assert.Equal("7", PageText.ById(html, "table-round"));
        Assert.Equal("3: north, south, east", PageText.ById(html, "table-sites"));
        Assert.Equal(fixture.Site.Stored!.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture) + " UTC", PageText.ById(html, "table-date"));
        Assert.Contains("<option value=\"ED-0001\">", html);
        Assert.Contains("<option value=\"ED-0005\">", html);
        Assert.DoesNotContain("TRAIN-1", html); // only current cases are listed
        Assert.Contains("[60,80)", html);       // the bins of the score table
    }

    [Theory]
    [InlineData("ED-0001")]
    [InlineData("ED-0002")]
    [InlineData("ED-0003")]
    [InlineData("ED-0005")]
    public async Task AStoredCaseShowsThePointsTotalAndRiskOfTheScoreCardsOwnScoring(string id)
    {
        var (status, html) = await Get($"/case?encounter={Uri.EscapeDataString(id)}");
        var expected = PageText.Expected(SiteStore.Card, fixture.Site.Store.GetEncounter(id)!);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal($"Encounter {id}", PageText.ById(html, "case-title"));
        Assert.Equal(expected.Points.ToDictionary(p => p.Key, p => p.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)), PageText.Points(html));
        Assert.Equal(expected.Total.ToString(System.Globalization.CultureInfo.InvariantCulture), PageText.ById(html, "total"));
        Assert.Equal(PageText.Percent(expected.Risk), PageText.ById(html, "risk"));
        Assert.Equal(RiskBands.Default.BandOf(expected.Risk).Name, PageText.ById(html, "band"));
    }

    [Fact]
    public async Task AKnownCaseHasItsHandComputedScore()
    {
        // ED-0001: age 72 → 9, heart rate 112 → 4, lactate 3.1 → 6, SpO2 93 → 3, creatinine 1.4 → 3; total 25;
        // risk 1/(1+exp(-(-4 + 0.12·25))) = 1/(1+e) = 26.9 %, in the moderate band (10–30 %).
        var (_, html) = await Get("/case?encounter=ED-0001");

        Assert.Equal("25", PageText.ById(html, "total"));
        Assert.Equal("26.9 %", PageText.ById(html, "risk"));
        Assert.Equal("moderate", PageText.ById(html, "band"));
        Assert.Contains("<option value=\"ED-0001\" selected>", html);
    }

    [Fact]
    public async Task EnteredValuesAreScoredLikeTheSameValuesStoredAsACase()
    {
        var (status, html) = await Get("/entered?version=1&Age=72&Vital_A=112&Lab_H=3.1&Vital_G=93&Lab_D=1.4");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Entered values", PageText.ById(html, "case-title"));
        Assert.Equal("25", PageText.ById(html, "total"));
        Assert.Equal("26.9 %", PageText.ById(html, "risk"));
        Assert.Contains("value=\"3.1\"", html); // the form keeps what was entered
    }

    [Fact]
    public async Task AnEmptyFieldIsAMissingValueScoredByTheMissingBin()
    {
        var (status, html) = await Get("/entered?Age=30&Vital_A=&Lab_H=1&Vital_G=99&Lab_D=1");
        var points = PageText.Points(html);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("1", points["Vital_A"]);
        Assert.Equal("1", PageText.ById(html, "total"));
    }

    [Fact]
    public async Task AMissingValueWithoutAMissingBinGivesNoTotalAndSaysWhy()
    {
        var (status, html) = await Get("/case?encounter=ED-0004");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Null(PageText.ById(html, "total"));
        Assert.Null(PageText.ById(html, "risk"));
        Assert.Contains("no bin for a missing value of Lab_D", PageText.ById(html, "incomplete"));
        Assert.Equal("", PageText.Points(html)["Lab_D"]);
    }

    [Fact]
    public async Task AnUnknownEncounterGivesAClearMessageAndThePickerStaysUsable()
    {
        var (status, html) = await Get("/case?encounter=NOPE-42");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("Unknown encounter.", PageText.ById(html, "message"));
        Assert.Contains("NOPE-42", PageText.ById(html, "message"));
        Assert.Contains("<select name=\"encounter\"", html);
        Assert.Null(PageText.ById(html, "total"));
    }

    [Fact]
    public async Task AnEncounterWithAnOutcomeIsScoredButMarkedAsTrainingData()
    {
        var (status, html) = await Get("/case?encounter=TRAIN-1");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("recorded outcome", html);
        Assert.NotNull(PageText.ById(html, "total"));
    }

    [Theory]
    [InlineData("Age=seventy", "Age (age (years)): not a number")]
    [InlineData("Age=72,5", "Age (age (years)): not a number")]
    [InlineData("Age=NaN", "Age (age (years)): not a number")]
    [InlineData("Age=1e400", "Age (age (years)): not a number")]
    [InlineData("Age=200", "Age (age (years)): outside the plausible range [0, 150] years")]
    [InlineData("Vital_G=101", "Vital_G (SpO2 (%)): outside the plausible range [0, 100] %")]
    [InlineData("Lab_H=123456789012345678901234567890123", "Lab_H: at most 32 characters")]
    public async Task UnusableEnteredValuesGiveAClearMessageAndNoScore(string query, string message)
    {
        var (status, html) = await Get($"/entered?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(message, PageText.ById(html, "message"));
        Assert.Null(PageText.ById(html, "total"));
        Assert.Contains("aria-invalid=\"true\"", html);
        Assert.DoesNotContain("   at ", html); // no stack trace
    }

    [Theory]
    [InlineData("/case?encounter=", HttpStatusCode.BadRequest, "Choose an encounter.")]
    [InlineData("/?version=abc", HttpStatusCode.BadRequest, "whole number")]
    [InlineData("/case?encounter=ED-0001&version=9", HttpStatusCode.NotFound, "No score table version 9 is stored")]
    [InlineData("/nowhere", HttpStatusCode.NotFound, "No such page.")]
    public async Task BadRequestsGetAClearMessage(string url, HttpStatusCode expectedStatus, string message)
    {
        var (status, html) = await Get(url);

        Assert.Equal(expectedStatus, status);
        Assert.Contains(message, PageText.ById(html, "message"));
    }

    [Fact]
    public async Task AnOverlongEncounterIdIsUnknownNotAnError()
    {
        var (status, html) = await Get($"/case?encounter={new string('x', 5000)}");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("Unknown encounter.", html);
    }

    [Fact]
    public async Task TextFromTheStoreIsHtmlEncoded()
    {
        var (_, home) = await Get("/");
        var (status, page) = await Get($"/case?encounter={Uri.EscapeDataString(SiteStore.HostileId)}");

        Assert.DoesNotContain("<b>x</b>", home);
        Assert.Contains("&lt;b&gt;x&lt;/b&gt;&amp;&#x27;&quot;", home);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.DoesNotContain("<b>x</b>", page);
        Assert.Equal($"Encounter {SiteStore.HostileId}", PageText.ById(page, "case-title"));
    }

    [Fact]
    public async Task EnteredTextIsEncodedWhenEchoedIntoTheForm()
    {
        var (status, html) = await Get($"/entered?Age={Uri.EscapeDataString("\"><script>x</script>")}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.DoesNotContain("<script>", html);
        Assert.Contains("&quot;&gt;&lt;script&gt;", html);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/case?encounter=ED-0001")]
    [InlineData("/case?encounter=NOPE")]
    [InlineData("/entered?Age=oops")]
    public async Task PagesCarrySecurityHeadersAndAreNeverCached(string url)
    {
        using var response = await Client.GetAsync(url);
        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));

        Assert.StartsWith("default-src 'self'", csp);
        Assert.Contains("script-src 'none'", csp);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        Assert.True(response.Headers.CacheControl?.NoStore);
        Assert.False(response.Headers.Contains("Server"));
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task ThePageLoadsNothingFromElsewhere()
    {
        var (_, html) = await Get("/case?encounter=ED-0001");
        using var css = await Client.GetAsync("/site.css");

        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("http://", html);
        Assert.DoesNotContain("https://", html);
        Assert.DoesNotContain("style=", html);
        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        Assert.Equal("text/css", css.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task AForeignHostNameIsRefusedAgainstDnsRebinding()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/case?encounter=ED-0001");
        request.Headers.Host = "attacker.example";
        using var response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain("ED-0001", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task LocalhostIsAnAcceptedHostName()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Host = $"localhost:{fixture.Page.Address.Port}";
        using var response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task OnlyGetIsAnswered()
    {
        using var response = await Client.PostAsync("/entered", new FormUrlEncodedContent([new("Age", "70")]));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Contains("GET", response.Content.Headers.Allow);
    }

    [Fact]
    public async Task NoEncounterIdOrEnteredValueReachesTheLog()
    {
        await Get("/case?encounter=ED-0003");
        await Get("/case?encounter=SECRET-ID-771");
        await Get("/entered?Age=71.234&Lab_H=3.777");
        await Get("/entered?Age=987654");

        var log = fixture.Page.Log.Text;
        Assert.NotEmpty(fixture.Page.Log.Lines); // the capture works (hosting logs at Debug are let through)
        Assert.DoesNotContain("ED-0003", log);
        Assert.DoesNotContain("SECRET-ID-771", log);
        Assert.DoesNotContain("71.234", log);
        Assert.DoesNotContain("3.777", log);
        Assert.DoesNotContain("987654", log);
        Assert.DoesNotContain("encounter=", log);
    }
}
