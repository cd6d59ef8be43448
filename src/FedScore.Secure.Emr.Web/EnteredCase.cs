using System.Globalization;
using FedScore.Secure.Emr.CaseScoring;
using FedScore.Secure.Emr.Model;

namespace FedScore.Secure.Emr.Web;

/// <summary>A problem with one entered value; names the variable and the rule, and never echoes the value into logs.</summary>
public sealed record EntryError(string Variable, string Message);

/// <summary>
/// Values a clinician typed for the variables of a score table, parsed in invariant culture (decimal point) and checked
/// against the common data model's plausible ranges in its canonical units. An empty field means "missing".
/// </summary>
public sealed class EnteredCase
{
    /// <summary>Longest accepted field (a number, not free text).</summary>
    public const int MaxFieldLength = 32;

    private EnteredCase(double[] values, IReadOnlyDictionary<string, string> raw, IReadOnlyList<EntryError> errors)
    {
        Values = values;
        Raw = raw;
        Errors = errors;
    }

    /// <summary>Indexed like <see cref="CommonDataModel.Variables"/>; NaN for missing or rejected values.</summary>
    public double[] Values { get; }

    /// <summary>The text entered per variable (to refill the form), possibly invalid.</summary>
    public IReadOnlyDictionary<string, string> Raw { get; }

    public IReadOnlyList<EntryError> Errors { get; }

    /// <param name="field">The entered text of a variable, or null when the field was not sent.</param>
    public static EnteredCase Parse(ScoreCard card, Func<string, string?> field)
    {
        var values = Enumerable.Repeat(double.NaN, CommonDataModel.VariableCount).ToArray();
        var raw = new Dictionary<string, string>(StringComparer.Ordinal);
        var errors = new List<EntryError>();
        foreach (var cv in card.Variables)
        {
            var variable = CommonDataModel.Get(cv.Variable);
            var text = field(variable.Name)?.Trim() ?? "";
            if (text.Length > MaxFieldLength)
            {
                errors.Add(new EntryError(variable.Name, $"{variable.Name}: at most {MaxFieldLength} characters."));
                raw[variable.Name] = text[..MaxFieldLength];
                continue;
            }

            raw[variable.Name] = text;
            if (text.Length == 0)
            {
                continue;
            }

            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
            {
                errors.Add(new EntryError(variable.Name, $"{variable.Name} ({variable.Meaning}): not a number; use digits and a decimal point, e.g. 37.5."));
            }
            else if (!variable.DefaultRange.Contains(value))
            {
                errors.Add(new EntryError(variable.Name,
                    $"{variable.Name} ({variable.Meaning}): outside the plausible range {variable.DefaultRange} {variable.CanonicalUnit}."));
            }
            else
            {
                values[CommonDataModel.IndexOf(variable.Name)] = value;
            }
        }

        return new EnteredCase(values, raw, errors);
    }
}
