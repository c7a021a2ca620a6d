using System.Diagnostics;

namespace Vigil.Cli.Tests;

/// <summary>Result of running the real <c>vigil</c> program.</summary>
public sealed record CliRun(int ExitCode, string Stdout, string Stderr);

/// <summary>
/// Runs the built CLI (vigil.dll next to the tests) as a child process, so exit codes, stdout/stderr separation and
/// non-terminal behaviour are exactly what a user or a script sees.
/// </summary>
public static class VigilProcess
{
    /// <summary>Runs <c>vigil args…</c> in <paramref name="workingDirectory"/> with stdin closed (not a terminal).</summary>
    public static CliRun Run(string workingDirectory, params string[] args) => Run(workingDirectory, new Dictionary<string, string>(), args);

    /// <summary>As <see cref="Run(string, string[])"/>, with extra environment variables.</summary>
    public static CliRun Run(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "vigil.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["NO_COLOR"] = "1";
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(300_000)) { process.Kill(true); throw new TimeoutException("vigil " + string.Join(' ', args) + " timed out"); }
        return new CliRun(process.ExitCode, stdout.Result, stderr.Result);
    }
}
