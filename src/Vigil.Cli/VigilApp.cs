using System.CommandLine;
using Vigil.Cli.Commands;
using Vigil.Cli.Infrastructure;
using Vigil.Core;

namespace Vigil.Cli;

/// <summary>Entry point of the <c>vigil</c> command line: builds the verb tree and maps failures to exit codes.</summary>
public static class VigilApp
{
    /// <summary>Builds the root command with every verb.</summary>
    public static RootCommand BuildRoot()
    {
        var root = new RootCommand(
            "Vigil: find anomalies in medical images (MRI, CT, X-ray, fundus, OCT…) from labeled and unlabeled data.\n" +
            "Start with 'vigil demo', or organize your own images with 'vigil organize'.")
        {
            OrganizeCommand.Create(),
            DatasetsCommand.Create(),
            SampleCommand.Create(),
            TrainCommand.Create(),
            EvaluateCommand.Create(),
            DetectCommand.Create(),
            RepositoryCommand.Create(),
            DemoCommand.Create(),
            ServeCommand.Create(),
            DoctorCommand.Create(),
        };
        return root;
    }

    /// <summary>Runs the CLI and returns the process exit code.</summary>
    public static int Run(string[] args) => RunAsync(args).GetAwaiter().GetResult();

    /// <summary>Runs the CLI asynchronously; Ctrl+C cancels the running verb.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        // Before anything allocates natively (libtorch, image codecs): freed blocks stay in the process.
        Core.Runtime.NativeHeap.Tune();
        var root = BuildRoot();
        // Redirected output has no width; keep summary lines whole instead of wrapping them at 80 columns.
        if (Console.IsOutputRedirected) Spectre.Console.AnsiConsole.Profile.Width = 160;
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            // Parse errors are bad input (exit 2), reported in one place and with a pointer to the right help.
            foreach (var error in parse.Errors) Console.Error.WriteLine($"vigil: error: {Infrastructure.ParseErrorText.Friendly(error.Message)}");
            var verb = parse.CommandResult.Command;
            var name = verb == root ? "vigil" : "vigil " + string.Join(' ', Ancestry(parse));
            Console.Error.WriteLine($"Run '{name} --help' for usage.");
            return ExitCodes.BadInput;
        }
        return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
    }

    private static IEnumerable<string> Ancestry(ParseResult parse)
    {
        var names = new Stack<string>();
        for (var r = parse.CommandResult; r is not null && r.Parent is System.CommandLine.Parsing.CommandResult; r = (System.CommandLine.Parsing.CommandResult)r.Parent)
            names.Push(r.Command.Name);
        return names;
    }

    /// <summary>
    /// Wraps a verb body: a full disk → exit 1 with a one-line message saying so, input errors → exit 2 with a one-line
    /// message, Ctrl+C → 130, anything else → exit 1 (with the stack trace only when VIGIL_DEBUG=1).
    /// </summary>
    public static Func<ParseResult, CancellationToken, Task<int>> Guarded(string verb, Func<ParseResult, CancellationToken, Task<int>> body) =>
        async (parse, token) =>
        {
            try { return await body(parse, token); }
            // First: a full disk can surface wrapped in an input error (an output folder that cannot be created), and it is not bad input.
            catch (Exception e) when (DiskSpace.IsFull(e))
            {
                Console.Error.WriteLine($"vigil {verb}: error: {DiskSpace.Explain(e)}");
                return ExitCodes.Failure;
            }
            catch (UserInputException e)
            {
                Console.Error.WriteLine($"vigil {verb}: error: {e.Message}");
                return ExitCodes.BadInput;
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                Console.Error.WriteLine($"vigil {verb}: interrupted; nothing partial was kept.");
                return ExitCodes.Interrupted;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                Console.Error.WriteLine($"vigil {verb}: failed: {e.Message}");
                if (Environment.GetEnvironmentVariable("VIGIL_DEBUG") == "1") Console.Error.WriteLine(e);
                else Console.Error.WriteLine("(set VIGIL_DEBUG=1 for details)");
                return ExitCodes.Failure;
            }
        };
}
