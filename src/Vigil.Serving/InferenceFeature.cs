using Microsoft.AspNetCore.Server.Kestrel.Core;
using Vigil.Server.Hosting;
using Vigil.Serving.Endpoints;
using Vigil.Serving.Rpc;
using Vigil.Serving.Metrics;
using Vigil.Serving.Repository;

namespace Vigil.Serving;

/// <summary>
/// The inference service as a feature of Vigil's server: the model repository (loaded at the start), the Open Inference
/// Protocol over REST on the HTTP port and over gRPC (with reflection and the standard health service) on its own
/// HTTP/2 port, <c>POST /api/detect</c>, and per-model figures on <c>/metrics</c>. Pass it in
/// <see cref="Server.MonitoringServerSetup.Features"/>.
/// </summary>
public sealed class InferenceFeature : IServerFeature, IAsyncDisposable
{
    private readonly ServingOptions _options;

    /// <summary>Prepares the feature; the repository loads when the server starts it.</summary>
    public InferenceFeature(ServingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        Metrics = new ServingMetrics();
        Repository = new ModelRepository(options.ModelsFolder, options.Repository with
        {
            Report = (version, report) =>
            {
                Metrics.For(version.Model, version.Version).Record(report);
                options.Repository.Report?.Invoke(version, report);
            },
        });
    }

    /// <summary>The model repository.</summary>
    public ModelRepository Repository { get; }

    /// <summary>The per-model figures.</summary>
    public ServingMetrics Metrics { get; }

    /// <summary>The bound gRPC URL; set once the server has started.</summary>
    public Uri? GrpcUrl { get; private set; }

    /// <inheritdoc />
    public IReadOnlyList<int> Http2Ports => [_options.GrpcPort];

    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services)
    {
        services.AddSingleton(Repository);
        services.AddSingleton(Metrics);
        services.AddSingleton<IMetricsSource>(Metrics);
        services.AddSingleton(sp => new InferenceService(Repository, Metrics, sp.GetRequiredService<ILoggerFactory>().CreateLogger("Vigil.Serving.Requests")));
        services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = (int)Math.Min(int.MaxValue, _options.MaxRequestBytes);
            grpc.MaxSendMessageSize = null;
            grpc.EnableDetailedErrors = false;
        });
        services.AddGrpcReflection();
        services.AddGrpcHealthChecks().AddCheck("models", () => Repository.AllReady
            ? Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Healthy()
            : Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Unhealthy("not every model is ready"));
    }

    /// <inheritdoc />
    public void MapEndpoints(WebApplication app)
    {
        // A gRPC message's size is checked by gRPC itself (MaxReceiveMessageSize: RESOURCE_EXHAUSTED, stating the limit),
        // before it is buffered; the server-wide body limit (monitoring's small JSON bodies) must not cut it first.
        app.Use((context, next) =>
        {
            if (context.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true
                && context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
                size.MaxRequestBodySize = null;
            return next(context);
        });
        app.MapInferenceEndpoints(_options);
        app.MapDetectEndpoints(_options);
        app.MapGrpcService<GrpcInference>();
        app.MapGrpcReflectionService();
        app.MapGrpcHealthChecksService();
    }

    /// <inheritdoc />
    public async Task StartedAsync(IServiceProvider services, IReadOnlyList<Uri> http2Urls, CancellationToken cancellationToken)
    {
        GrpcUrl = http2Urls.FirstOrDefault();
        var log = services.GetRequiredService<ILoggerFactory>().CreateLogger("Vigil.Serving");
        await Repository.StartAsync(cancellationToken);
        foreach (ServedModel model in Repository.Models.Values)
            log.LogInformation("model {Model}: {State}", model.Name, model.Ready ? $"ready (versions {string.Join(", ", model.Versions.Keys)})" : "not ready: " + (model.Default is { } d ? ModelRepository.NotReady(d) : model.Error));
    }

    /// <inheritdoc />
    public async Task StoppingAsync() => await Repository.DisposeAsync();

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Repository.DisposeAsync();
}
