using System.Net;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Vigil.Core.Json;
using Vigil.Core.Runs;
using Vigil.Monitoring.Configuration;
using Vigil.Monitoring.Control;
using Vigil.Monitoring.Live;
using Vigil.Monitoring.Storage;
using Vigil.Monitoring.Systems;
using Vigil.Server.Endpoints;
using Vigil.Server.Hosting;
using Vigil.Server.Http;
using Vigil.Server.Logging;
using Vigil.Server.WebSockets;

namespace Vigil.Server;

/// <summary>
/// The monitoring server, composed in one place so every host (<c>vigil serve</c>, <c>vigil train --monitor</c>,
/// <c>vigil demo</c>, tests) starts it with one call: <c>await using var server = new MonitoringServer(options);
/// Uri url = await server.StartAsync(ct);</c>, then attach <see cref="CreateRecorder"/> to a trainer and, for pause/stop,
/// <see cref="AttachRun"/> its <see cref="TrainingControl"/>.
/// </summary>
public sealed class MonitoringServer : IAsyncDisposable
{
    private readonly MonitoringOptions _options;
    private readonly MonitoringServerSetup _setup;
    private WebApplication? _app;
    private MonitoringSession? _session;
    private InProcessTrainingController? _inProcess;
    private LiveRunController? _controller;

    /// <summary>Prepares a server; nothing is opened until <see cref="StartAsync"/>.</summary>
    public MonitoringServer(MonitoringOptions options, MonitoringServerSetup? setup = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _setup = setup ?? new MonitoringServerSetup();
    }

    /// <summary>The bound base URL (e.g. <c>http://127.0.0.1:8000/</c>); set by <see cref="StartAsync"/>.</summary>
    public Uri? Url { get; private set; }

    /// <summary>The bound URLs of the features' HTTP/2-only ports (gRPC), in the order the features name them; set by <see cref="StartAsync"/>.</summary>
    public IReadOnlyList<Uri> Http2Urls { get; private set; } = [];

    /// <summary>The live monitoring state; set by <see cref="StartAsync"/> (not with monitoring off).</summary>
    public MonitoringSession Session => _session ?? throw new InvalidOperationException("the server is not started");

    /// <summary>What the control routes drive: the run trained in this process, or the live external run that accepts control.</summary>
    public ITrainingController Controller => _setup.Controller ?? _controller ?? throw new InvalidOperationException("the server is not started");

    /// <summary>
    /// Validates the options, opens the store, binds the port and starts serving. Returns the bound URL (the real port
    /// when the options said 0).
    /// </summary>
    /// <exception cref="MonitoringOptionsException">The options are invalid.</exception>
    public async Task<Uri> StartAsync(CancellationToken cancellationToken = default)
    {
        if (_app is not null) throw new InvalidOperationException("the server is already started");
        _options.Validate();
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        ConfigureLogging(builder);
        IReadOnlyList<IServerFeature> features = _setup.Features;
        var http2Listeners = new List<ListenOptions>();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = _options.MaxBodyBytes;
            Listen(kestrel, _options.Host, _options.Port, listen => listen.Protocols = HttpProtocols.Http1AndHttp2);
            foreach (int port in features.SelectMany(f => f.Http2Ports))
                Listen(kestrel, _options.Host, port, listen =>
                {
                    listen.Protocols = HttpProtocols.Http2;
                    http2Listeners.Add(listen);
                });
            foreach (IServerFeature feature in features) feature.ConfigureKestrel(kestrel);
        });
        foreach (IServerFeature feature in features) feature.ConfigureServices(builder.Services);
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.PropertyNamingPolicy = VigilJson.Options.PropertyNamingPolicy;
            json.SerializerOptions.NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals;
            json.SerializerOptions.Encoder = VigilJson.Options.Encoder;
            json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.SnakeCaseLower));
        });
        builder.Services.AddSingleton<IHostLifetime, EmbeddedHostLifetime>();
        // Binding failures throw, so ErrorAnswers words them for the client instead of an empty 400.
        builder.Services.Configure<RouteHandlerOptions>(routing => routing.ThrowOnBadRequest = true);
        builder.Services.AddOpenApi();
        if (_options.CorsOrigins.Count > 0)
            builder.Services.AddCors(cors => cors.AddDefaultPolicy(policy => policy.WithOrigins(_options.CorsOrigins.ToArray()).AllowAnyHeader().AllowAnyMethod()));
        builder.Services.AddSingleton(_options);

        ILogger? storeLog = null;
        MonitoringSession? session = null;
        if (_setup.Monitoring)
        {
            session = await MonitoringSession.OpenAsync(_options, _setup.Store, _setup.Sampler, _setup.Time,
                e => storeLog?.LogError(e, "a background store write failed"), cancellationToken);
            _session = session;
            _inProcess = new InProcessTrainingController(session.Status, _setup.Launcher);
            _controller = new LiveRunController(_inProcess, session.Status, session.Commands);
            ITrainingController controller = Controller;
            session.ControlReaches = controller.Controls;
            builder.Services.AddSingleton(session);
            builder.Services.AddSingleton(Controller);
            if (_setup.SampleSystem) builder.Services.AddHostedService<SystemSamplingService>();
        }
        WebApplication app = builder.Build();
        storeLog = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Vigil.Server.Store");
        app.UseErrorAnswers();
        if (_options.CorsOrigins.Count > 0) app.UseCors();
        app.UseRequestGuards(_options);
        app.MapPrometheusEndpoints();
        if (session is not null)
        {
            app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) });
            app.MapOpenApi();
            app.MapStatusEndpoints();
            app.MapHistoryEndpoints();
            app.MapRunEndpoints();
            app.MapAlertEndpoints();
            app.MapSystemEndpoints();
            app.MapIngestEndpoints();
            app.MapRunCommandEndpoints();
            app.MapControlEndpoints(_setup.Datasets);
            app.MapSessionEndpoints(_options);
            app.MapWebSocketEndpoint();
        }
        foreach (IServerFeature feature in features) feature.MapEndpoints(app);
        if (session is not null) MapDashboard(app);

        try
        {
            await app.StartAsync(cancellationToken);
            _app = app;
            Http2Urls = http2Listeners.Select(l => new Uri($"http://{UrlHost(l.IPEndPoint!.Address)}:{l.IPEndPoint.Port}/")).ToList();
            foreach (IServerFeature feature in features) await feature.StartedAsync(app.Services, Http2Urls, cancellationToken);
        }
        catch
        {
            _app = null;
            await app.DisposeAsync();
            if (session is not null) await session.DisposeAsync();
            _session = null;
            throw;
        }
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Url = new Uri(address.EndsWith('/') ? address : address + "/");
        app.Logger.LogInformation("server listening on {Url} (monitoring {Monitoring}, store {Store}, token {Token})", Url, session is null ? "off" : "on",
            session is null ? "none" : Vigil.Monitoring.Storage.MetricStores.Describe(_options.DbPath), _options.TokenRequired ? "required" : "not required");
        return Url;
    }

    /// <summary>An observer that records a run trained in this process (attach it to the trainer's event publisher).</summary>
    public IRunObserver CreateRecorder() => Session.CreateRecorder();

    /// <summary>Lets the control routes pause/resume/stop a run trained in this process.</summary>
    public void AttachRun(string runId, TrainingControl control)
    {
        if (_inProcess is null) throw new InvalidOperationException("the server is not started");
        _inProcess.Attach(runId, control);
    }

    /// <summary>Stops serving (open WebSockets are closed), commits queued writes and closes the store.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (_app is { } app)
        {
            _app = null;
            foreach (IServerFeature feature in _setup.Features) await feature.StoppingAsync();
            if (_session is { } live) foreach (HubClient client in live.Hub.Clients) live.Hub.Disconnect(client);
            await app.StopAsync(cancellationToken);
            await app.DisposeAsync();
        }
        if (_session is { } session)
        {
            _session = null;
            await session.DisposeAsync();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await StopAsync();

    // Kestrel cannot pick a free port for "localhost" (two addresses); 127.0.0.1 is the same machine-only binding.
    internal static string BindUrl(MonitoringOptions options)
    {
        string host = options.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase) && options.Port == 0 ? "127.0.0.1" : options.Host;
        if (IPAddress.TryParse(host, out IPAddress? ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6) host = $"[{host}]";
        return $"http://{host}:{options.Port}";
    }

    // The endpoint BindUrl names, made in code so features can add ports of their own next to it: localhost is both
    // loopback addresses (127.0.0.1 alone when picking a free port), an address is itself, any other name every address.
    private static void Listen(KestrelServerOptions kestrel, string host, int port, Action<ListenOptions> configure)
    {
        string bare = host.Trim('[', ']');
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            if (port == 0) kestrel.Listen(IPAddress.Loopback, 0, configure);
            else kestrel.ListenLocalhost(port, configure);
        }
        else if (IPAddress.TryParse(bare, out IPAddress? address)) kestrel.Listen(address, port, configure);
        else kestrel.ListenAnyIP(port, configure);
    }

    private static string UrlHost(IPAddress address) =>
        address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();

    /// <summary>
    /// The web dashboard (web/, built into <c>wwwroot</c> next to the assembly by the build): hashed assets are served
    /// with a long cache life, and any other non-API path answers <c>index.html</c> so the app's own routes load.
    /// </summary>
    private static void MapDashboard(WebApplication app)
    {
        var root = app.Environment.WebRootFileProvider;
        if (!root.GetFileInfo("index.html").Exists) return; // built without the dashboard: the API alone
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = root,
            OnPrepareResponse = context =>
                context.Context.Response.Headers.CacheControl = context.Context.Request.Path.StartsWithSegments("/assets")
                    ? "public, max-age=31536000, immutable"
                    : "no-cache",
        });
        // Runs after routing has chosen an endpoint: only requests no API route took (and no file was found for) get the
        // app's page, so API answers (404, 405, 415) stay the API's own.
        app.Use(async (context, next) =>
        {
            PathString path = context.Request.Path;
            // An unknown API route stays a 404, not the app's HTML.
            bool page = context.GetEndpoint() is null && !ApiPaths.IsApi(path) && !Path.HasExtension(path.Value)
                        && (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method));
            if (!page)
            {
                await next(context);
                return;
            }
            context.Response.ContentType = "text/html; charset=utf-8";
            context.Response.Headers.CacheControl = "no-cache";
            await context.Response.SendFileAsync(root.GetFileInfo("index.html"));
        });
    }

    private void ConfigureLogging(WebApplicationBuilder builder)
    {
        builder.Logging.ClearProviders();
        LogLevel minimum = _options.Debug ? LogLevel.Debug : LogLevel.Information;
        builder.Logging.SetMinimumLevel(minimum);
        // Framework chatter stays out of the files unless something is wrong.
        builder.Logging.AddFilter("Microsoft", _options.Debug ? LogLevel.Information : LogLevel.Warning);
        if (!string.IsNullOrWhiteSpace(_options.LogDirectory))
            builder.Logging.AddProvider(new RotatingFileLoggerProvider(_options.LogDirectory, minimum));
        if (_options.Debug) builder.Logging.AddConsole();
    }
}

/// <summary>What a host can plug into <see cref="MonitoringServer"/> besides the options.</summary>
public sealed record MonitoringServerSetup
{
    /// <summary>A controller for the control routes; by default an in-process one (see <see cref="MonitoringServer.AttachRun"/>).</summary>
    public ITrainingController? Controller { get; init; }

    /// <summary>Starts runs for <c>POST /api/training/start</c> with the default controller.</summary>
    public TrainingLauncher? Launcher { get; init; }

    /// <summary>The organized datasets to offer for <c>POST /api/training/start</c> (<c>GET /api/training</c>), read on each request.</summary>
    public Func<IReadOnlyList<DatasetChoice>>? Datasets { get; init; }

    /// <summary>A store to use instead of the one the options name.</summary>
    public IMetricStore? Store { get; init; }

    /// <summary>A system sampler (tests pass one with GPU probing off).</summary>
    public SystemSampler? Sampler { get; init; }

    /// <summary>The clock.</summary>
    public TimeProvider? Time { get; init; }

    /// <summary>Whether to sample the machine every second and push <c>system</c> messages.</summary>
    public bool SampleSystem { get; init; } = true;

    /// <summary>Whether to serve monitoring (store, run routes, <c>/ws</c>, dashboard); off, only the features and <c>/metrics</c> are served and no store is opened.</summary>
    public bool Monitoring { get; init; } = true;

    /// <summary>Features hosted in the same server (e.g. the inference service).</summary>
    public IReadOnlyList<IServerFeature> Features { get; init; } = [];
}
