using Vigil.Bench;

// Benchmarks print figures; they are not tests. Usage: ./bench/run.sh NAME [OPTIONS...] (docs/benchmarks.md); args here: NAME WORKDIR OPTIONS...
var which = args.Length > 0 ? args[0] : "all";
var work = Path.Combine(args.Length > 1 ? args[1] : Path.GetTempPath(), "vigil-bench");
int Arg(int index, int fallback) => args.Length > index ? int.Parse(args[index], System.Globalization.CultureInfo.InvariantCulture) : fallback;
Directory.CreateDirectory(work);
switch (which)
{
    case "organize-idx": await OrganizeBenchmarks.FashionMnistIdx(work); break;
    case "organize-png": await OrganizeBenchmarks.PngFolder(work); break;
    case "train-speed": TrainingBenchmarks.Speed(work); break;
    // train-speed's reference, in a process of its own; "thread" as a 6th argument runs it on a thread other than the
    // main one (glibc then serves it from a secondary arena, as it does a run started from `vigil serve`).
    case "compute-step":
        Func<bool> computeStep = () => { TrainingBenchmarks.ComputeStep(args[2], int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture), args[4]); return true; };
        _ = args.Length > 5 && args[5] == "thread" ? BenchThreads.OnOwnThread(computeStep) : computeStep();
        break;
    // Quality on Fashion-MNIST: long runs (tens of minutes on 2 cores), so not part of "all".
    case "fmnist-oneclass":
        await FashionMnistBenchmarks.OneClass(work, epochs: Arg(2, 20),
            classes: args.Length > 3 && args[3] != "all" ? args[3].Split(',').Select(int.Parse).ToArray() : Enumerable.Range(0, 10).ToArray(),
            headEpochs: args.Length > 4 ? int.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture) : null);
        break;
    case "fmnist-supervised": await FashionMnistBenchmarks.Supervised(work, epochs: Arg(2, 11), imageSize: Arg(3, 64)); break;
    case "fmnist-few-probe": FewLabelsFeatureProbe.Run(work, args.Length > 2 ? double.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 5, args.Length > 3 ? args[3] : "fixmatch"); break;
    case "fmnist-oneclass-probe": OneClassScoreProbe.Run(work, args.Length > 2 ? args[2].Split(',').Select(int.Parse).ToArray() : Enumerable.Range(0, 10).ToArray()); break;
    // An optional postgres:// URL measures the PostgreSQL store instead of a fresh SQLite file.
    case "monitor-ingest": await MonitoringBenchmarks.Ingest(work, storeUrl: args.Length > 2 ? args[2] : null); break;
    case "monitor-downsample": await MonitoringBenchmarks.Downsample(work, storeUrl: args.Length > 2 ? args[2] : null); break;
    case "monitor-fanout": await MonitoringBenchmarks.FanOut(work, clients: Arg(2, 50), seconds: Arg(3, 60)); break;
    case "metrics-ranking": MetricsBenchmarks.Ranking(samples: Arg(2, 200_000)); break;
    case "monitor-observers": await MonitoringBenchmarks.Observers(work, batches: Arg(2, 20_000)); break;
    // Mutated real files of every format through the registry (tests/Vigil.Imaging.Fuzzing): CASES per format, base SEED, one FORMAT.
    case "image-fuzz":
        return ImageFuzzBenchmarks.Run(work, perFormat: Arg(2, 1500), seed: Arg(3, 20261206), cap: TimeSpan.FromSeconds(10), only: args.Length > 4 ? args[4] : null);
    // Few labels, the rest unlabeled: PERCENT labeled, B0 and VAE epochs, size; labels only vs --semi-supervised fixmatch.
    case "fmnist-few-weights": FashionMnistBenchmarks.FewLabelsWeights(work, args.Length > 2 ? double.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 5); break;
    case "fmnist-few-labels": await FashionMnistBenchmarks.FewLabels(work, args.Length > 2 ? double.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 5, Arg(3, 10), Arg(4, 15), Arg(5, 32), args.Length > 6 ? args[6] : "both"); break;
    // Few labels, mostly anomalous unlabeled pool: EPOCHS per phase, phantoms per organ, optional --vae-data and --vae-trim values.
    case "phantoms-contaminated":
        await PhantomBenchmarks.Contaminated(work, Arg(2, 10), Arg(3, 6000), args.Length > 4 ? args[4] : null,
            args.Length > 5 ? double.Parse(args[5], System.Globalization.CultureInfo.InvariantCulture) : 0);
        break;
    case "fmnist-known-unknown": await FashionMnistBenchmarks.KnownUnknown(work, Arg(2, 10), Arg(3, 20), Arg(4, 32)); break;
    // Normal-only detection on the demo phantoms, per organ: EPOCHS, images PER_ORGAN of the sample, ORGANS (brain,chest).
    case "phantoms-oneclass":
        await PhantomOneClassBenchmarks.OneClass(work, epochs: Arg(2, 30), perOrgan: Arg(3, 1200), organs: args.Length > 4 ? args[4].Split(',') : null);
        break;
    // The inference service: MODEL (a model.vigil), a folder of PNG images, CLIENTS, REQUESTS per client, max_batch_size.
    case "router": await RouterBenchmarks.Repository(work, Arg(2, 600), Arg(3, 10), Arg(4, 64), args.Length > 5 && args[5] == "reuse", Arg(6, 64)); break;
    // Vigil's AdamW step against TorchSharp's, B0-sized: STEPS per round, ROUNDS in turns.
    case "adamw-step": OptimizerBenchmarks.AdamWStep(Arg(2, 50), Arg(3, 7)); break;
    case "serve-throughput": await ServeBenchmarks.Throughput(work, args[2], args[3], Arg(4, 32), Arg(5, 20), Arg(6, 16), Arg(7, 10)); break;
    case "all":
        await OrganizeBenchmarks.FashionMnistIdx(work);
        await OrganizeBenchmarks.PngFolder(work);
        TrainingBenchmarks.Speed(work);
        break;
    default:
        Console.Error.WriteLine($"unknown benchmark '{which}'; use organize-idx, organize-png, train-speed, all, monitor-ingest, monitor-downsample, monitor-fanout, monitor-observers, metrics-ranking, image-fuzz, serve-throughput, adamw-step, router, fmnist-oneclass, fmnist-supervised, fmnist-known-unknown, fmnist-few-labels, fmnist-few-weights, fmnist-few-probe, fmnist-oneclass-probe, phantoms-contaminated or phantoms-oneclass");
        return 2;
}
return 0;
