using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Vigil.Cli.Tests;

/// <summary>
/// A real <c>vigil serve …</c> child process, as a user runs it: its URL is the first stdout line; <see cref="InterruptAsync"/>
/// sends SIGINT (what Ctrl-C sends). Disposing kills it if it is still running.
/// </summary>
public sealed class ServeProcess : IDisposable
{
    private readonly Process _process;

    private ServeProcess(Process process, Uri url)
    {
        _process = process; Url = url;
        Stderr = process.StandardError.ReadToEndAsync();
    }

    /// <summary>The URL the server printed.</summary>
    public Uri Url { get; }

    /// <summary>Everything the server writes on stderr, complete once it exits.</summary>
    public Task<string> Stderr { get; private set; }

    /// <summary>Starts <c>vigil serve ARGS</c> in <paramref name="directory"/> and waits for its URL.</summary>
    public static async Task<ServeProcess> StartAsync(string directory, params string[] args)
    {
        // Through env --default-signal: a SIGINT ignored by whoever started the tests (a `nohup … &` launch) is inherited,
        // and .NET keeps an ignored SIGINT ignored; a user's terminal never ignores it. env execs dotnet (same pid).
        var start = new ProcessStartInfo("env") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        start.ArgumentList.Add("--default-signal=INT");
        start.ArgumentList.Add("dotnet");
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "vigil.dll"));
        start.ArgumentList.Add("serve");
        foreach (var a in args) start.ArgumentList.Add(a);
        var process = Process.Start(start)!;
        string? url = null;
        try { url = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)); }
        finally
        {
            if (string.IsNullOrEmpty(url)) { process.Kill(true); process.Dispose(); }
        }
        Assert.False(string.IsNullOrEmpty(url), "no URL on stdout");
        return new ServeProcess(process, new Uri(url!));
    }

    /// <summary>Sends SIGINT and returns the exit code (fails the test when it does not stop within 30 s).</summary>
    public int Interrupt()
    {
        Assert.Equal(0, kill(_process.Id, 2));
        Assert.True(_process.WaitForExit(30_000), "serve did not stop on SIGINT");
        return _process.ExitCode;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(true);
        _process.Dispose();
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
