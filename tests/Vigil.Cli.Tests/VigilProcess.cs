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
        using RunningVigil running = Start(workingDirectory, environment, args);
        return running.WaitForExit(TimeSpan.FromMinutes(5));
    }

    /// <summary>Starts <c>vigil args…</c> (stdin closed) and returns at once: the test acts while it runs.</summary>
    public static RunningVigil Start(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args)
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
        return new RunningVigil(Process.Start(start)!, "vigil " + string.Join(' ', args));
    }
}

/// <summary>A <c>vigil</c> child process under way; disposing kills it if it still runs.</summary>
public sealed class RunningVigil : IDisposable
{
    private readonly Process _process;
    private readonly string _command;
    private readonly Task<string> _stdout, _stderr;

    internal RunningVigil(Process process, string command)
    {
        _process = process;
        _command = command;
        process.StandardInput.Close();
        _stdout = process.StandardOutput.ReadToEndAsync();
        _stderr = process.StandardError.ReadToEndAsync();
    }

    /// <summary>Whether it has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Waits for it to end (killing it and throwing after <paramref name="timeout"/>).</summary>
    public CliRun WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout)) { _process.Kill(true); throw new TimeoutException(_command + " timed out"); }
        return new CliRun(_process.ExitCode, _stdout.Result, _stderr.Result);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(true);
        _process.Dispose();
    }
}
