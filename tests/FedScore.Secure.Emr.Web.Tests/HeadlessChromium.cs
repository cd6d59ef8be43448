using System.Diagnostics;

namespace FedScore.Secure.Emr.Web.Tests;

/// <summary>
/// Debian's chromium run headless as a one-shot: loads a URL and prints the DOM after rendering (or saves a screenshot).
/// Each run gets a fresh profile directory and no background networking; a run that exceeds its timeout is killed with
/// its whole process tree, so a test can never hang on the browser.
/// </summary>
internal static class HeadlessChromium
{
    /// <summary>The browser: $FEDSCORE_CHROMIUM if set, else /usr/bin/chromium (what CI installs).</summary>
    public static string ExecutablePath => Environment.GetEnvironmentVariable("FEDSCORE_CHROMIUM") is { Length: > 0 } p ? p : "/usr/bin/chromium";

    public static bool IsAvailable => File.Exists(ExecutablePath);

    public static Task<string> DumpDomAsync(Uri url, TimeSpan timeout) => RunAsync(["--dump-dom", url.AbsoluteUri], timeout);

    public static Task ScreenshotAsync(Uri url, string pngPath, int width, int height, TimeSpan timeout) =>
        RunAsync([$"--screenshot={pngPath}", $"--window-size={width},{height}", "--hide-scrollbars", url.AbsoluteUri], timeout);

    private static async Task<string> RunAsync(IEnumerable<string> arguments, TimeSpan timeout)
    {
        var profile = Path.Combine(Path.GetTempPath(), $"fedscore-chromium-{Guid.NewGuid():N}");
        Directory.CreateDirectory(profile);
        var start = new ProcessStartInfo(ExecutablePath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[]
                 {
                     "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--disable-extensions", "--disable-dev-shm-usage", $"--user-data-dir={profile}",
                 })
        {
            start.ArgumentList.Add(a);
        }

        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{ExecutablePath} did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            throw new TimeoutException($"chromium did not finish within {timeout.TotalSeconds} s and was killed.");
        }
        finally
        {
            try
            {
                Directory.Delete(profile, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        var output = await stdout;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"chromium exited with {process.ExitCode}: {await stderr}");
        }

        return output;
    }
}

/// <summary>A fact that needs the browser: reported as skipped, with the reason, where chromium is not installed.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (!HeadlessChromium.IsAvailable)
        {
            Skip = $"chromium not found at {HeadlessChromium.ExecutablePath} (install Debian's chromium package or set FEDSCORE_CHROMIUM).";
        }
    }
}
