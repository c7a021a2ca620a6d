using System.Diagnostics;
using Vigil.Imaging;
using Vigil.Imaging.Fuzzing;

namespace Vigil.Bench;

/// <summary>
/// Mutated real files through the registry, format by format (tests/Vigil.Imaging.Fuzzing): how many decoded, how many
/// were rejected with <see cref="ImageFormatException"/>, and the bugs (masked, unexpected, hung) that must stay at 0.
/// A native crash ends the process; the file being read then is the last one left in the work folder.
/// </summary>
public static partial class ImageFuzzBenchmarks
{
    /// <summary>Runs <paramref name="perFormat"/> mutations of every format (or of <paramref name="only"/>) with base seed <paramref name="seed"/>.</summary>
    public static int Run(string work, int perFormat, int seed, TimeSpan cap, string? only = null)
    {
        var build = Environment.GetEnvironmentVariable("VIGIL_BUILD") ?? ".build";
        var seeds = FuzzSeeds.Load(SeedFolders.Debian(Path.GetFullPath(Path.Combine(build, "..")), Path.Combine(build, "testdata")));
        var folder = Path.Combine(work, "image-fuzz");
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        var campaign = new FuzzCampaign(ImageReaderRegistry.CreateDefault(), folder, cap);
        Console.WriteLine($"image-fuzz: {perFormat:N0} mutations per format, base seed {seed}, per-case cap {cap.TotalSeconds:N0} s, {seeds.Count} seed files");
        Console.WriteLine("| format | seeds | tried | decoded | rejected | masked | unexpected | hangs | hungry | slowest ms | most allocated MiB | CPU user s | CPU sys s | wall s |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        var reports = new List<FormatReport>();
        var start = ProcessCounters.Read();
        var total = Stopwatch.StartNew();
        foreach (var format in FuzzSeeds.Formats.Where(f => only is null || f.Equals(only, StringComparison.OrdinalIgnoreCase)))
        {
            var mine = seeds.Where(s => s.Format == format).ToList();
            var before = ProcessCounters.Read();
            var clock = Stopwatch.StartNew();
            var report = campaign.Run(format, mine, perFormat, seed, c =>
            {
                if (c.Outcome is not (Outcome.Decoded or Outcome.Rejected)) Console.Error.WriteLine("  " + c);
            });
            var used = ProcessCounters.Read() - before;
            reports.Add(report);
            Console.WriteLine($"| {format} | {mine.Count} | {report.Cases.Count:N0} | {report.Count(Outcome.Decoded):N0} | {report.Count(Outcome.Rejected):N0} | "
                + $"{report.Count(Outcome.Masked)} | {report.Count(Outcome.Unexpected)} | {report.Count(Outcome.Hang)} | {report.Count(Outcome.Hungry)} | {report.Slowest.Milliseconds:N0} | "
                + $"{report.Hungriest.AllocatedBytes / 1048576.0:N1} | {used.UserSeconds:N1} | {used.SystemSeconds:N1} | {clock.Elapsed.TotalSeconds:N1} |");
        }
        var all = ProcessCounters.Read() - start;
        int bugs = reports.Sum(r => r.Failures.Count());
        Console.WriteLine($"image-fuzz: {reports.Sum(r => r.Cases.Count):N0} mutations in {total.Elapsed.TotalSeconds:N0} s; bugs (masked + unexpected + hangs + hungry): {bugs}; "
            + $"CPU user {all.UserSeconds:N1} s, sys {all.SystemSeconds:N1} s; peak RSS {all.PeakRssBytes / 1048576.0:N0} MiB");
        foreach (var r in reports)
        {
            Console.WriteLine($"  slowest {r.Format}: {r.Slowest.Milliseconds:N0} ms, {r.Slowest.Seed} case {r.Slowest.CaseSeed} [{r.Slowest.Mutation}] -> {r.Slowest.Outcome}");
            // The commonest rejections, digits folded, show which checks the mutations reach.
            var common = r.Cases.Where(c => c.Outcome == Outcome.Rejected).GroupBy(c => Digits().Replace(c.Error!.Message, "N"))
                .OrderByDescending(g => g.Count()).Take(3).Select(g => $"{g.Count()}x \"{g.Key}\"");
            Console.WriteLine($"    rejections: {string.Join("; ", common)}");
        }
        return bugs == 0 ? 0 : 1;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"[0-9][0-9,.]*")]
    private static partial System.Text.RegularExpressions.Regex Digits();
}
