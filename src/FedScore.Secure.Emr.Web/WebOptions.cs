using Microsoft.Extensions.Logging;

namespace FedScore.Secure.Emr.Web;

/// <summary>How the clinician page is served.</summary>
public sealed class WebOptions
{
    /// <summary>The default address: loopback only, so that only this machine's users reach patient data.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5080";

    /// <summary>
    /// Where to listen: one http URL with an IP literal or "localhost" (port 0 = any free port). A non-loopback address
    /// is refused unless <see cref="AllowNonLoopback"/> is set.
    /// </summary>
    public string Url { get; init; } = DefaultUrl;

    /// <summary>
    /// Explicit consent to listen on a non-loopback address. The page then serves patient data to the network over
    /// plain HTTP; a warning is logged at start (put a TLS reverse proxy with authentication in front).
    /// </summary>
    public bool AllowNonLoopback { get; init; }

    /// <summary>
    /// Host names (without port) accepted in the Host header when listening on a non-loopback address, besides the
    /// address itself. On loopback only 127.0.0.1, [::1] and localhost are accepted (defends against DNS rebinding:
    /// a web page elsewhere pointing its own name at 127.0.0.1 to read this page).
    /// </summary>
    public IReadOnlyList<string> AllowedHosts { get; init; } = [];

    /// <summary>Risk bands shown next to the estimated risk; see <see cref="RiskBands.Default"/>.</summary>
    public RiskBands RiskBands { get; init; } = RiskBands.Default;

    /// <summary>Most current encounters listed in the picker (the rest remain reachable by URL).</summary>
    public int MaxListedEncounters { get; init; } = 1000;

    /// <summary>
    /// Logging set-up (providers, levels); null writes warnings and start-up messages to the console. The privacy
    /// filters of <see cref="ClinicianWebApp"/> are applied after this and cannot be loosened by it.
    /// </summary>
    public Action<ILoggingBuilder>? ConfigureLogging { get; init; }
}
