using System.CommandLine;
using System.Globalization;
using FedScore.Secure.Aggregation;
using FedScore.Secure.Aggregation.Federation;
using FedScore.Secure.Cli.Training;
using FedScore.Secure.Federation;
using FedScore.Secure.Scoring.Data;
using FedScore.Secure.Scoring.Federated;
using FedScore.Secure.Scoring.Statistics;
using Spectre.Console;

namespace FedScore.Secure.Cli.Commands;

/// <summary>`fedscore glm`: secure pooled-exact logistic regression on every numeric predictor, as it is.</summary>
internal static class GlmCommand
{
    public static Command Create(CliContext context)
    {
        var data = new Option<FileInfo[]>("--data") { Description = "A site's CSV file (repeat: one per site)", Required = true };
        var scheme = TrainCommand.SchemeOption();
        var outcome = new Option<string>("--outcome") { Description = "Outcome column (0/1)", DefaultValueFactory = _ => "label" };
        var json = new Option<bool>("--json") { Description = "Print exactly one JSON object" };
        var command = new Command("glm", "Pooled maximum-likelihood logistic regression across sites from secure sums of gradient, Hessian and deviance")
        {
            data, scheme, outcome, json,
        };

        command.SetAction(parse =>
        {
            var files = SiteFiles.Load(parse.GetValue(data)!, parse.GetValue(outcome)!);
            // Every row of every site takes part (a split column, if any, is ignored): all rows are the fitting set.
            var sites = files.ToDictionary(f => f.Site, f => (ISiteStatistics)new FedScoreSiteStatistics(new SiteStatistics(f.Data)));
            using var federation = new InProcessFederation(AggregationSchemes.Create(parse.GetValue(scheme)!), sites, recordTranscript: false);
            string[] predictors = files[0].Data.Predictors.Where(p => p.Kind == PredictorKind.Numeric).Select(p => p.Name).ToArray();
            GlmSummary summary = GlmSummary.From(FederatedGlm.Fit(federation, predictors));

            if (parse.GetValue(json))
            {
                context.Out.WriteLine(summary.ToJson());
                return 0;
            }

            var table = new Table().AddColumn("term").AddColumn(new TableColumn("estimate").RightAligned()).AddColumn(new TableColumn("std. error").RightAligned());
            table.Title = new TableTitle($"Logistic regression, {files.Count} sites, scheme {federation.SchemeName}: n = {summary.N}, deviance {summary.Deviance.ToString("F4", CultureInfo.InvariantCulture)}, {summary.Iterations} iterations");
            foreach ((string term, double estimate) in summary.Coefficients)
            {
                table.AddRow(Markup.Escape(term), estimate.ToString("G8", CultureInfo.InvariantCulture), summary.StandardErrors[term].ToString("G6", CultureInfo.InvariantCulture));
            }

            context.Console.Write(table);
            return 0;
        });
        return command;
    }
}
