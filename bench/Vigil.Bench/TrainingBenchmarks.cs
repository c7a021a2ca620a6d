using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using TorchSharp;
using Vigil.Core.Runtime;
using Vigil.Datasets;
using Vigil.Datasets.Samples;
using Vigil.Imaging;
using Vigil.ML.Compute;
using Vigil.ML.Data;
using Vigil.ML.Models.EfficientNet;
using Vigil.ML.Models.Vae;
using Vigil.ML.Training;
using static TorchSharp.torch;

namespace Vigil.Bench;

/// <summary>
/// Training speed measured in the process a user runs: <c>vigil train</c> (the CLI, as <c>./vigil</c> starts it) on the
/// demo's dataset at 64×64, B0 and the VAE, batch 64 and 128. For each, the steady-state epochs (2 and later) give
/// img/s, user and system CPU seconds, the kernel's share of CPU time and minor page faults per image; a compute-only
/// reference (the same model's training step on one preloaded batch, in a process of its own) gives the same figures.
/// Both run with the native-heap tuning (<see cref="NativeHeap"/>) and, for "before", with
/// <c>VIGIL_NATIVE_HEAP=default</c>, so a reference that shares the fault cannot hide it: its kernel share is printed.
/// Targets: kernel time ≤ 5 % of CPU time during training; training throughput ≥ 0.9 of compute-only.
/// Then detect, evaluate and organize: whole-process page faults per image, before and after.
/// </summary>
public static class TrainingBenchmarks
{
    private const int Size = 64, Epochs = 4, ReferenceImages = 2048;
    private static readonly string[] HeapModes = ["default", "tuned"];

    public static void Speed(string work)
    {
        string cli = CliPath();
        var dataset = MakeDataset(work, out string manifest);
        Console.WriteLine($"train-speed: CLI {cli}, dataset {dataset} (the demo's 2,000 images), {Size}×{Size}, epochs 2–{Epochs} measured");
        Console.WriteLine("  model batch heap    | CLI img/s   user    sys kernel faults/img  peak RSS | ref img/s kernel faults/img | ratio");
        foreach (var (model, phase) in new[] { ("b0", "supervised"), ("vae", "unsupervised") })
            foreach (int batch in new[] { 64, 128 })
                foreach (var heap in HeapModes)
                {
                    var train = TrainThroughCli(cli, dataset, phase, batch, heap, Path.Combine(work, $"runs/{model}-{batch}-{heap}"));
                    var reference = ComputeOnlyInChild(model, batch, heap, dataset);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  {model,-5} {batch,5} {heap,-7} | {train.ImagesPerSecond,9:N0} {train.Counters.UserSeconds,6:N1} {train.Counters.SystemSeconds,6:N1} {train.Counters.KernelShare,6:P1} {train.FaultsPerImage,10:N0} {train.Counters.PeakRssBytes / 1048576.0,6:N0} MiB" +
                        $" | {reference.ImagesPerSecond,9:N0} {reference.Counters.KernelShare,6:P1} {reference.FaultsPerImage,10:N0} | {train.ImagesPerSecond / reference.ImagesPerSecond,5:N2}"));
                }
        Console.WriteLine("  targets (tuned): kernel ≤ 5.0 %, ratio ≥ 0.90");

        // Detection, evaluation and organize: whole processes, their page faults per image.
        var model0 = Path.Combine(work, "runs/detector");
        RunCli(cli, "default", ["train", "--dataset", dataset, "--phase", "all", "--epochs", "1", "--image-size", $"{Size}", "--max-batches", "2", "--output", model0, "--patience", "0"], out _);
        var modelFile = Path.Combine(model0, "model.vigil");
        int images = File.ReadLines(manifest).Count() - 1;
        int testImages = File.ReadLines(Path.Combine(dataset, "splits", "test.csv")).Count() - 1;
        Console.WriteLine("  verb      heap    | images  wall s   user    sys kernel faults/img  peak RSS");
        foreach (var heap in HeapModes)
        {
            Whole("detect", heap, images, ["detect", "--model", modelFile, .. Directory.GetDirectories(Path.GetDirectoryName(manifest)!), "--format", "csv"]);
            Whole("evaluate", heap, testImages, ["evaluate", "--model", modelFile, "--dataset", dataset, "--format", "json"]);
            Whole("organize", heap, images, ["organize", "--source", manifest, "--name", $"again-{heap}", "--output", Path.Combine(work, "organize-again")]);
        }

        void Whole(string verb, string heap, int count, string[] args)
        {
            var before = ProcessCounters.Children();
            var clock = Stopwatch.StartNew();
            RunCli(cli, heap, args, out long peak);
            var c = ProcessCounters.Children() - before;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {verb,-9} {heap,-7} | {count,6:N0} {clock.Elapsed.TotalSeconds,7:N1} {c.UserSeconds,6:N1} {c.SystemSeconds,6:N1} {c.KernelShare,6:P1} {(double)c.MinorFaults / count,10:N0} {peak / 1048576.0,6:N0} MiB"));
        }
    }

    /// <summary>What one measured training gave.</summary>
    private sealed record Measured(double ImagesPerSecond, ProcessCounters Counters, double FaultsPerImage);

    private static readonly Regex EpochLine = new(@"^(\w+) epoch (\d+)/(\d+): .*, ([\d,]+) img/s", RegexOptions.CultureInvariant);

    // Runs `vigil train` and reads the process's counters as each epoch line arrives: the figures cover epochs 2..N
    // (the first one pays for start-up, JIT and the first touch of every buffer).
    private static Measured TrainThroughCli(string cli, string dataset, string phase, int batch, string heap, string output)
    {
        if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
        string[] args = ["train", "--dataset", dataset, "--phase", phase, "--epochs", $"{Epochs}", "--image-size", $"{Size}",
            "--batch-size", $"{batch}", "--patience", "0", "--output", output, "--seed", "1"];
        using var process = Start(cli, heap, args);
        ProcessCounters? first = null, last = null;
        var rates = new List<double>();
        int trainImages = 0;
        string? line;
        var errors = new List<string>();
        while ((line = process.StandardError.ReadLine()) is not null)
        {
            var m = EpochLine.Match(line);
            if (!m.Success) { errors.Add(line); continue; }
            var now = ProcessCounters.Read(process.Id);
            if (first is null) { first = now; continue; }
            last = now;
            rates.Add(double.Parse(m.Groups[4].Value.Replace(",", ""), CultureInfo.InvariantCulture));
        }
        process.WaitForExit();
        if (process.ExitCode != 0 || first is null || last is null)
            throw new InvalidOperationException($"vigil train failed (exit {process.ExitCode}): {string.Join('\n', errors.TakeLast(10))}");
        foreach (var e in errors)
            if (Regex.Match(e, @"([\d,]+) training images") is { Success: true } t) trainImages = int.Parse(t.Groups[1].Value.Replace(",", ""), CultureInfo.InvariantCulture);
        var counters = last.Value - first.Value;
        return new Measured(rates.Average(), counters, (double)counters.MinorFaults / Math.Max(1, trainImages * rates.Count));
    }

    private static Measured ComputeOnlyInChild(string model, int batch, string heap, string dataset)
    {
        using var process = Start(typeof(TrainingBenchmarks).Assembly.Location, heap, ["compute-step", Path.GetTempPath(), model, $"{batch}", dataset]);
        string output = process.StandardOutput.ReadToEnd();
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        var result = output.Split('\n').FirstOrDefault(l => l.StartsWith("RESULT ", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"compute-step failed: {errors}");
        var v = result.Split(' ')[1..].Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var counters = new ProcessCounters(v[2], v[3], (long)v[4], (long)v[5]);
        return new Measured(v[0] / v[1], counters, v[4] / v[0]);
    }

    /// <summary>
    /// The compute-only reference, run in a child process: the trainer's step (same loss, gradient clipping and
    /// optimizer) on one preloaded augmented batch, after 3 warm-up steps. Prints "RESULT images seconds user sys faults rss".
    /// </summary>
    public static void ComputeStep(string model, int batch, string dataset)
    {
        ComputeResolver.Resolve("cpu", null); // all cores, as the CLI's default
        var spec = DatasetSpec.FromFolder(dataset);
        using var train = SplitCache.Load(spec.Split("train"), new CacheOptions { ImageSize = Size, Channels = 1, Folder = spec.CacheFolder });
        var positions = Enumerable.Range(0, train.Count).Where(p => model == "vae" || train.Labels[p] >= 0).ToArray();
        var loader = new BatchLoader(train, LoaderOptions.Training(batch, 7, augment: AugmentOptions.Default), positions);
        Tensor x, y;
        using (var first = loader.Epoch(0).First()) { x = first.Images.clone(); y = first.Labels.clone(); }
        torch.random.manual_seed(1);
        Action step;
        if (model == "vae")
        {
            var vae = new VaeModel(new VaeOptions { Channels = 1, ImageSize = Size });
            var opt = new Vigil.ML.Native.AdamW(vae.parameters(), 1e-3);
            step = () =>
            {
                using var scope = NewDisposeScope();
                vae.train();
                var (r, mu, lv) = vae.forward(x);
                var loss = VaeModel.Loss(x, r, mu, lv, 1.0);
                opt.zero_grad(); loss.Total.backward();
                GradientClipping.ClipAndStep(vae.parameters(), 100, opt);
                _ = loss.Total.item<float>();
            };
        }
        else
        {
            var b0 = new EfficientNetModel(new EfficientNetOptions { Scaling = EfficientNetScaling.B0, InputChannels = 1, NumClasses = spec.Classes.Count });
            var opt = new Vigil.ML.Native.AdamW(b0.parameters(), 2e-3, weightDecay: 0.01);
            var criterion = new LabelSmoothingCrossEntropy(0.1, null);
            step = () =>
            {
                using var scope = NewDisposeScope();
                b0.train();
                var logits = b0.forward(x);
                var loss = criterion.Forward(logits, y);
                opt.zero_grad(); loss.backward();
                GradientClipping.ClipAndStep(b0.parameters(), 2.0, opt);
                _ = logits.argmax(1).eq(y).sum().item<long>() + loss.item<float>();
            };
        }
        for (int i = 0; i < 3; i++) step();
        int steps = Math.Max(8, ReferenceImages / batch);
        var before = ProcessCounters.Read();
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < steps; i++) step();
        double seconds = clock.Elapsed.TotalSeconds;
        var c = ProcessCounters.Read() - before;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT {steps * batch} {seconds} {c.UserSeconds} {c.SystemSeconds} {c.MinorFaults} {c.PeakRssBytes}"));
    }

    private static Process Start(string dll, string heap, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        foreach (var a in args) info.ArgumentList.Add(a);
        // The heap mode alone decides: no MALLOC_* from the caller's environment.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("MALLOC_", StringComparison.Ordinal) || k == "GLIBC_TUNABLES").ToList())
            info.Environment.Remove(key);
        info.Environment[NativeHeap.SwitchVariable] = heap == "default" ? "default" : "";
        return Process.Start(info) ?? throw new InvalidOperationException($"cannot start {dll}");
    }

    private static void RunCli(string cli, string heap, string[] args, out long peakRss)
    {
        using var process = Start(cli, heap, args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        peakRss = 0;
        while (!process.WaitForExit(100))
            try { peakRss = Math.Max(peakRss, ProcessCounters.Read(process.Id).PeakRssBytes); } catch (IOException) { }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"vigil {args[0]} failed (exit {process.ExitCode}): {stderr.Result}{stdout.Result}");
    }

    // The CLI a user runs: ./vigil builds it into .build/cli and execs `dotnet vigil.dll` (bench/run.sh builds it first).
    // Started here as `dotnet vigil.dll` directly, so the launcher's package checks stay out of the counters.
    private static string CliPath()
    {
        var path = Path.Combine(Environment.GetEnvironmentVariable("VIGIL_BUILD") ?? ".build", "cli", "vigil.dll");
        return File.Exists(path) ? Path.GetFullPath(path) : throw new InvalidOperationException($"{path} not found: run the benchmark through bench/run.sh");
    }

    private static string MakeDataset(string work, out string manifest)
    {
        var sample = Path.Combine(work, "train-sample");
        var result = SampleDataGenerator.Generate(new SampleOptions { OutputFolder = sample, ImagesPerOrgan = 1000, ImageSize = 128, Seed = 42 });
        manifest = result.ManifestPath;
        var organized = new DatasetOrganizer(ImageReaderRegistry.CreateDefault()).Organize(
            new OrganizeOptions { Sources = [result.ManifestPath], Name = "bench", OutputRoot = Path.Combine(work, "train-datasets"), Seed = 42 });
        return organized.DatasetPath;
    }
}
