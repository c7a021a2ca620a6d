using System.Diagnostics;

namespace Vigil.Datasets.Tests.Support;

/// <summary>Runs a Python script with the system interpreter that has numpy (Debian's python3-numpy).</summary>
public static class Python
{
    public static string Interpreter => File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

    public static void Run(string script, params string[] args)
    {
        var info = new ProcessStartInfo(Interpreter) { RedirectStandardError = true, RedirectStandardOutput = true, RedirectStandardInput = true };
        info.ArgumentList.Add("-");
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        process.StandardInput.Write(script);
        process.StandardInput.Close();
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"python failed ({process.ExitCode}): {stderr.Result}{stdout}");
    }
}
