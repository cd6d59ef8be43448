using System.CommandLine;
using FedScore.Secure.Cli.Commands;

namespace FedScore.Secure.Cli;

public static class Program
{
    public static int Main(string[] args) => Run(args, new CliContext(Console.Out, Console.Error));

    /// <summary>Runs the command line with the given writers; errors become a message on stderr and exit code 2.</summary>
    public static int Run(string[] args, CliContext context)
    {
        var root = new RootCommand("FedScore.Secure: clinical scoring systems built across hospitals from secure aggregates")
        {
            DemoCommand.Create(context),
            SimulateCommand.Create(context),
            BenchCommand.Create(context),
            TrainCommand.Create(context),
            GlmCommand.Create(context),
            ServerCommand.Create(context),
            SiteCommand.Create(context),
            KeygenCommand.Create(context),
            ReproduceCommand.Create(context),
            EmrCommand.Create(context),
            BenchNetworkCommand.Create(context),
        };

        ParseResult parse = root.Parse(args);
        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = context.Out, Error = context.Error, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException or FormatException
                                       or MalformedMessageException or ProtocolViolationException or AggregationFailedException
                                       or Scoring.Data.DataFormatException or Scoring.Federated.DisclosureRefusedException
                                       or TimeoutException or Crypto.Identity.InvalidRosterException or Crypto.Identity.InvalidKeyFileException
                                       or Secure.Emr.Storage.EmrStoreException or Secure.Emr.Ingestion.EmrMappingException or Secure.Emr.Ingestion.IngestionException)
        {
            string message = e is ArgumentException { ParamName: { } name } ? e.Message.Replace($" (Parameter '{name}')", "") : e.Message;
            context.Error.WriteLine($"fedscore: {message}");
            return 2;
        }
    }
}
