namespace FedScore.Secure.Emr.Web.Tests;

/// <summary>The page as a real browser renders it (Debian's chromium, headless).</summary>
public sealed class BrowserTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    [ChromiumFact]
    public async Task ABrowserShowsTheTotalRiskAndBandOfAKnownCase()
    {
        using var site = new SiteStore();
        await using var page = await RunningPage.StartAsync(site.Store);
        var expected = PageText.Expected(SiteStore.Card, site.Store.GetEncounter("ED-0003")!);

        var dom = await HeadlessChromium.DumpDomAsync(new Uri(page.Address, "/case?encounter=ED-0003"), s_timeout);

        Assert.Equal("Encounter ED-0003", PageText.ById(dom, "case-title"));
        Assert.Equal(expected.Total.ToString(System.Globalization.CultureInfo.InvariantCulture), PageText.ById(dom, "total"));
        Assert.Equal(PageText.Percent(expected.Risk), PageText.ById(dom, "risk"));
        Assert.Equal("high", PageText.ById(dom, "band"));
        Assert.Equal("version 1", PageText.ById(dom, "table-version"));
    }

    /// <summary>
    /// Renders a case page to a PNG. Set FEDSCORE_SCREENSHOT_DIR to keep it (that is how
    /// papers/screenshots/clinician-page.png is made; the store is synthetic).
    /// </summary>
    [ChromiumFact]
    public async Task ACasePageRendersToAScreenshot()
    {
        using var site = new SiteStore();
        await using var page = await RunningPage.StartAsync(site.Store);
        var png = Path.Combine(site.Folder, "clinician-page.png");

        await HeadlessChromium.ScreenshotAsync(new Uri(page.Address, "/case?encounter=ED-0001"), png, 1280, 1100, s_timeout);

        var bytes = await File.ReadAllBytesAsync(png);
        Assert.True(bytes.Length > 10_000, $"screenshot of {bytes.Length} bytes");
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
        if (Environment.GetEnvironmentVariable("FEDSCORE_SCREENSHOT_DIR") is { Length: > 0 } keep)
        {
            Directory.CreateDirectory(keep);
            File.Copy(png, Path.Combine(keep, "clinician-page.png"), overwrite: true);
        }
    }
}
