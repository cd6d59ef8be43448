using Spectre.Console;

namespace FedScore.Secure.Cli;

/// <summary>Where a command writes: real console in the program, captured writers in tests.</summary>
public sealed class CliContext
{
    public CliContext(TextWriter output, TextWriter error)
    {
        Out = output;
        Error = error;
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = AnsiSupport.Detect,
            ColorSystem = ColorSystemSupport.Detect,
        });

        // Redirected output (logs, pipes, tests) has no terminal width: do not wrap lines at Spectre's default 80.
        if (System.Console.IsOutputRedirected || output != System.Console.Out)
        {
            Console.Profile.Width = 200;
        }
    }

    public TextWriter Out { get; }

    public TextWriter Error { get; }

    /// <summary>Spectre console bound to <see cref="Out"/> (tables, progress).</summary>
    public IAnsiConsole Console { get; }
}
