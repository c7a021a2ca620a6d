using System.CommandLine;

namespace Vigil.Cli.Infrastructure;

/// <summary>How a verb prints its result.</summary>
public enum OutputFormat
{
    /// <summary>Human-readable text (tables, summaries).</summary>
    Text,
    /// <summary>One JSON document on stdout.</summary>
    Json,
}

/// <summary>Factories for options that several verbs share, so their names and help texts are identical everywhere.</summary>
public static class CommonOptions
{
    /// <summary><c>--format text|json</c>.</summary>
    public static Option<OutputFormat> Format()
    {
        var option = new Option<OutputFormat>("--format")
        {
            Description = "Output format: text for people, json for scripts (one JSON document on stdout, logs on stderr) [default: text]",
            HelpName = "text|json",
            CustomParser = result => result.Tokens.Single().Value.ToLowerInvariant() switch
            {
                "text" => OutputFormat.Text,
                "json" => OutputFormat.Json,
                var other => Fail<OutputFormat>(result, $"--format '{other}' is not a format; use text or json."),
            },
        };
        return option;
    }

    /// <summary><c>--device auto|cpu|cuda[:N]</c>, resolved by <c>Vigil.ML.Compute.ComputeResolver</c> for every verb that computes.</summary>
    public static Option<string> Device() => new("--device")
    {
        Description = "Where tensors run: auto (CUDA when available, else CPU), cpu, cuda or cuda:N",
        DefaultValueFactory = _ => "auto",
        HelpName = "auto|cpu|cuda",
    };

    /// <summary><c>--threads N</c>: CPU threads for libtorch (default: all logical cores).</summary>
    public static Option<int?> Threads() => new("--threads")
    {
        Description = $"CPU threads for libtorch, 1 to {Environment.ProcessorCount} [default: all {Environment.ProcessorCount} logical cores]",
        HelpName = "N",
    };

    /// <summary>Reports a parse error on an option's value and returns a placeholder.</summary>
    public static T Fail<T>(System.CommandLine.Parsing.ArgumentResult result, string message)
    {
        result.AddError(message);
        return default!;
    }
}
