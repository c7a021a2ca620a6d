using System.CommandLine;
using System.Runtime.InteropServices;
using Vigil.Cli.Infrastructure;
using Vigil.Core;
using Vigil.Imaging;

namespace Vigil.Cli.Commands;

/// <summary>One line of the doctor's report.</summary>
/// <param name="Component">What was checked.</param>
/// <param name="Status">"ok", "warning" (optional part missing) or "fail" (required part broken).</param>
/// <param name="Detail">Versions found, or what is wrong and how to fix it.</param>
/// <param name="Required">Whether Vigil cannot work without it.</param>
public sealed record DoctorCheck(string Component, string Status, string Detail, bool Required);

/// <summary><c>vigil doctor</c>: what Vigil found on this machine; exit 0 only when every required part works.</summary>
public static class DoctorCommand
{
    /// <summary>Creates the verb.</summary>
    public static Command Create()
    {
        var format = CommonOptions.Format();
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var command = new Command("doctor",
            "Check this machine: .NET, TorchSharp/libtorch (loads? version, threads, CUDA), image codecs and DICOM support, " +
            "and resolve --device/--threads as training will. Exits 0 only when every required part works.")
        {
            device, threads, format,
        };
        command.SetAction(VigilApp.Guarded("doctor", (parse, _) =>
        {
            var checks = RunChecks(parse.GetValue(device), parse.GetValue(threads));
            bool healthy = checks.All(c => !c.Required || c.Status != "fail");
            if (parse.GetValue(format) == OutputFormat.Json)
                JsonOutput.Write(new { healthy, vigil_version = VigilInfo.Version, checks });
            else Print(checks, healthy);
            return Task.FromResult(healthy ? ExitCodes.Ok : ExitCodes.Failure);
        }));
        return command;
    }

    /// <summary>Runs every check; never throws.</summary>
    public static IReadOnlyList<DoctorCheck> RunChecks(string? device = "auto", int? threads = null)
    {
        var checks = new List<DoctorCheck>
        {
            new("vigil", "ok", VigilInfo.Version, true),
            new(".NET", "ok", $"{RuntimeInformation.FrameworkDescription} on {RuntimeInformation.OSDescription} ({RuntimeInformation.ProcessArchitecture})", true),
            new("cpu", "ok", $"{Environment.ProcessorCount} logical cores", true),
        };
        checks.AddRange(DoctorProbes.Torch(device, threads));
        foreach (var codec in CodecProbe.Run())
            checks.Add(new DoctorCheck("codec " + codec.Codec, codec.Works ? "ok" : "fail", codec.Detail, true));
        checks.AddRange(DoctorProbes.Dicom());
        return checks;
    }

    private static void Print(IReadOnlyList<DoctorCheck> checks, bool healthy)
    {
        int width = checks.Max(c => c.Component.Length);
        foreach (var c in checks)
        {
            var mark = c.Status switch { "ok" => "ok  ", "warning" => "warn", _ => "FAIL" };
            Console.WriteLine($"  [{mark}] {c.Component.PadRight(width)}  {c.Detail}");
        }
        Console.WriteLine(healthy ? "All required parts work." : "Some required parts are broken (FAIL above); fix them and run 'vigil doctor' again.");
    }
}
