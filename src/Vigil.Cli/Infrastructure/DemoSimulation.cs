using Vigil.Core;
using Vigil.Core.Runs;
using Vigil.Monitoring.Configuration;
using Vigil.Monitoring.Simulation;
using Vigil.Server;

namespace Vigil.Cli.Infrastructure;

/// <summary><c>vigil demo --simulate</c>: a simulated clinical run played through the live monitor, no training.</summary>
public static class DemoSimulation
{
    /// <summary>Starts the monitor, plays the profile's run (pause/resume/stop from the API act on it), prints a summary.</summary>
    /// <returns>The exit code: 0 when the run completed, 130 when it was stopped.</returns>
    public static async Task<int> RunAsync(MonitoringOptions options, bool anyPortIfBusy, string? profilePath, int? epochs, double epochSeconds, int seed, CancellationToken token)
    {
        if (epochs is < 1) throw new UserInputException("--epochs must be at least 1 with --simulate.");
        SimulationProfile profile = SimulationLauncher.LoadProfile(profilePath);
        var pace = new SimulationOptions { Epochs = epochs, EpochSeconds = SimulationLauncher.CheckEpochSeconds(epochSeconds), Seed = seed };
        MonitoringServer? created = null;
        var launcher = new SimulationLauncher(() => created!, profile, pace);
        options = options with { CriticalThresholds = profile.CriticalThresholds.Concat(options.CriticalThresholds).DistinctBy(t => t.Key).ToDictionary() };
        await using var server = created = await TrainingMonitor.StartServerAsync(options, new MonitoringServerSetup { Launcher = launcher.LaunchAsync }, anyPortIfBusy, token);
        Console.WriteLine($"Simulating {profile.Name} training (nothing is trained): dataset {profile.Dataset}, {profile.Images:N0} images, " +
                          $"{profile.Classes.Count} classes ({Modalities(profile)}), {epochs ?? profile.Epochs} epochs of {epochSeconds:0.##} s");
        Console.WriteLine($"Critical classes: {string.Join(", ", profile.CriticalThresholds.Select(t => $"{t.Key} ≥ {t.Value:0.00}"))}");
        Console.WriteLine($"Monitor: {server.Url}  (REST {server.Url}api/status, WebSocket /ws; pause/resume/stop: POST {server.Url}api/training/pause|resume|stop)");
        string runId = launcher.Launch(epochs, progress: true);
        using var registration = token.Register(() => _ = launcher.StopAsync("interrupted (Ctrl-C)"));
        RunStatus status = await launcher.Current!;
        // A run started again from the API (Start in the dashboard) replaces the first; wait for the latest.
        while (launcher.Current is { IsCompleted: false } later) status = await later;
        Console.WriteLine($"Simulation {(status == RunStatus.Completed ? "complete" : "stopped")}: run {runId} is in {Monitoring.Storage.MetricStores.Describe(options.DbPath)}");
        if (status == RunStatus.Completed) await DemoMonitoring.HoldAsync(server.Url!, token);
        await launcher.StopAsync("the demo is ending");
        return status == RunStatus.Completed ? ExitCodes.Ok : ExitCodes.Interrupted;
    }

    /// <summary>"18 fundus + 10 OCT": the profile's classes per modality.</summary>
    public static string Modalities(SimulationProfile profile) =>
        string.Join(" + ", profile.Classes.GroupBy(c => c.Modality).Select(g => $"{g.Count()} {(g.Key.Length <= 3 ? g.Key.ToUpperInvariant() : g.Key)}"));
}
