using System.Globalization;
using FedScore.Secure.Emr.CaseScoring;
using FedScore.Secure.Emr.Model;

namespace FedScore.Secure.Emr.Web;

/// <summary>A notice on the page: "error" for something the clinician must fix, "info" otherwise.</summary>
internal sealed record PageMessage(string Kind, string Title, IReadOnlyList<string> Lines);

/// <summary>A scored case to show: a heading ("Encounter X" or "Entered values"), the score and its band.</summary>
internal sealed record CaseView(string Title, CaseResult Score, RiskBand? Band, string? Note);

/// <summary>Everything one page shows. Null parts are not rendered.</summary>
internal sealed record PageView(
    StoredScoreCard? Table,
    int? LatestVersion,
    IReadOnlyList<string> CurrentIds,
    int CurrentCount,
    RiskBands Bands,
    PageMessage? Message = null,
    CaseView? Case = null,
    EnteredCase? Entered = null,
    string? SelectedEncounter = null);

/// <summary>Renders the clinician page as one server-side HTML document (no script; styles from /site.css).</summary>
internal static class ClinicianPage
{
    public static string Render(PageView view)
    {
        var h = new HtmlBuilder();
        h.Add($"""
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="referrer" content="no-referrer">
            <title>FedScore · case scoring</title>
            <link rel="stylesheet" href="/site.css">
            </head>
            <body>
            <header><h1><a href="/">FedScore · case scoring</a></h1><p>Scores current cases with this site's stored score table. Decision support only: the clinician decides.</p></header>
            <main>
            """);

        if (view.Message is { } m)
        {
            h.Add($"""<div class="message {m.Kind}" id="message" role="{(m.Kind == "error" ? "alert" : "status")}"><strong>{m.Title}</strong>""");
            if (m.Lines.Count > 0)
            {
                h.Add($"<ul>");
                foreach (var line in m.Lines)
                {
                    h.Add($"<li>{line}</li>");
                }

                h.Add($"</ul>");
            }

            h.Add($"</div>\n");
        }

        if (view.Table is { } table)
        {
            h.Add($"{Provenance(table, view.LatestVersion)}\n<div class=\"columns\">\n<section class=\"choose\">{Picker(view, table)}{EntryForm(view, table)}</section>\n");
            h.Add($"<section class=\"result\">{(view.Case is { } c ? Result(c, table.Card) : new Markup("<p class=\"hint\">Pick a current encounter or enter values to see the case's points, total and estimated risk.</p>"))}</section>\n</div>\n");
            h.Add($"{ScoreTable(table.Card, view.Bands)}");
        }

        h.Add($"""
            </main>
            <footer>FedScore.Secure · the score table was built across hospitals from secure aggregates; no patient record left any site.</footer>
            </body>
            </html>

            """);
        return h.ToString();
    }

    private static Markup Provenance(StoredScoreCard t, int? latest)
    {
        var p = t.Provenance;
        var h = new HtmlBuilder();
        h.Add($"""<section class="provenance" id="provenance"><h2>Score table <span id="table-version">version {t.Version}</span></h2><dl>""");
        h.Add($"<dt>Stored</dt><dd id=\"table-date\">{t.CreatedAt.ToUniversalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC</dd>");
        h.Add($"<dt>Scheme</dt><dd id=\"table-scheme\">{p.Scheme}</dd>");
        if (p.Round is not null)
        {
            h.Add($"<dt>Round</dt><dd id=\"table-round\">{p.Round}</dd>");
        }

        if (p.Session is not null)
        {
            h.Add($"<dt>Session</dt><dd>{p.Session}</dd>");
        }

        if (p.Sites is { Count: > 0 } sites)
        {
            h.Add($"<dt>Sites</dt><dd id=\"table-sites\">{sites.Count}: {string.Join(", ", sites)}</dd>");
        }

        if (p.Note is not null)
        {
            h.Add($"<dt>Note</dt><dd>{p.Note}</dd>");
        }

        h.Add($"<dt>SHA-256</dt><dd><code title=\"{t.Sha256}\">{t.Sha256[..Math.Min(16, t.Sha256.Length)]}…</code></dd></dl>");
        if (latest is { } l && l != t.Version)
        {
            h.Add($"<p class=\"note\">A newer table (version {l}) is stored: <a href=\"/\">use the latest</a>.</p>");
        }

        h.Add($"</section>");
        return h.ToMarkup();
    }

    private static Markup Picker(PageView view, StoredScoreCard t)
    {
        var h = new HtmlBuilder();
        h.Add($"<h2>Current case</h2>");
        if (view.CurrentCount == 0)
        {
            h.Add($"<p class=\"hint\" id=\"no-current\">No current encounters (without an outcome) are stored at this site.</p>");
            return h.ToMarkup();
        }

        h.Add($"""<form method="get" action="/case" class="pick"><input type="hidden" name="version" value="{t.Version}"><label for="encounter">Encounter</label> <select name="encounter" id="encounter">""");
        foreach (var id in view.CurrentIds)
        {
            h.Add($"<option value=\"{id}\"{new Markup(id == view.SelectedEncounter ? " selected" : "")}>{id}</option>");
        }

        h.Add($"</select> <button type=\"submit\">Score</button></form>");
        if (view.CurrentCount > view.CurrentIds.Count)
        {
            h.Add($"<p class=\"note\">Listing the first {view.CurrentIds.Count} of {view.CurrentCount} current encounters; open others with /case?encounter=ID.</p>");
        }

        return h.ToMarkup();
    }

    private static Markup EntryForm(PageView view, StoredScoreCard t)
    {
        var h = new HtmlBuilder();
        h.Add($"""<h2>Enter values</h2><form method="get" action="/entered" class="entry"><input type="hidden" name="version" value="{t.Version}"><table><tbody>""");
        foreach (var cv in t.Card.Variables)
        {
            var v = CommonDataModel.Get(cv.Variable);
            var value = view.Entered?.Raw.GetValueOrDefault(v.Name) ?? "";
            var invalid = view.Entered?.Errors.Any(e => e.Variable == v.Name) == true;
            h.Add($"""<tr><th scope="row"><label for="in-{v.Name}">{v.Name}</label></th><td class="meaning">{v.Meaning}</td><td><input type="text" inputmode="decimal" autocomplete="off" maxlength="{EnteredCase.MaxFieldLength}" name="{v.Name}" id="in-{v.Name}" value="{value}"{new Markup(invalid ? " class=\"invalid\" aria-invalid=\"true\"" : "")}></td><td class="unit">{v.CanonicalUnit}</td></tr>""");
        }

        h.Add($"""</tbody></table><p class="note">Canonical units; decimal point; leave a field empty when the value is unknown.</p><button type="submit">Score</button></form>""");
        return h.ToMarkup();
    }

    private static Markup Result(CaseView c, ScoreCard card)
    {
        var h = new HtmlBuilder();
        h.Add($"<h2 id=\"case-title\">{c.Title}</h2>");
        if (c.Note is not null)
        {
            h.Add($"<p class=\"note\">{c.Note}</p>");
        }

        h.Add($"""<table class="points" id="case-points"><thead><tr><th>Variable</th><th>Value</th><th>Bin</th><th class="num">Points</th></tr></thead><tbody>""");
        foreach (var r in c.Score.Rows)
        {
            var value = double.IsNaN(r.Value) ? "missing" : $"{r.Value.ToString("G6", CultureInfo.InvariantCulture)} {r.Variable.CanonicalUnit}";
            h.Add($"""<tr data-variable="{r.Variable.Name}" data-points="{(r.Bin is null ? "" : r.Points.ToString(CultureInfo.InvariantCulture))}"><th scope="row" title="{r.Variable.Meaning}">{r.Variable.Name}</th><td>{value}</td><td>{r.Bin?.Label ?? "no bin"}</td><td class="num">{(r.Bin is null ? "–" : r.Points.ToString(CultureInfo.InvariantCulture))}</td></tr>""");
        }

        h.Add($"</tbody></table>");
        if (c.Score is { Total: { } total, Risk: { } risk })
        {
            h.Add($"""<div class="summary"><div><span class="label">Total</span> <output id="total" data-total="{total}">{total}</output><span class="of"> of {card.MaxTotal}</span></div>""");
            h.Add($"""<div><span class="label">Estimated risk</span> <output id="risk" data-risk="{risk.ToString("R", CultureInfo.InvariantCulture)}">{(risk * 100).ToString("F1", CultureInfo.InvariantCulture)} %</output></div>""");
            if (c.Band is { } band)
            {
                h.Add($"""<div><span class="label">Risk band</span> <output id="band" class="band {band.CssClass}">{band.Name}</output></div>""");
            }

            h.Add($"</div>");
        }
        else
        {
            h.Add($"<div class=\"message error\" id=\"incomplete\" role=\"alert\"><strong>No total: the score table has no bin for a missing value of {string.Join(", ", c.Score.Unscored.Select(r => r.Variable.Name))}.</strong> Enter the value to score this case.</div>");
        }

        return h.ToMarkup();
    }

    private static Markup ScoreTable(ScoreCard card, RiskBands bands)
    {
        var h = new HtmlBuilder();
        h.Add($"""<section class="card" id="score-table"><h2>Points per variable</h2><div class="variables">""");
        foreach (var cv in card.Variables)
        {
            var v = CommonDataModel.Get(cv.Variable);
            h.Add($"""<table class="variable"><caption>{v.Name} <span class="meaning">{v.Meaning}, {v.CanonicalUnit}</span></caption><tbody>""");
            foreach (var b in cv.Bins)
            {
                h.Add($"<tr><td>{b.Label}</td><td class=\"num\">{b.Points}</td></tr>");
            }

            h.Add($"</tbody></table>");
        }

        h.Add($"""</div><details><summary>Total score → estimated risk ({card.RiskTable.Count} rows; maximum total {card.MaxTotal})</summary><table class="risk"><thead><tr><th class="num">Total ≥</th><th class="num">Risk</th><th>Band</th></tr></thead><tbody>""");
        foreach (var p in card.RiskTable)
        {
            h.Add($"<tr><td class=\"num\">{p.MinTotal}</td><td class=\"num\">{(p.Risk * 100).ToString("F1", CultureInfo.InvariantCulture)} %</td><td>{bands.BandOf(p.Risk).Name}</td></tr>");
        }

        var bandText = string.Join("; ", bands.Bands.Select((b, i) => i + 1 < bands.Bands.Count
            ? $"{b.Name} from {(b.MinRisk * 100).ToString("0.#", CultureInfo.InvariantCulture)} % to below {(bands.Bands[i + 1].MinRisk * 100).ToString("0.#", CultureInfo.InvariantCulture)} %"
            : $"{b.Name} from {(b.MinRisk * 100).ToString("0.#", CultureInfo.InvariantCulture)} %"));
        h.Add($"</tbody></table></details><p class=\"note\">Risk bands (set by the site, not clinically validated): {bandText}.</p></section>");
        return h.ToMarkup();
    }
}
