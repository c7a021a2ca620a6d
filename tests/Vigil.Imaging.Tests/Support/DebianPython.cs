using System.Diagnostics;

namespace Vigil.Imaging.Tests.Support;

/// <summary>
/// Runs Debian's python3 (/usr/bin/python3, which has numpy, pydicom and PIL from Debian packages) to produce
/// files with independent encoders. Another python3 earlier on PATH may lack those modules, hence the fixed path.
/// </summary>
public static class DebianPython
{
    /// <summary>Runs a script, failing the test with python's stderr when it exits non-zero.</summary>
    public static string Run(string script, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo("/usr/bin/python3", ["-c", script])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? Directory.GetCurrentDirectory(),
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start /usr/bin/python3");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000)) { process.Kill(true); throw new TimeoutException("python3 script timed out"); }
        if (process.ExitCode != 0) throw new InvalidOperationException("python3 failed: " + stderr.Result);
        return stdout.Result;
    }
}
