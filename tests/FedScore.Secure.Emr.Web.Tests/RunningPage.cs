using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using FedScore.Secure.Emr.Storage;

namespace FedScore.Secure.Emr.Web.Tests;

/// <summary>
/// The real application on real Kestrel at 127.0.0.1 with an ephemeral port (no TestHost), logging everything down to
/// Trace into a <see cref="CapturingLoggerProvider"/> so that the privacy filters are what keeps data out of the log.
/// </summary>
internal sealed class RunningPage : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RunningPage(WebApplication app, CapturingLoggerProvider log, Uri address)
    {
        _app = app;
        Log = log;
        Address = address;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(20) };
    }

    public Uri Address { get; }

    public HttpClient Client { get; }

    public CapturingLoggerProvider Log { get; }

    public static async Task<RunningPage> StartAsync(IEmrStore store, RiskBands? bands = null)
    {
        var log = new CapturingLoggerProvider();
        var app = ClinicianWebApp.Build(store, new WebOptions
        {
            Url = "http://127.0.0.1:0",
            RiskBands = bands ?? RiskBands.Default,
            ConfigureLogging = l => l.AddProvider(log).SetMinimumLevel(LogLevel.Trace),
        });
        await app.StartAsync();
        var address = Assert.Single(ClinicianWebApp.BoundAddresses(app));
        Assert.NotEqual(0, address.Port);
        return new RunningPage(app, log, address);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
