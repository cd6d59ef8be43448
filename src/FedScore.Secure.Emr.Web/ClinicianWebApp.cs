using System.Net;
using FedScore.Secure.Emr.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FedScore.Secure.Emr.Web;

/// <summary>
/// The clinician page as an ASP.NET Core application over a site store: the stored score table, a picker of current
/// encounters, a form to enter values, and a case's points, total, estimated risk and risk band. Server-rendered HTML,
/// no script, GET only (a URL identifies a view). Listens on loopback unless told otherwise.
/// </summary>
public static class ClinicianWebApp
{
    /// <summary>Category of the page's own log messages (never patient data: no ids, values or query strings).</summary>
    public const string LogCategory = "FedScore.Secure.Emr.Web";

    /// <summary>
    /// Builds (does not start) the application. The store is only read. Throws <see cref="ArgumentException"/> for a
    /// bad or non-loopback URL (unless <see cref="WebOptions.AllowNonLoopback"/>).
    /// </summary>
    public static WebApplication Build(IEmrStore store, WebOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        options ??= new WebOptions();
        var listen = ListenAddress.Parse(options.Url, options.AllowNonLoopback);
        if (options.MaxListedEncounters < 1)
        {
            throw new ArgumentException("MaxListedEncounters must be at least 1.", nameof(options));
        }

        // The empty builder reads no configuration files or environment variables: nothing outside this code can
        // re-enable request logging (which would write query strings, i.e. patient values) or change the address.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(ClinicianWebApp).Assembly.GetName().Name,
            EnvironmentName = Environments.Production,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(listen.Address, listen.Port);
        });
        ConfigureLogging(builder.Logging, options);

        var app = builder.Build();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(LogCategory);
        if (!listen.IsLoopback)
        {
            logger.LogWarning(
                "Listening on non-loopback address {Address}:{Port}: patient data is served over plain HTTP to the network. Put an authenticating TLS reverse proxy in front.",
                listen.Address, listen.Port);
        }

        var handler = new ClinicianRequestHandler(new ReadOnlyEmrView(store), options, listen, logger);
        app.Run(handler.HandleAsync);
        return app;
    }

    /// <summary>The addresses Kestrel bound (with the actual port when 0 was asked); valid after the app started.</summary>
    public static IReadOnlyList<Uri> BoundAddresses(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var feature = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>();
        return [.. (feature?.Addresses ?? []).Select(a => new Uri(a))];
    }

    private static void ConfigureLogging(ILoggingBuilder logging, WebOptions options)
    {
        if (options.ConfigureLogging is { } configure)
        {
            configure(logging);
        }
        else
        {
            logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
            logging.AddFilter(LogCategory, LogLevel.Information);
        }

        // ASP.NET Core's own request logs (hosting diagnostics at Information, Kestrel's bad-request and connection
        // logs at Debug) contain request lines, i.e. encounter ids and entered values from the query string.
        // Only warnings and errors from the framework pass, and those carry no request line.
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        logging.AddFilter("Microsoft.AspNetCore.Server.Kestrel.BadRequests", LogLevel.None);
        logging.AddFilter("Microsoft.AspNetCore.HttpLogging", LogLevel.None);
    }
}
