using System.Globalization;
using System.Net;
using FedScore.Secure.Emr.CaseScoring;
using FedScore.Secure.Emr.Model;
using FedScore.Secure.Emr.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FedScore.Secure.Emr.Web;

/// <summary>
/// Answers every request: checks method and Host, sets the security headers, dispatches on the path, and turns every
/// failure into a page with a clear message (never a stack trace). Logs carry no ids, values or query strings.
/// </summary>
internal sealed class ClinicianRequestHandler(ReadOnlyEmrView store, WebOptions options, ListenAddress listen, ILogger logger)
{
    // default-src 'self' covers the style sheet; no script is served at all. form-action/base-uri/frame-ancestors are not
    // covered by default-src, so they are set explicitly (forms post only here; the page cannot be framed).
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private readonly HashSet<string> _allowedHosts = AllowedHosts(listen, options);

    public async Task HandleAsync(HttpContext context)
    {
        var response = context.Response;
        var headers = response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer"; // URLs carry ids and values: never hand them to another page
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers["Cross-Origin-Resource-Policy"] = "same-origin";
        headers.CacheControl = "no-store";
        headers.Pragma = "no-cache";

        int status;
        string html;
        try
        {
            if (!_allowedHosts.Contains(context.Request.Host.Host))
            {
                await WritePlain(response, StatusCodes.Status400BadRequest, "Host not accepted: open this page by the address it listens on.");
                return;
            }

            if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
            {
                headers.Allow = "GET, HEAD";
                await WritePlain(response, StatusCodes.Status405MethodNotAllowed, "Only GET is supported: this page never changes the store.");
                return;
            }

            var path = context.Request.Path.Value ?? "/";
            if (path == "/site.css")
            {
                headers.CacheControl = "max-age=300";
                headers.Remove("Pragma");
                response.ContentType = "text/css; charset=utf-8";
                await response.WriteAsync(StyleSheet.Css);
                return;
            }

            (status, html) = path switch
            {
                "/" => Home(context.Request.Query),
                "/case" => StoredCase(context.Request.Query),
                "/entered" => EnteredValues(context.Request.Query),
                _ => (StatusCodes.Status404NotFound, Bare(new PageMessage("error", "No such page.", ["Start from the home page."]))),
            };
        }
        catch (EmrStoreException e)
        {
            logger.LogError("The site store could not be read ({Reason}); request {TraceId}", e.GetType().Name, context.TraceIdentifier);
            (status, html) = (StatusCodes.Status500InternalServerError, Bare(new PageMessage("error", "The site store could not be read.", [e.Message])));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Type and stack only: an exception message might quote data.
            logger.LogError("Unexpected {Type} while answering request {TraceId} at {Site}", e.GetType().FullName, context.TraceIdentifier, e.StackTrace);
            (status, html) = (StatusCodes.Status500InternalServerError,
                Bare(new PageMessage("error", "Something went wrong while preparing this page.", [$"Reference {context.TraceIdentifier} in the server log."])));
        }

        response.StatusCode = status;
        response.ContentType = "text/html; charset=utf-8";
        await response.WriteAsync(html);
    }

    private (int, string) Home(IQueryCollection query)
    {
        if (!TryLoadTable(query, out var table, out var latest, out var failure))
        {
            return failure;
        }

        return (StatusCodes.Status200OK, ClinicianPage.Render(View(table, latest)));
    }

    private (int, string) StoredCase(IQueryCollection query)
    {
        if (!TryLoadTable(query, out var table, out var latest, out var failure))
        {
            return failure;
        }

        var id = query["encounter"].ToString().Trim();
        if (id.Length == 0)
        {
            return (StatusCodes.Status400BadRequest, ClinicianPage.Render(View(table, latest) with
            {
                Message = new PageMessage("error", "Choose an encounter.", []),
            }));
        }

        var encounter = id.Length <= EncounterRecord.MaxIdLength ? store.GetEncounter(id) : null;
        if (encounter is null)
        {
            return (StatusCodes.Status404NotFound, ClinicianPage.Render(View(table, latest) with
            {
                Message = new PageMessage("error", "Unknown encounter.", [$"No encounter with id “{Shorten(id)}” is stored at this site. Pick one from the list of current encounters."]),
            }));
        }

        var score = CaseResult.Compute(table.Card, encounter.Values);
        var note = encounter.IsCurrentCase ? null : "This encounter has a recorded outcome (training data), not a current case.";
        return (StatusCodes.Status200OK, ClinicianPage.Render(View(table, latest) with
        {
            Case = new CaseView($"Encounter {encounter.EncounterId}", score, Band(score), note),
            SelectedEncounter = encounter.EncounterId,
        }));
    }

    private (int, string) EnteredValues(IQueryCollection query)
    {
        if (!TryLoadTable(query, out var table, out var latest, out var failure))
        {
            return failure;
        }

        var entered = EnteredCase.Parse(table.Card, name => query.TryGetValue(name, out var v) ? v.ToString() : null);
        if (entered.Errors.Count > 0)
        {
            return (StatusCodes.Status400BadRequest, ClinicianPage.Render(View(table, latest) with
            {
                Message = new PageMessage("error", "Some values could not be used; nothing was scored.", [.. entered.Errors.Select(e => e.Message)]),
                Entered = entered,
            }));
        }

        var score = CaseResult.Compute(table.Card, entered.Values);
        return (StatusCodes.Status200OK, ClinicianPage.Render(View(table, latest) with
        {
            Case = new CaseView("Entered values", score, Band(score), null),
            Entered = entered,
        }));
    }

    /// <summary>The table named by ?version= (latest when absent), or the page explaining why there is none.</summary>
    private bool TryLoadTable(IQueryCollection query, out StoredScoreCard table, out int? latest, out (int, string) failure)
    {
        table = null!;
        failure = default;
        var latestTable = store.GetScoreCard(null);
        latest = latestTable?.Version;
        if (latestTable is null)
        {
            failure = (StatusCodes.Status404NotFound, Bare(new PageMessage("info", "No score table is stored yet.",
                ["A score table is stored at the site after a federated training. Until then no case can be scored here."])));
            return false;
        }

        var text = query["version"].ToString();
        if (text.Length == 0)
        {
            table = latestTable;
            return true;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var version) || version < 1)
        {
            failure = (StatusCodes.Status400BadRequest, ClinicianPage.Render(View(latestTable, latest) with
            {
                Message = new PageMessage("error", "The score table version must be a whole number from 1; showing the latest table.", []),
            }));
            return false;
        }

        var found = version == latestTable.Version ? latestTable : store.GetScoreCard(version);
        if (found is null)
        {
            failure = (StatusCodes.Status404NotFound, ClinicianPage.Render(View(latestTable, latest) with
            {
                Message = new PageMessage("error", $"No score table version {version} is stored; showing the latest (version {latestTable.Version}).", []),
            }));
            return false;
        }

        table = found;
        return true;
    }

    private PageView View(StoredScoreCard table, int? latest)
    {
        var (ids, count) = store.GetCurrentIds(options.MaxListedEncounters);
        return new PageView(table, latest, ids, count, options.RiskBands);
    }

    private RiskBand? Band(CaseResult score) => score.Risk is { } r ? options.RiskBands.BandOf(r) : null;

    private string Bare(PageMessage message) => ClinicianPage.Render(new PageView(null, null, [], 0, options.RiskBands, message));

    private static string Shorten(string id) => id.Length <= EncounterRecord.MaxIdLength ? id : id[..EncounterRecord.MaxIdLength] + "…";

    private static async Task WritePlain(HttpResponse response, int status, string text)
    {
        response.StatusCode = status;
        response.ContentType = "text/plain; charset=utf-8";
        await response.WriteAsync(text);
    }

    private static HashSet<string> AllowedHosts(ListenAddress listen, WebOptions options)
    {
        var hosts = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (listen.IsLoopback)
        {
            hosts.UnionWith(["127.0.0.1", "localhost", "[::1]"]);
        }
        else
        {
            hosts.Add(listen.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{listen.Address}]" : listen.Address.ToString());
            if (listen.Address.Equals(IPAddress.Any) || listen.Address.Equals(IPAddress.IPv6Any))
            {
                hosts.UnionWith(["127.0.0.1", "localhost", "[::1]"]);
            }

            hosts.UnionWith(options.AllowedHosts);
        }

        return hosts;
    }
}
