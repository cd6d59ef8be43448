using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using FedScore.Secure.Emr.CaseScoring;
using FedScore.Secure.Emr.Model;

namespace FedScore.Secure.Emr.Web.Tests;

/// <summary>Reads the marked-up parts of a rendered page (ids and data attributes) and the scoring they should show.</summary>
internal static partial class PageText
{
    /// <summary>Decoded text of the element with this id (the page's outputs hold text only).</summary>
    public static string? ById(string html, string id)
    {
        var m = Regex.Match(html, $"<(\\w+)[^>]*\\bid=\"{Regex.Escape(id)}\"[^>]*>(.*?)</\\1>", RegexOptions.Singleline);
        return m.Success ? WebUtility.HtmlDecode(Regex.Replace(m.Groups[2].Value, "<[^>]+>", "")) : null;
    }

    /// <summary>Points per variable as the case table shows them ("" when the variable fell in no bin).</summary>
    public static Dictionary<string, string> Points(string html) =>
        PointsRow().Matches(html).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);

    public static string Percent(double risk) => (risk * 100).ToString("F1", CultureInfo.InvariantCulture) + " %";

    /// <summary>The score card's own scoring of a stored case (the library's, as `fedscore emr score` prints it).</summary>
    public static (Dictionary<string, int> Points, int Total, double Risk) Expected(ScoreCard card, EncounterRecord e)
    {
        var score = card.Score(e);
        return (score.Variables.ToDictionary(v => v.Variable, v => v.Points), score.Total, score.Risk);
    }

    [GeneratedRegex("<tr data-variable=\"([^\"]+)\" data-points=\"([^\"]*)\"")]
    private static partial Regex PointsRow();
}
