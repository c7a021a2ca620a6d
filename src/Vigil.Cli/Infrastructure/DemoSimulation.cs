using Vigil.Core;
using Vigil.Core.Runs;
using Vigil.Monitoring.Configuration;
using Vigil.Monitoring.Simulation;

namespace Vigil.Cli.Infrastructure;

/// <summary><c>vigil demo --simulate</c>: a simulated clinical run played through the live monitor, no training.</summary>
public static class DemoSimulation
{
    /// <summary>Starts the monitor, plays the profile's run (pause/resume/stop from the API act on it), prints a summary.</summary>
    /// <returns>The exit code: 0 when the run completed, 130 when it was stopped.</returns>
    public static async Task<int> RunAsync(MonitoringOptions options, bool anyPortIfBusy, string? profilePath, int? epochs, double epochSeconds, int seed, CancellationToken token)
    {
        if (epochs is < 1) throw new UserInputException("--epochs must be at least 1 with --simulate.");
        if (!(epochSeconds >= 0 && epochSeconds <= 3600)) throw new UserInputException("--epoch-seconds must be between 0 and 3600.");
        SimulationProfile profile;
        try { profile = profilePath is null ? SimulationProfile.Retfound() : SimulationProfile.Load(profilePath); }
        catch (SimulationProfileException e) { throw new UserInputException($"--profile: {e.Message}. Start from the built-in profile's format in docs/monitoring-api.md."); }

        string runId = $"{Slug(profile.Name)}-simulated-{DateTime.UtcNow:yyyyMMdd-HHmmss}";
        var control = new TrainingControl();
        await using var live = await TrainingMonitor.StartEmbeddedAsync(options, runId, control, profile.CriticalThresholds, anyPortIfBusy, token);
        int shown = epochs ?? profile.Epochs;
        Console.WriteLine($"Simulating {profile.Name} training (nothing is trained): dataset {profile.Dataset}, {profile.Images:N0} images, " +
                          $"{profile.Classes.Count} classes ({Modalities(profile)}), {shown} epochs of {epochSeconds:0.##} s");
        Console.WriteLine($"Critical classes: {string.Join(", ", profile.CriticalThresholds.Select(t => $"{t.Key} ≥ {t.Value:0.00}"))}");
        Console.WriteLine($"Monitor: {live.Url}  (REST {live.Url}api/status, WebSocket /ws; pause/resume/stop: POST {live.Url}api/training/pause|resume|stop)");
        var events = new RunEventPublisher(runId, new CompositeObserver([new TrainingProgressObserver(), live.Observer]));
        var pace = new SimulationOptions { Epochs = epochs, EpochSeconds = epochSeconds, Seed = seed };
        RunStatus status = await TrainingSimulator.RunAsync(profile, pace, events, control, token);
        Console.WriteLine(status == RunStatus.Completed ? $"Simulation complete: run {runId} is in {options.DbPath}" : $"Simulation stopped: run {runId} is in {options.DbPath}");
        if (status == RunStatus.Completed) await DemoMonitoring.HoldAsync(live.Url, token);
        return status == RunStatus.Completed ? ExitCodes.Ok : ExitCodes.Interrupted;
    }

    private static string Modalities(SimulationProfile profile) =>
        string.Join(" + ", profile.Classes.GroupBy(c => c.Modality).Select(g => $"{g.Count()} {(g.Key.Length <= 3 ? g.Key.ToUpperInvariant() : g.Key)}"));

    private static string Slug(string name) => new(name.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray());
}
