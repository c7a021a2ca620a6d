using System.Net.Http.Headers;
using Grpc.Core;
using Grpc.Net.Client;
using Vigil.Cli.Tests;
using Vigil.Monitoring.Configuration;
using Vigil.Server;
using Vigil.Serving.Repository;

namespace Vigil.Serving.Tests;

/// <summary>
/// A real server (Kestrel, both ports) hosting the inference feature over a model folder, with a real HttpClient and
/// a real gRPC channel to it. The folder is not watched unless asked, so reloads happen when a test rescans.
/// </summary>
public sealed class InferenceHost : IAsyncDisposable
{
    private readonly TempFolder _logs;

    private InferenceHost(MonitoringServer server, InferenceFeature feature, string? token, TempFolder logs)
    {
        _logs = logs;
        Server = server;
        Feature = feature;
        Http = new HttpClient { BaseAddress = server.Url, Timeout = TimeSpan.FromMinutes(2) };
        if (token is not null) Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Channel = GrpcChannel.ForAddress(feature.GrpcUrl!);
        Grpc = new Inference.GRPCInferenceService.GRPCInferenceServiceClient(Channel);
    }

    public MonitoringServer Server { get; }
    public InferenceFeature Feature { get; }
    public HttpClient Http { get; }
    public GrpcChannel Channel { get; }
    public Inference.GRPCInferenceService.GRPCInferenceServiceClient Grpc { get; }

    public static async Task<InferenceHost> StartAsync(string models, bool monitoring = false, bool watch = false, long maxRequestBytes = 64L << 20,
        string? token = null, TimeProvider? time = null)
    {
        var logs = new TempFolder();
        var options = new MonitoringOptions
        {
            Host = "127.0.0.1", Port = 0, LogDirectory = logs.Path, DbPath = Path.Combine(logs.Path, "monitoring.db"),
            Token = token, RequireToken = token is null ? null : true,
        };
        var feature = new InferenceFeature(new ServingOptions
        {
            ModelsFolder = models, GrpcPort = 0, MaxRequestBytes = maxRequestBytes,
            Repository = new RepositoryOptions { Watch = watch, PollInterval = TimeSpan.FromSeconds(1), Debounce = TimeSpan.FromMilliseconds(100), Time = time ?? TimeProvider.System },
        });
        var server = new MonitoringServer(options, new MonitoringServerSetup { Monitoring = monitoring, SampleSystem = false, Features = [feature] });
        await server.StartAsync();
        return new InferenceHost(server, feature, token, logs);
    }

    /// <summary>The served version's batcher, to hold it (nothing runs) while a test arranges the queue.</summary>
    public IDisposable Hold(string model, string? version = null) => Feature.Repository.Find(model, version).Batcher!.Hold();

    /// <summary>Requests waiting in the version's queue.</summary>
    public int Waiting(string model, string? version = null) => Feature.Repository.Find(model, version).Batcher!.Waiting;

    /// <summary>Waits (without timing anything) until <paramref name="condition"/> holds; fails after a generous minute.</summary>
    public static async Task Until(Func<bool> condition, string what)
    {
        for (int i = 0; i < 600 && !condition(); i++) await Task.Delay(100);
        Assert.True(condition(), what);
    }

    public static Metadata Bearer(string token) => new() { { "authorization", "Bearer " + token } };

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        Channel.Dispose();
        await Server.DisposeAsync();
        _logs.Dispose();
    }
}
