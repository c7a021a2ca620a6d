namespace Vigil.Server.Hosting;

/// <summary>
/// A host lifetime that leaves signals alone. The default one takes over SIGINT/SIGTERM to stop the web host, which
/// would swallow Ctrl-C for the process that embeds the server (<c>vigil train --monitor</c> must save a checkpoint on
/// Ctrl-C, not just stop serving). The embedding process decides when to stop, through <see cref="MonitoringServer.StopAsync"/>.
/// </summary>
internal sealed class EmbeddedHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
