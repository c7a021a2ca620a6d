using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Google.Protobuf;
using Grpc.Net.Client;
using Vigil.ML.Inference;

namespace Vigil.Bench;

/// <summary>
/// <c>serve-throughput MODEL IMAGES [CLIENTS] [REQUESTS] [MAX_BATCH] [SOAK_MINUTES]</c>: the inference service as a
/// user runs it (<c>vigil serve --models DIR --no-monitor</c>, a child process) against the same model's in-process
/// <see cref="Detector"/> in this process:
/// <list type="bullet">
/// <item>images per second with CLIENTS concurrent clients, one image per request, over REST (JSON and binary) and
/// gRPC, as a share of the detector's best offline rate;</item>
/// <item>one client's median latency above one in-process detection (the service's overhead);</item>
/// <item>p50/p99 latency under an open-loop load (Poisson arrivals) at 50 % and 90 % of each transport's maximum;</item>
/// <item>the server's resident memory and CPU time over a SOAK_MINUTES run at 50 % of gRPC's maximum.</item>
/// </list>
/// </summary>
public static class ServeBenchmarks
{
    private static readonly TimeSpan LoadPhase = TimeSpan.FromSeconds(20);

    public static async Task Throughput(string work, string model, string images, int clients, int requests, int maxBatch, int soakMinutes)
    {
        var files = Directory.EnumerateFiles(images, "*.png", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Take(256).Select(File.ReadAllBytes).ToList();
        if (files.Count == 0) throw new InvalidOperationException($"no PNG files under {images}");
        Console.WriteLine($"serve-throughput: {files.Count} distinct images, {clients} clients × {requests} requests, max_batch_size {maxBatch}, soak {soakMinutes} min, {Environment.ProcessorCount} cores");

        // Set up as `vigil detect` and `vigil serve` set up their process: the same heap tuning and thread count.
        Core.Runtime.NativeHeap.Tune();
        using var detector = BenchThreads.OnOwnThread(() => Detector.Load(model, ML.Compute.ComputeResolver.Resolve(null, null).Device));
        int offlineImages = Math.Max(256, clients * requests);
        var (best, bestBatch, singleMs) = BenchThreads.OnOwnThread(() => Offline(detector, files, offlineImages));

        string repository = Path.Combine(work, "serve-models");
        if (Directory.Exists(repository)) Directory.Delete(repository, recursive: true);
        Directory.CreateDirectory(Path.Combine(repository, "m"));
        File.Copy(model, Path.Combine(repository, "m", "model.vigil"));
        File.WriteAllText(Path.Combine(repository, "m", "config.json"),
            $"{{\"max_batch_size\": {maxBatch}, \"dynamic_batching\": {{\"max_queue_size\": {Math.Max(64, clients * 4)}}}}}");
        int grpcPort = FreePort();
        using var server = StartServer(repository, grpcPort, out Uri url);
        using var http = new HttpClient { BaseAddress = url };
        await WaitReady(http);
        var before = ProcessCounters.Read(server.Id);

        // One channel (one HTTP/2 connection) per client, as separate clients have: on one shared connection the
        // server reads every call's frames in turn, which measures the shared connection rather than the service.
        var channels = Enumerable.Range(0, clients).Select(_ => GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}")).ToList();
        var grpc = channels.Select(c => new Inference.GRPCInferenceService.GRPCInferenceServiceClient(c)).ToList();
        var transports = Transports(files, http, grpc);

        // Every transport warmed up first, as the measured phases run (all clients at once), long enough for the JIT to
        // have optimised its code: a server is measured as it runs for hours, not in its first seconds, and no
        // transport pays for going first.
        foreach ((string _, Func<int, Task> call) in transports)
            await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(async () => { for (int r = 0; r < Math.Max(2, requests / 2); r++) await call(c * requests + r); })));
        async Task<double> Closed(string name, Func<int, Task> call, string label)
        {
            var (batchItems, batches) = await BatchCounts(http);
            var serverBefore = ProcessCounters.Read(server.Id);
            var clientBefore = ProcessCounters.Read();
            var watch = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(async () => { for (int r = 0; r < requests; r++) await call(c * requests + r); })));
            double rate = clients * requests / watch.Elapsed.TotalSeconds;
            // CPU per image on each side: the clients share the 2 cores with the server.
            double serverCpu = (ProcessCounters.Read(server.Id) - serverBefore).CpuSeconds * 1000 / (clients * requests);
            double clientCpu = (ProcessCounters.Read() - clientBefore).CpuSeconds * 1000 / (clients * requests);
            var (batchItemsAfter, batchesAfter) = await BatchCounts(http);
            Console.WriteLine($"  {name,-11} {clients} clients{label}: {rate,7:F1} images/s; " +
                              $"CPU per image: server {serverCpu:F1} ms, clients {clientCpu:F1} ms; mean batch {(batchItemsAfter - batchItems) / Math.Max(1, batchesAfter - batches):F1}");
            return rate;
        }
        var maxima = new Dictionary<string, double>();
        for (int t = 0; t < transports.Count; t++)
        {
            var (name, call) = transports[t];
            // The bound again, just before and just after this transport's turn: on this shared machine the CPU this
            // process gets drifts by ±15 % over a minute, so each transport is compared with the detector measured around
            // it (the mean of the two), not with the best of every measurement (a maximum of noise). Measured at the
            // sweep's best batch size and at the largest, whichever is faster: a slow moment in the sweep can crown a
            // smaller batch.
            int[] bounds = bestBatch == 32 ? [32] : [bestBatch, 32];
            double[] Bound() => bounds.Select(b => BenchThreads.OnOwnThread(() => OfflineRate(detector, files, b, offlineImages))).ToArray();
            double[] boundBefore = Bound();
            var rounds = new List<double>();
            for (int round = 0; round < 2; round++) rounds.Add(await Closed(name, call, $", round {round + 1}"));
            double[] boundAfter = Bound();
            int at = Enumerable.Range(0, bounds.Length).MaxBy(i => boundBefore[i] + boundAfter[i]);
            double bound = (boundBefore[at] + boundAfter[at]) / 2;
            maxima[name] = rounds.Average();
            Console.WriteLine($"  {name,-11} {clients} clients, mean of 2 rounds: {rounds.Average():F1} images/s = {rounds.Average() / bound:F2} of the in-process detector at batch {bounds[at]} " +
                              $"measured around them ({boundBefore[at]:F1}/s before, {boundAfter[at]:F1}/s after; {rounds.Average() / best:F2} of the first sweep's {best:F1}/s)");
            var latencies = new List<double>();
            for (int i = 0; i < 100; i++)
            {
                var one = Stopwatch.StartNew();
                await call(i);
                latencies.Add(one.Elapsed.TotalMilliseconds);
            }
            double median = Percentile(latencies, 0.5);
            Console.WriteLine($"  {name,-11} one client, one image: median {median:F2} ms = in-process {singleMs:F2} ms + {median - singleMs:F2} ms");
        }
        foreach ((string name, Func<int, Task> call) in transports)
            foreach (double share in new[] { 0.5, 0.9 })
            {
                var (latencies, offered, rejected) = await OpenLoop(call, maxima[name] * share, LoadPhase);
                Console.WriteLine($"  {name,-11} at {share:P0} of its maximum ({offered:F1}/s offered): p50 {Percentile(latencies, 0.5):F1} ms, p99 {Percentile(latencies, 0.99):F1} ms, {rejected} rejected");
            }

        if (soakMinutes > 0)
        {
            var call = transports.Single(t => t.Name == "gRPC").Call;
            double rate = maxima["gRPC"] * 0.5;
            Console.WriteLine($"  soak: gRPC at {rate:F1} images/s for {soakMinutes} min; server resident memory:");
            var rss = new List<long>();
            for (int minute = 0; minute < soakMinutes; minute++)
            {
                var metricsBefore = await Summaries(http);
                var cpuBefore = ProcessCounters.Read(server.Id);
                var (latencies, _, rejected) = await OpenLoop(call, rate, TimeSpan.FromMinutes(1));
                long now = CurrentRss(server.Id);
                rss.Add(now);
                var metricsAfter = await Summaries(http);
                var cpu = ProcessCounters.Read(server.Id) - cpuBefore;
                double Delta(string family) => metricsAfter.GetValueOrDefault(family) - metricsBefore.GetValueOrDefault(family);
                // The server's own account of the minute: a stall in its batches shows as compute time per batch, a
                // stall elsewhere (the machine, the transport) as queue time or CPU that the batches do not explain.
                Console.WriteLine($"    minute {minute + 1,2}: {now / 1048576.0,7:F1} MiB, p50 {Percentile(latencies, 0.5):F1} ms, p99 {Percentile(latencies, 0.99):F1} ms, {rejected} rejected; " +
                                  $"server: {Delta("vigil_inference_compute_seconds_count"):F0} batches, {Delta("vigil_inference_compute_seconds_sum") * 1000 / Math.Max(1, Delta("vigil_inference_compute_seconds_count")):F1} ms each, " +
                                  $"queue {Delta("vigil_inference_queue_seconds_sum") * 1000 / Math.Max(1, Delta("vigil_inference_queue_seconds_count")):F1} ms per request, CPU user {cpu.UserSeconds:F0} s sys {cpu.SystemSeconds:F0} s");
            }
            Console.WriteLine($"  soak: resident memory after minute 1 {rss[0] / 1048576.0:F1} MiB, at the end {rss[^1] / 1048576.0:F1} MiB ({(rss[^1] - rss[0]) / 1048576.0:+0.0;-0.0} MiB)");
        }
        var used = ProcessCounters.Read(server.Id) - before;
        Console.WriteLine($"  server process: CPU user {used.UserSeconds:F1} s, sys {used.SystemSeconds:F1} s, peak RSS {used.PeakRssBytes / 1048576.0:F0} MiB");
        var (allItems, allBatches) = await BatchCounts(http);
        Console.WriteLine($"  batches over the whole run: {allBatches:F0}, {allItems:F0} images, mean {allItems / Math.Max(1, allBatches):F1}");
        server.Kill(entireProcessTree: true);
        foreach (GrpcChannel c in channels) c.Dispose();
    }

    // The detector alone in this process at each batch size; the best is the bound the service is measured against.
    private static (double Best, int BestBatch, double SingleMs) Offline(Detector detector, List<byte[]> files, int count)
    {
        double best = 0;
        int bestBatch = 1;
        List<DetectorInput> Inputs(int n) => OfflineInputs(files, n);
        detector.Detect(Inputs(8)); // warm-up
        var counters = ProcessCounters.Read();
        double SingleMedian()
        {
            var single = new List<double>();
            for (int i = 0; i < 100; i++)
            {
                var watch = Stopwatch.StartNew();
                detector.Detect(Inputs(1));
                single.Add(watch.Elapsed.TotalMilliseconds);
            }
            return Percentile(single, 0.5);
        }
        // Measured before and after the batch sweep; the lower is the reference (the stricter one for the overhead).
        double singleBefore = SingleMedian();
        foreach (int batch in new[] { 1, 4, 8, 16, 32 })
        {
            double rate = OfflineRate(detector, files, batch, count);
            Console.WriteLine($"  in-process detector, batch {batch,2}: {rate,7:F1} images/s ({Environment.ProcessorCount * 1000 / rate:F1} ms of the cores per image)");
            if (rate > best) (best, bestBatch) = (rate, batch);
        }
        double singleAfter = SingleMedian();
        var used = ProcessCounters.Read() - counters;
        double median = Math.Min(singleBefore, singleAfter);
        Console.WriteLine($"  in-process detector, one image: median {singleBefore:F2} ms before the batches, {singleAfter:F2} ms after; reference {median:F2} ms " +
                          $"(CPU user {used.UserSeconds:F1} s, sys {used.SystemSeconds:F1} s, peak RSS {used.PeakRssBytes / 1048576.0:F0} MiB)");
        return (best, bestBatch, median);
    }

    // Images per second of the detector at one batch size, over `count` images.
    private static double OfflineRate(Detector detector, List<byte[]> files, int batch, int count)
    {
        int total = count / batch * batch;
        var inputs = OfflineInputs(files, total);
        detector.Detect(OfflineInputs(files, batch), new DetectOptions { BatchSize = batch }); // this batch size's first allocations
        var watch = Stopwatch.StartNew();
        detector.Detect(inputs, new DetectOptions { BatchSize = batch });
        return total / watch.Elapsed.TotalSeconds;
    }

    private static List<DetectorInput> OfflineInputs(List<byte[]> files, int n) =>
        Enumerable.Range(0, n).Select(i => DetectorInput.Encoded($"i{i}.png", files[i % files.Count])).ToList();

    private static List<(string Name, Func<int, Task> Call)> Transports(List<byte[]> files, HttpClient http, List<Inference.GRPCInferenceService.GRPCInferenceServiceClient> grpc)
    {
        var json = files.Select(f => $"{{\"inputs\":[{{\"name\":\"image\",\"datatype\":\"BYTES\",\"shape\":[1],\"data\":[\"{Convert.ToBase64String(f)}\"]}}]}}").ToList();
        // Triton's binary extension: the JSON header names the raw tensor's size; the body then carries the tensor as
        // BYTES elements (a 4-byte little-endian length before each).
        var binary = files.Select(f =>
        {
            byte[] header = Encoding.UTF8.GetBytes($"{{\"inputs\":[{{\"name\":\"image\",\"datatype\":\"BYTES\",\"shape\":[1],\"parameters\":{{\"binary_data_size\":{4 + f.Length}}}}}]}}");
            return (Header: header.Length, Body: (byte[])[.. header, .. Raw(f)]);
        }).ToList();
        var raw = files.Select(f =>
        {
            var request = new Inference.ModelInferRequest { ModelName = "m", Inputs = { new Inference.ModelInferRequest.Types.InferInputTensor { Name = "image", Datatype = "BYTES", Shape = { 1 } } } };
            request.RawInputContents.Add(ByteString.CopyFrom(Raw(f)));
            return request;
        }).ToList();

        async Task Json(int i)
        {
            using var response = await http.PostAsync("v2/models/m/infer", new StringContent(json[i % json.Count], Encoding.UTF8, "application/json"));
            await EnsureSuccess(response);
        }
        async Task Binary(int i)
        {
            var (header, body) = binary[i % binary.Count];
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new("application/octet-stream");
            content.Headers.Add("Inference-Header-Content-Length", header.ToString(CultureInfo.InvariantCulture));
            using var response = await http.PostAsync("v2/models/m/infer", content);
            await EnsureSuccess(response);
        }
        async Task Grpc(int i) => await grpc[i % grpc.Count].ModelInferAsync(raw[i % raw.Count]);
        return [("REST JSON", Json), ("REST binary", Binary), ("gRPC", Grpc)];
    }

    // Every summary line of /metrics (name_sum / name_count, summed over models and versions).
    private static async Task<Dictionary<string, double>> Summaries(HttpClient http)
    {
        var values = new Dictionary<string, double>();
        foreach (string line in (await http.GetStringAsync("metrics")).Split('\n'))
        {
            if (line.StartsWith('#') || line.Length == 0) continue;
            int brace = line.IndexOf('{'), space = line.LastIndexOf(' ');
            string name = line[..(brace >= 0 ? brace : space)];
            if (!name.EndsWith("_sum", StringComparison.Ordinal) && !name.EndsWith("_count", StringComparison.Ordinal)) continue;
            if (double.TryParse(line[(space + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
                values[name] = values.GetValueOrDefault(name) + v;
        }
        return values;
    }

    // The server's batch-size summary (images, batches) from /metrics.
    private static async Task<(double Items, double Batches)> BatchCounts(HttpClient http)
    {
        var values = await Summaries(http);
        return (values.GetValueOrDefault("vigil_inference_batch_size_sum"), values.GetValueOrDefault("vigil_inference_batch_size_count"));
    }

    // As EnsureSuccessStatusCode, with the server's error body in the message: a failure must say why.
    private static async Task EnsureSuccess(HttpResponseMessage response)
    {
        if (response.IsSuccessStatusCode) return;
        string body = await response.Content.ReadAsStringAsync();
        throw new HttpRequestException($"{(int)response.StatusCode} {response.StatusCode}: {body}", null, response.StatusCode);
    }

    private static byte[] Raw(byte[] file)
    {
        var raw = new byte[4 + file.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(raw, (uint)file.Length);
        file.CopyTo(raw, 4);
        return raw;
    }

    // Requests arrive at exponential intervals at the given mean rate whether or not earlier ones have finished, as
    // independent users would send them; each request's latency is from its own start to its answer.
    // A request the service turns away (503 / UNAVAILABLE: its queue is full) counts as rejected, not as a latency.
    private static async Task<(List<double> Latencies, double Offered, int Rejected)> OpenLoop(Func<int, Task> call, double rate, TimeSpan duration)
    {
        var random = new Random(7);
        var latencies = new List<double>();
        int rejected = 0;
        var pending = new List<Task>();
        var clock = Stopwatch.StartNew();
        double next = 0;
        int sent = 0;
        while (next < duration.TotalSeconds)
        {
            double wait = next - clock.Elapsed.TotalSeconds;
            if (wait > 0) await Task.Delay(TimeSpan.FromSeconds(wait));
            int i = sent++;
            pending.Add(Task.Run(async () =>
            {
                var one = Stopwatch.StartNew();
                try
                {
                    await call(i);
                    lock (latencies) latencies.Add(one.Elapsed.TotalMilliseconds);
                }
                catch (Exception e) when (e is HttpRequestException { StatusCode: HttpStatusCode.ServiceUnavailable } or Grpc.Core.RpcException { StatusCode: Grpc.Core.StatusCode.Unavailable })
                {
                    Interlocked.Increment(ref rejected);
                }
            }));
            next += -Math.Log(1 - random.NextDouble()) / rate;
        }
        await Task.WhenAll(pending);
        return (latencies, sent / duration.TotalSeconds, rejected);
    }

    // The user's command, as ./vigil runs it (bench/run.sh builds .build/cli first).
    private static Process StartServer(string repository, int grpcPort, out Uri url)
    {
        var cli = Path.GetFullPath(Path.Combine(Environment.GetEnvironmentVariable("VIGIL_BUILD") ?? ".build", "cli", "vigil.dll"));
        if (!File.Exists(cli)) throw new InvalidOperationException($"{cli} not found: run the benchmark through bench/run.sh");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { cli, "serve", "--models", repository, "--no-monitor", "--port", "0", "--grpc-port", grpcPort.ToString(CultureInfo.InvariantCulture) })
            info.ArgumentList.Add(a);
        var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start vigil serve");
        // The server's log goes to a file beside the work files; a model that is not ready is also said here.
        var log = TextWriter.Synchronized(new StreamWriter(Path.Combine(Path.GetDirectoryName(repository)!, "serve-stderr.log")) { AutoFlush = true });
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not { } line) return;
            log.WriteLine(line);
            if (line.Contains("NOT READY", StringComparison.Ordinal)) Console.Error.WriteLine(line);
        };
        process.BeginErrorReadLine();
        string? first = process.StandardOutput.ReadLine();
        if (first is null || !Uri.TryCreate(first.Trim(), UriKind.Absolute, out var parsed))
            throw new InvalidOperationException($"vigil serve did not print its URL (exit {(process.HasExited ? process.ExitCode : -1)})");
        url = parsed;
        return process;
    }

    private static async Task WaitReady(HttpClient http)
    {
        for (int i = 0; i < 600; i++)
        {
            try
            {
                using var response = await http.GetAsync("v2/health/ready"); // every model loaded
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { }
            await Task.Delay(100);
        }
        throw new InvalidOperationException("the models never became ready");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static long CurrentRss(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        return 0;
    }

    private static double Percentile(List<double> values, double p)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];
    }
}
