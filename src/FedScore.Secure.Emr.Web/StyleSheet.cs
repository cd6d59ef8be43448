namespace FedScore.Secure.Emr.Web;

/// <summary>The page's only style sheet, served from /site.css (the CSP forbids inline styles and other origins).</summary>
internal static class StyleSheet
{
    public const string Css = """
        :root { --ink: #1d2733; --muted: #5b6775; --line: #d5dbe3; --panel: #f5f7fa; --accent: #1f5f99;
                --low: #2e7d32; --moderate: #b26a00; --high: #b3261e; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--ink); background: #fff; }
        header { background: var(--accent); color: #fff; padding: .8rem 1.5rem; }
        header h1 { margin: 0; font-size: 1.35rem; }
        header h1 a { color: inherit; text-decoration: none; }
        header p { margin: .2rem 0 0; opacity: .9; font-size: .9rem; }
        main { padding: 1rem 1.5rem; max-width: 1200px; }
        footer { padding: .8rem 1.5rem; color: var(--muted); font-size: .8rem; border-top: 1px solid var(--line); }
        h2 { font-size: 1.05rem; margin: .2rem 0 .6rem; }
        .message { border-radius: 6px; padding: .6rem .9rem; margin: 0 0 1rem; }
        .message.error { background: #fdecea; border: 1px solid #f5c2bd; color: #7a1c14; }
        .message.info { background: #e8f1fb; border: 1px solid #b8d3ef; }
        .message ul { margin: .3rem 0 0; padding-left: 1.2rem; }
        .provenance { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: .6rem .9rem; margin-bottom: 1rem; }
        .provenance dl { display: flex; flex-wrap: wrap; gap: .2rem 1.4rem; margin: 0; }
        .provenance dt { color: var(--muted); font-size: .8rem; text-transform: uppercase; letter-spacing: .03em; }
        .provenance dd { margin: 0 0 0 .4rem; }
        .provenance dl > dt, .provenance dl > dd { display: inline; }
        .columns { display: flex; flex-wrap: wrap; gap: 1.5rem; align-items: flex-start; }
        .choose { flex: 1 1 420px; }
        .result { flex: 1 1 420px; border: 1px solid var(--line); border-radius: 6px; padding: .8rem 1rem; min-height: 8rem; }
        table { border-collapse: collapse; }
        th, td { padding: .2rem .5rem; text-align: left; vertical-align: baseline; }
        .num { text-align: right; font-variant-numeric: tabular-nums; }
        .entry table th { font-weight: 600; }
        .entry td.meaning, .unit, .meaning, .note, .hint { color: var(--muted); font-size: .85rem; }
        input[type=text] { width: 7rem; padding: .2rem .35rem; border: 1px solid var(--line); border-radius: 4px; font: inherit; }
        input.invalid { border-color: var(--high); background: #fdecea; }
        select { font: inherit; padding: .2rem; min-width: 12rem; }
        button { font: inherit; padding: .3rem 1rem; border: 0; border-radius: 4px; background: var(--accent); color: #fff; cursor: pointer; }
        form.pick { margin-bottom: 1.2rem; }
        table.points { width: 100%; margin-bottom: .8rem; }
        table.points thead th { border-bottom: 2px solid var(--line); }
        table.points tbody tr { border-bottom: 1px solid var(--line); }
        .summary { display: flex; flex-wrap: wrap; gap: 1.5rem; align-items: baseline; }
        .summary .label { display: block; color: var(--muted); font-size: .8rem; text-transform: uppercase; letter-spacing: .03em; }
        .summary output { font-size: 1.8rem; font-weight: 700; }
        .summary .of { color: var(--muted); }
        .summary output.band { font-size: 1.4rem; }
        .band { padding: 0 .6rem; border-radius: 4px; color: #fff; background: var(--muted); }
        .band.low { background: var(--low); }
        .band.moderate { background: var(--moderate); }
        .band.high { background: var(--high); }
        .card { margin-top: 1.5rem; }
        .variables { display: flex; flex-wrap: wrap; gap: .8rem; align-items: flex-start; }
        table.variable { border: 1px solid var(--line); border-radius: 6px; min-width: 11rem; }
        table.variable caption { text-align: left; font-weight: 600; padding: .2rem .5rem; }
        table.variable caption .meaning { display: block; font-weight: 400; }
        table.variable tr:nth-child(odd), table.risk tr:nth-child(odd) { background: var(--panel); }
        details { margin-top: .8rem; }
        summary { cursor: pointer; color: var(--accent); }
        """;
}
