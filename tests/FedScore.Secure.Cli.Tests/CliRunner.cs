using System.Text.Json;

namespace FedScore.Secure.Cli.Tests;

/// <summary>Runs the command line in-process with captured output.</summary>
internal static class CliRunner
{
    public static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = Program.Run(args, new CliContext(output, error));
        return (exit, output.ToString(), error.ToString());
    }

    /// <summary>Runs a command with --json and parses the single JSON object it must print.</summary>
    public static (int Exit, JsonElement Json) RunJson(params string[] args)
    {
        (int exit, string output, string err) = Run([.. args, "--json"]);
        string text = output.Trim();
        Assert.True(text.StartsWith('{') && text.EndsWith('}'), $"expected one JSON object, got: {text}\n{err}");
        using JsonDocument doc = JsonDocument.Parse(text);
        return (exit, doc.RootElement.Clone());
    }
}
