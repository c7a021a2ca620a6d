using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace Vigil.Imaging.Dicom;

/// <summary>Outcome of a child process run.</summary>
internal sealed record ChildProcessResult(int ExitCode, bool TimedOut, string StandardOutput, string StandardError);

/// <summary>
/// Runs a helper program with a time limit. Arguments are passed as a list (no shell), output is captured up to a
/// cap so a chatty or hostile child cannot exhaust memory, and the child is killed on timeout or cancellation.
/// </summary>
internal static class ChildProcess
{
    private const int MaxCapturedChars = 16 * 1024;

    /// <exception cref="DicomException">The program cannot be started.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; the child has been killed.</exception>
    public static ChildProcessResult Run(string program, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new DicomException($"cannot start {program}");
        }
        catch (Win32Exception e)
        {
            throw new DicomException($"cannot start {program}: {e.Message}");
        }
        using (process)
        {
            process.StandardInput.Close();
            var stdout = Capture(process.StandardOutput);
            var stderr = Capture(process.StandardError);
            bool finished;
            using (cancellationToken.Register(() => Kill(process)))
                finished = process.WaitForExit(timeout);
            if (!finished) Kill(process);
            process.WaitForExit(); // reap, and let the capture tasks see end of stream
            cancellationToken.ThrowIfCancellationRequested();
            return new ChildProcessResult(finished ? process.ExitCode : -1, !finished, Result(stdout), Result(stderr));
        }
    }

    /// <summary>A short description of an exit code: signals appear as 128+n on Linux.</summary>
    public static string DescribeExit(int code) => code switch
    {
        134 => "aborted by SIGABRT, likely a failed assertion",
        139 => "crashed with SIGSEGV",
        137 => "killed by SIGKILL",
        > 128 and < 160 => $"killed by signal {code - 128}",
        _ => $"exit code {code}",
    };

    private static void Kill(Process process)
    {
        try { process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { } // already exited
        catch (Win32Exception) { }
    }

    // Reads to end of stream (so the child never blocks on a full pipe) but keeps only the first part.
    private static Task<string> Capture(StreamReader reader) => Task.Run(async () =>
    {
        var kept = new StringBuilder();
        var buffer = new char[4096];
        int read;
        while ((read = await reader.ReadAsync(buffer).ConfigureAwait(false)) > 0)
            if (kept.Length < MaxCapturedChars) kept.Append(buffer, 0, Math.Min(read, MaxCapturedChars - kept.Length));
        return kept.ToString();
    });

    private static string Result(Task<string> capture)
    {
        try { return capture.Wait(TimeSpan.FromSeconds(5)) ? capture.Result : ""; }
        catch (AggregateException) { return ""; } // the pipe broke when the child was killed
    }
}
