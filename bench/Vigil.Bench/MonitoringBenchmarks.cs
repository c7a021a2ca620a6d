using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json;
using Vigil.Core.Runs;
using Vigil.Monitoring.Configuration;
using Vigil.Monitoring.Live;
using Vigil.Monitoring.Storage;
using Vigil.Monitoring.Systems;
using Vigil.Server;

namespace Vigil.Bench;

/// <summary>
/// The monitoring issue's targets: ingestion ≥ 50,000 points/s into the store (SQLite, or PostgreSQL given a URL);
/// 1,000,000 stored points of one series downsampled to 1,000 in &lt; 200 ms; 50 WebSocket clients at 10 Hz for 60 s with p99 latency &lt; 100 ms, no client
/// above 10 msg/s and flat server memory.
/// </summary>
public static class MonitoringBenchmarks
{
    /// <summary>Acknowledged ingestion through the batching writer: 1,000-point batches from 8 concurrent posters.</summary>
    /// <param name="work">Folder of the SQLite file.</param>
    /// <param name="points">Points to post.</param>
    /// <param name="storeUrl">A postgres:// URL to ingest into instead of a fresh SQLite file (the run is named bench-ingest-TIME there).</param>
    public static async Task Ingest(string work, int points = 1_000_000, string? storeUrl = null)
    {
        string db = storeUrl ?? Fresh(work, "ingest.db");
        await using IMetricStore store = MetricStores.Create(new MonitoringOptions { DbPath = db });
        await store.InitializeAsync();
        // A shared database may hold earlier runs: each run of the benchmark writes its own.
        string run = storeUrl is null ? "bench" : $"bench-ingest-{DateTime.UtcNow:yyyyMMddHHmmss}";
        await using var writer = new StoreWriter(store);
        string[] series = ["loss/train", "accuracy/train", "learning_rate", "throughput"];
        int batches = points / 1000;
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, batches), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (b, ct) =>
        {
            var batch = new MetricPoint[1000];
            for (int i = 0; i < batch.Length; i++)
                batch[i] = new MetricPoint(run, series[b % series.Length], (long)b * 1000 + i, i * 0.001, DateTimeOffset.UtcNow);
            await writer.AppendAsync(batch, ct);
        });
        clock.Stop();
        Console.WriteLine(Line($"monitoring-ingest ({(storeUrl is null ? "SQLite" : "PostgreSQL " + MetricStores.Describe(storeUrl))}): {batches * 1000:N0} points acknowledged in {clock.Elapsed.TotalSeconds:N2} s = {batches * 1000 / clock.Elapsed.TotalSeconds:N0} points/s (target >= 50,000)"));
    }

    /// <summary>1,000,000 points of one series, then history queries to 1,000 buckets: whole range and a window.</summary>
    /// <param name="work">Folder of the SQLite file.</param>
    /// <param name="points">Points stored.</param>
    /// <param name="storeUrl">A postgres:// URL to use instead of a fresh SQLite file (the run is named bench-downsample-TIME there).</param>
    public static async Task Downsample(string work, int points = 1_000_000, string? storeUrl = null)
    {
        string db = storeUrl ?? Fresh(work, "downsample.db");
        await using IMetricStore store = MetricStores.Create(new MonitoringOptions { DbPath = db });
        await store.InitializeAsync();
        string run = storeUrl is null ? "bench" : $"bench-downsample-{DateTime.UtcNow:yyyyMMddHHmmss}";
        for (int offset = 0; offset < points; offset += 50_000)
            await store.AppendPointsAsync(Enumerable.Range(offset, Math.Min(50_000, points - offset))
                .Select(i => new MetricPoint(run, "loss/train", i, Math.Sin(i * 0.001), DateTimeOffset.UtcNow)).ToArray());
        string kind = storeUrl is null ? "SQLite" : "PostgreSQL";
        // The last case is the dashboard opening a 100,000-point run (its charts ask 2,000 buckets): fewer whole tiles
        // than buckets but more than half as many, so one tile a bucket (TileBuckets), 1,562 buckets.
        foreach ((string name, long? from, long? to, int maxPoints) in new[]
                 {
                     ("whole range", (long?)null, (long?)null, 1000), ("window 123,457..876,543", 123_457L, 876_543L, 1000),
                     ("window 0..99,999", 0L, 99_999L, 2000),
                 })
        {
            var query = new HistoryQuery(run, ["loss/train"], from, to, maxPoints);
            await store.QueryHistoryAsync(query); // warm-up
            var times = new List<double>();
            int buckets = 0;
            for (int i = 0; i < 20; i++)
            {
                var clock = Stopwatch.StartNew();
                buckets = (await store.QueryHistoryAsync(query))[0].Buckets.Count;
                times.Add(clock.Elapsed.TotalMilliseconds);
            }
            times.Sort();
            long inRange = Math.Min(points, (to ?? points - 1) + 1) - (from ?? 0);
            Console.WriteLine(Line($"monitoring-downsample ({kind}, {name}): {inRange:N0} → {buckets} buckets, median {times[10]:N1} ms, max {times[^1]:N1} ms (target < 200 ms)"));
        }
    }

    /// <summary>
    /// <paramref name="clients"/> WebSocket clients on a real server while a simulated trainer publishes 100 batches/s;
    /// latency is receive time minus the message's timestamp (same clock).
    /// </summary>
    public static async Task FanOut(string work, int clients = 50, int seconds = 60)
    {
        string folder = Path.Combine(work, "fanout");
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        Directory.CreateDirectory(folder);
        var options = new MonitoringOptions { Host = "127.0.0.1", Port = 0, DbPath = Path.Combine(folder, "m.db"), LogDirectory = folder, WsMaxConnections = clients };
        await using var server = new MonitoringServer(options, new MonitoringServerSetup { Sampler = new SystemSampler(folder) });
        Uri url = await server.StartAsync();
        var sockets = new List<ClientWebSocket>();
        for (int i = 0; i < clients; i++)
        {
            var socket = new ClientWebSocket();
            socket.Options.DangerousDeflateOptions = new WebSocketDeflateOptions();
            await socket.ConnectAsync(new Uri($"ws://{url.Authority}/ws"), CancellationToken.None);
            sockets.Add(socket);
        }
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        var latencies = new List<double>[clients];
        var counts = new int[clients, seconds + 2];
        Task[] readers = sockets.Select((socket, c) => Task.Run(async () =>
        {
            latencies[c] = [];
            var buffer = new byte[64 * 1024];
            var start = Stopwatch.StartNew();
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    WebSocketReceiveResult result = await socket.ReceiveAsync(buffer, stop.Token);
                    if (result.MessageType == WebSocketMessageType.Close) break;
                    if (!result.EndOfMessage) continue; // small messages: one frame each
                    counts[c, Math.Min(seconds + 1, (int)start.Elapsed.TotalSeconds)]++;
                    using JsonDocument json = JsonDocument.Parse(buffer.AsMemory(0, result.Count));
                    if (json.RootElement.GetProperty("type").GetString() == "metrics_update"
                        && DateTimeOffset.TryParse(json.RootElement.GetProperty("timestamp").GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset sent))
                        latencies[c].Add((DateTimeOffset.UtcNow - sent).TotalMilliseconds);
                }
            }
            catch (OperationCanceledException) { }
        })).ToArray();

        long memoryStart = Environment.WorkingSet;
        // Memory every 10 s: "flat" means the working set and the managed heap stop growing once warmed up
        // (JIT, SQLite page cache, full rolling buffers), whatever the run's length.
        var memory = new List<string>();
        var sampler = Task.Run(async () =>
        {
            using var tick = new PeriodicTimer(TimeSpan.FromSeconds(10));
            int t = 0;
            try
            {
                while (await tick.WaitForNextTickAsync(stop.Token))
                    memory.Add($"{t += 10}s {Environment.WorkingSet / 1e6:N0}/{GC.GetGCMemoryInfo().HeapSizeBytes / 1e6:N0}");
            }
            catch (OperationCanceledException) { }
        });
        var publisher = new RunEventPublisher("fanout", server.CreateRecorder());
        publisher.Publish(new RunStarted { Phase = TrainingPhase.Supervised, ModelKind = "bench", Dataset = "bench", Classes = ["a", "b"], Epochs = 1, BatchesPerEpoch = 100 * seconds });
        int batch = 0;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        try
        {
            while (await timer.WaitForNextTickAsync(stop.Token))
                publisher.Publish(new BatchCompleted { Epoch = 1, Batch = ++batch, BatchesInEpoch = 100 * seconds, GlobalStep = batch, Loss = 1.0 / batch, LearningRate = 1e-3 });
        }
        catch (OperationCanceledException) { }
        await Task.WhenAll(readers);
        await sampler;
        long memoryEnd = Environment.WorkingSet;
        double[] all = latencies.SelectMany(l => l).Order().ToArray();
        int worstSecond = Enumerable.Range(0, clients).Max(c => Enumerable.Range(1, seconds - 1).Max(s => counts[c, s]));
        Console.WriteLine(Line($"monitoring-fanout: {clients} clients, {seconds} s, {batch} updates published; latency p50 {all[all.Length / 2]:N1} ms, p99 {all[(int)(all.Length * 0.99)]:N1} ms (target < 100); busiest client-second {worstSecond} msgs (target <= 10); working set {memoryStart / 1e6:N0} → {memoryEnd / 1e6:N0} MB; working set/managed heap MB every 10 s: {string.Join(", ", memory)}"));
        foreach (ClientWebSocket socket in sockets) socket.Dispose();
    }

    /// <summary>
    /// What one trainer batch costs the training thread in each observer while its far end is stuck: the recorder with
    /// its store held, the remote observer with nothing listening, and the hub publishing to clients that never read.
    /// The tests check that none of them waits; this says how long they take instead.
    /// </summary>
    /// <param name="work">Folder of the SQLite file.</param>
    /// <param name="batches">Batches published to each.</param>
    public static async Task Observers(string work, int batches = 20_000)
    {
        string folder = Path.Combine(work, "observers");
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        Directory.CreateDirectory(folder);
        var options = new MonitoringOptions { DbPath = Path.Combine(folder, "m.db"), Port = 0, LogDirectory = folder };
        await using (MonitoringSession session = await MonitoringSession.OpenAsync(options, sampler: new SystemSampler(folder, probeGpu: false)))
        {
            var gate = new TaskCompletionSource();
            Task held = session.Writer.RunAsync(async (_, _) => await gate.Task);
            double perBatch = PerBatch(new RunEventPublisher("bench-recorder", session.CreateRecorder()), batches);
            Console.WriteLine(Line($"monitoring-observers (recorder, store held): {batches:N0} batches, {perBatch:N1} µs per batch on the training thread; {session.Writer.Pending:N0} writes queued"));
            gate.SetResult();
            await held;
        }

        // A port nothing listens on: bound, noted and released.
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await using (var remote = new Vigil.Monitoring.Remote.RemoteRunObserver(new Uri($"http://127.0.0.1:{port}/"),
                         new Vigil.Monitoring.Remote.MonitorCallbackOptions { UpdateFrequency = 50, EnableSystemMonitoring = false }))
        {
            double perBatch = PerBatch(new RunEventPublisher("bench-remote", remote), batches);
            Console.WriteLine(Line($"monitoring-observers (remote, server unreachable): {batches:N0} batches, {perBatch:N1} µs per batch; {remote.Dropped:N0} points dropped"));
        }

        var hub = new MessageHub(1000, messagesPerSecond: 10, maxClients: 50);
        for (int i = 0; i < 50; i++) hub.TryConnect(); // none of them ever reads
        var clock = Stopwatch.StartNew();
        for (int n = 0; n < batches; n++) hub.Publish(n % 10 == 0 ? "epoch_end" : "metrics_update", new { n });
        double perMessage = clock.Elapsed.TotalMicroseconds / batches;
        Console.WriteLine(Line($"monitoring-observers (hub, 50 clients that never read): {batches:N0} messages, {perMessage:N1} µs per publish; most waiting in one client {hub.Clients.Max(c => c.Waiting)}"));
    }

    // Microseconds per batch published, after a run start and 1,000 warm-up batches.
    private static double PerBatch(RunEventPublisher publisher, int batches)
    {
        publisher.Publish(new RunStarted { Phase = TrainingPhase.Supervised, ModelKind = "bench", Dataset = "bench", Classes = ["a", "b"], Epochs = 1, BatchesPerEpoch = batches + 1000 });
        int step = 0;
        void Batch() => publisher.Publish(new BatchCompleted { Epoch = 1, Batch = ++step, BatchesInEpoch = batches + 1000, GlobalStep = step, Loss = 1.0 / step, LearningRate = 1e-3 });
        for (int i = 0; i < 1000; i++) Batch();
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < batches; i++) Batch();
        return clock.Elapsed.TotalMicroseconds / batches;
    }

    private static string Fresh(string work, string name)
    {
        string path = Path.Combine(work, name);
        foreach (string file in new[] { path, path + "-wal", path + "-shm" }) File.Delete(file);
        return path;
    }

    private static string Line(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
