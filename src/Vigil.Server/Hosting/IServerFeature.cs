using System.Text;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Vigil.Server.Hosting;

/// <summary>
/// A feature the server hosts next to monitoring (or, with <see cref="MonitoringServerSetup.Monitoring"/> off, instead of
/// it): its services, its routes, and ports of its own. Every request to it passes the same guards (loopback host,
/// same origin, access token) and error answers as the monitoring routes. The inference service is one.
/// </summary>
public interface IServerFeature
{
    /// <summary>Ports this feature listens on besides the HTTP port, each speaking only HTTP/2 without TLS (gRPC), on the server's host; 0 picks a free one.</summary>
    IReadOnlyList<int> Http2Ports => [];

    /// <summary>Registers the feature's services.</summary>
    void ConfigureServices(IServiceCollection services);

    /// <summary>Adjusts the server's Kestrel settings (limits, HTTP/2 settings).</summary>
    void ConfigureKestrel(KestrelServerOptions kestrel) { }

    /// <summary>Maps the feature's routes.</summary>
    void MapEndpoints(WebApplication app);

    /// <summary>Called once the server listens; <paramref name="http2Urls"/> are the bound URLs of <see cref="Http2Ports"/>, in order.</summary>
    Task StartedAsync(IServiceProvider services, IReadOnlyList<Uri> http2Urls, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Called when the server stops, before the framework is disposed.</summary>
    Task StoppingAsync() => Task.CompletedTask;
}

/// <summary>Something with figures for <c>GET /metrics</c>: appends its series in Prometheus text format.</summary>
public interface IMetricsSource
{
    /// <summary>Appends this source's series (with their HELP and TYPE lines) to <paramref name="text"/>.</summary>
    void WriteMetrics(StringBuilder text);
}
