using Vigil.Monitoring.Live;

namespace Vigil.Server.Hosting;

/// <summary>Samples the machine every second and pushes a <c>system</c> message (coalesced per client like the rest).</summary>
internal sealed class SystemSamplingService(MonitoringSession session, ILogger<SystemSamplingService> log) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, session.Time);
        try
        {
            do
            {
                try
                {
                    session.Hub.Publish("system", session.Sampler.Sample());
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
                {
                    log.LogWarning(e, "system sampling failed; trying again in a second");
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Server stopping.
        }
    }
}
