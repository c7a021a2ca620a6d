using System.Diagnostics;
using TorchSharp;
using Vigil.Datasets;
using Vigil.Datasets.Samples;
using Vigil.Imaging;
using Vigil.ML.Compute;
using Vigil.ML.Data;
using Vigil.ML.Inference;
using Vigil.ML.Models.EfficientNet;
using Vigil.ML.Models.Hybrid;
using Vigil.ML.Models.Vae;
using static TorchSharp.torch;

namespace Vigil.Bench;

/// <summary>
/// Training throughput of B0 and the VAE at 64×64 through the real data pipeline (cache, shuffling, augmentation,
/// prefetch), as a ratio to the same model's compute-only step on one preloaded batch (target ≥ 0.9); and
/// end-to-end detect throughput (decode + resize + both models) at 64×64.
/// </summary>
public static class TrainingBenchmarks
{
    private const int Size = 64, BatchSize = 64;

    public static void Speed(string work)
    {
        var compute = ComputeResolver.Resolve("cpu", null);
        var dataset = MakeDataset(work);
        var spec = DatasetSpec.FromFolder(dataset);
        using var train = SplitCache.Load(spec.Split("train"), new CacheOptions { ImageSize = Size, Channels = 1, Folder = spec.CacheFolder });
        var labeled = Enumerable.Range(0, train.Count).Where(p => train.Labels[p] >= 0).ToArray();
        Console.WriteLine($"train-speed: {labeled.Length} labeled 64×64 images, batch {BatchSize}, {compute.Description}");

        torch.random.manual_seed(1);
        var b0 = new EfficientNetModel(new EfficientNetOptions { Scaling = EfficientNetScaling.B0, InputChannels = 1, NumClasses = spec.Classes.Count });
        using var b0Opt = optim.AdamW(b0.parameters(), 1e-3);
        void B0Step(Tensor x, Tensor y)
        {
            using var scope = NewDisposeScope();
            b0.train();
            var loss = nn.functional.cross_entropy(b0.forward(x), y);
            b0Opt.zero_grad(); loss.backward(); b0Opt.step();
        }
        Compare("B0", train, labeled, B0Step, steps: 6);

        var vae = new VaeModel(new VaeOptions { Channels = 1, ImageSize = Size });
        using var vaeOpt = optim.AdamW(vae.parameters(), 1e-3);
        void VaeStep(Tensor x, Tensor _)
        {
            using var scope = NewDisposeScope();
            vae.train();
            var (r, mu, lv) = vae.forward(x);
            var loss = VaeModel.Loss(x, r, mu, lv, 1.0);
            vaeOpt.zero_grad(); loss.Total.backward(); vaeOpt.step();
        }
        var all = Enumerable.Range(0, train.Count).ToArray();
        Compare("VAE", train, all, VaeStep, steps: 20);

        // detect: files → decode → resize → classifier + VAE + hybrid score, batches of 32 like the CLI.
        var files = Directory.GetFiles(Path.Combine(work, "train-sample"), "*.png", SearchOption.AllDirectories).Take(512).ToList();
        var detector = new HybridDetector(b0, vae, new HybridScorer(0.8, 0.2, Vigil.Core.Metrics.RobustLogisticCalibration.Fit([1.0, 2.0, 3.0, 4.0])), spec.Classes, 0);
        var registry = ImageReaderRegistry.CreateDefault();
        var clock = Stopwatch.StartNew();
        int done = 0;
        foreach (var chunk in files.Chunk(32))
        {
            using var scope = NewDisposeScope();
            var prepared = chunk.SelectMany(f => ImageBatcher.Prepare(registry, f, Size, 1)).ToList();
            var batch = ImageBatcher.ToTensor(prepared, Size, 1, compute.Device);
            done += detector.DetectAnomaly(batch, 0.5).Count;
        }
        Console.WriteLine($"train-speed: detect (decode + resize + B0 + VAE + error maps) {done / clock.Elapsed.TotalSeconds:N0} images/s at 64×64");
    }

    // Interleaves compute-only steps (one preloaded batch) with pipeline steps so machine noise hits both alike.
    private static void Compare(string name, CachedSplit data, int[] positions, Action<Tensor, Tensor> step, int steps)
    {
        var loader = new BatchLoader(data, LoaderOptions.Training(BatchSize, 7, augment: AugmentOptions.Default), positions);
        Tensor x, y;
        using (var first = loader.Epoch(0).First()) { x = first.Images.clone(); y = first.Labels.clone(); }
        step(x, y); // warm-up
        double computeSeconds = 0, pipelineSeconds = 0;
        int epoch = 1;
        for (int round = 0; round < 2; round++)
        {
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < steps; i++) step(x, y);
            computeSeconds += clock.Elapsed.TotalSeconds;

            clock.Restart();
            int n = 0;
            while (n < steps)
                foreach (var batch in loader.Epoch(epoch++))
                    using (batch)
                    {
                        step(batch.Images, batch.Labels);
                        if (++n == steps) break;
                    }
            pipelineSeconds += clock.Elapsed.TotalSeconds;
        }
        double computeRate = 2 * steps * BatchSize / computeSeconds, pipelineRate = 2 * steps * BatchSize / pipelineSeconds;
        Console.WriteLine($"train-speed: {name} training {pipelineRate:N0} images/s through the pipeline, compute-only {computeRate:N0} images/s, ratio {pipelineRate / computeRate:N2} (target >= 0.90)");
    }

    private static string MakeDataset(string work)
    {
        var sample = Path.Combine(work, "train-sample");
        var result = SampleDataGenerator.Generate(new SampleOptions { OutputFolder = sample, ImagesPerOrgan = 400, ImageSize = 64 });
        var organized = new DatasetOrganizer(ImageReaderRegistry.CreateDefault()).Organize(
            new OrganizeOptions { Sources = [result.ManifestPath], Name = "bench", OutputRoot = Path.Combine(work, "train-datasets") });
        return organized.DatasetPath;
    }
}
