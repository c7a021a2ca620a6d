using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using Google.Protobuf;
using Grpc.Net.Client;
using Vigil.Monitoring.Configuration;
using Vigil.ML.Inference;
using Vigil.Server;
using Vigil.Serving;
using Vigil.Serving.Batching;
using Vigil.Serving.Repository;

namespace Vigil.Bench;

/// <summary>
/// <c>serve-throughput MODEL IMAGES [CLIENTS] [REQUESTS] [MAX_BATCH]</c>: the inference service's images per second with
/// CLIENTS concurrent clients (REST JSON and gRPC raw, one image per request) against the in-process detector at its best
/// batch size, and one client's per-request latency against one in-process detection (the service's overhead).
/// </summary>
public static class ServeBenchmarks
{
    public static async Task Throughput(string work, string model, string images, int clients, int requests, int maxBatch)
    {
        var files = Directory.EnumerateFiles(images, "*.png", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Take(256).Select(File.ReadAllBytes).ToList();
        if (files.Count == 0) throw new InvalidOperationException($"no PNG files under {images}");
        Console.WriteLine($"serve-throughput: {files.Count} distinct images, {clients} clients × {requests} requests, max_batch_size {maxBatch}, {Environment.ProcessorCount} cores");

        // In-process: the detector alone at each batch size; the best is the bound the service is measured against.
        double best = 0;
        int bestBatch = 1;
        using (var detector = Detector.Load(model, TorchSharp.torch.CPU))
        {
            List<DetectorInput> Inputs(int n) => Enumerable.Range(0, n).Select(i => DetectorInput.Encoded($"i{i}.png", files[i % files.Count])).ToList();
            detector.Detect(Inputs(8)); // warm-up
            foreach (int batch in new[] { 1, 4, 8, 16, 32 })
            {
                int total = Math.Max(256, clients * requests) / batch * batch;
                var inputs = Inputs(total);
                detector.Detect(Inputs(batch), new DetectOptions { BatchSize = batch }); // this batch size's first allocations
                var watch = Stopwatch.StartNew();
                detector.Detect(inputs, new DetectOptions { BatchSize = batch });
                double rate = total / watch.Elapsed.TotalSeconds;
                Console.WriteLine($"  in-process detector, batch {batch,2}: {rate,8:F1} images/s");
                if (rate > best) (best, bestBatch) = (rate, batch);
            }
            var single = new List<double>();
            for (int i = 0; i < 50; i++)
            {
                var watch = Stopwatch.StartNew();
                detector.Detect(Inputs(1));
                single.Add(watch.Elapsed.TotalMilliseconds);
            }
            Console.WriteLine($"  in-process detector, one image: median {Median(single):F2} ms");
        }

        string repository = Path.Combine(work, "serve-models");
        Directory.CreateDirectory(Path.Combine(repository, "m"));
        File.Copy(model, Path.Combine(repository, "m", "model.vigil"), overwrite: true);
        var feature = new InferenceFeature(new ServingOptions
        {
            ModelsFolder = repository, GrpcPort = 0,
            Repository = new RepositoryOptions { Watch = false, Batching = new BatchingOptions { MaxBatchSize = maxBatch, MaxQueueSize = clients * 2, MaxQueueDelay = TimeSpan.FromMilliseconds(2) } },
        });
        await using var server = new MonitoringServer(new MonitoringOptions { Host = "127.0.0.1", Port = 0, LogDirectory = work }, new MonitoringServerSetup { Monitoring = false, SampleSystem = false, Features = [feature] });
        Uri url = await server.StartAsync();
        using var http = new HttpClient { BaseAddress = url };
        using var channel = GrpcChannel.ForAddress(feature.GrpcUrl!);
        var grpc = new Inference.GRPCInferenceService.GRPCInferenceServiceClient(channel);
        var bodies = files.Select(f => $"{{\"inputs\":[{{\"name\":\"image\",\"datatype\":\"BYTES\",\"shape\":[1],\"data\":[\"{Convert.ToBase64String(f)}\"]}}]}}").ToList();
        var grpcRequests = files.Select(f =>
        {
            var raw = new byte[4 + f.Length];
            BinaryPrimitives.WriteUInt32LittleEndian(raw, (uint)f.Length);
            f.CopyTo(raw, 4);
            var request = new Inference.ModelInferRequest { ModelName = "m", Inputs = { new Inference.ModelInferRequest.Types.InferInputTensor { Name = "image", Datatype = "BYTES", Shape = { 1 } } } };
            request.RawInputContents.Add(ByteString.CopyFrom(raw));
            return request;
        }).ToList();

        async Task Rest(int i)
        {
            using var response = await http.PostAsync("v2/models/m/infer", new StringContent(bodies[i % bodies.Count], Encoding.UTF8, "application/json"));
            response.EnsureSuccessStatusCode();
        }
        async Task Grpc(int i) => await grpc.ModelInferAsync(grpcRequests[i % grpcRequests.Count]);

        foreach ((string name, Func<int, Task> call) in new (string, Func<int, Task>)[] { ("REST", Rest), ("gRPC", Grpc) })
        {
            for (int i = 0; i < 8; i++) await call(i); // warm-up
            var watch = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(async () => { for (int r = 0; r < requests; r++) await call(c * requests + r); })));
            double rate = clients * requests / watch.Elapsed.TotalSeconds;
            Console.WriteLine($"  {name} {clients} clients: {rate,8:F1} images/s = {rate / best:P0} of the in-process best (batch {bestBatch})");
            var latencies = new List<double>();
            for (int i = 0; i < 50; i++)
            {
                var one = Stopwatch.StartNew();
                await call(i);
                latencies.Add(one.Elapsed.TotalMilliseconds);
            }
            Console.WriteLine($"  {name} one client, one image: median {Median(latencies):F2} ms");
        }
        string metrics = await http.GetStringAsync("metrics");
        foreach (string line in metrics.Split('\n').Where(l => l.StartsWith("vigil_inference_batch_size_sum", StringComparison.Ordinal) || l.StartsWith("vigil_inference_batch_size_count", StringComparison.Ordinal)))
            Console.WriteLine("  " + line);
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }

}
