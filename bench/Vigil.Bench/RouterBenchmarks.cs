using System.Diagnostics;
using System.IO.Compression;
using Vigil.Datasets;
using Vigil.Datasets.Samples;
using Vigil.Imaging;
using Vigil.ML.Compute;
using Vigil.ML.Data;
using Vigil.ML.Inference;
using Vigil.ML.Inference.Routing;
using Vigil.ML.Runs;

namespace Vigil.Bench;

/// <summary>
/// <c>router [PER_ORGAN [EPOCHS [SIZE]]]</c>: the multi-organ repository on three synthetic organs (brain MRI, chest
/// X-ray, colour fundus; one organized dataset each), as <c>scripts/repository-demo.sh</c> builds it: a router on the
/// three, one model per organ, a generalist on their union as the fallback. Prints, on the test splits: routing accuracy
/// (target ≥ 0.99), held-out organ images wrongly flagged unroutable (≤ 1 %), Fashion-MNIST test images flagged
/// (≥ 0.95 of 2,000), detection time per image with and without the router (routing adds ≤ 10 %), and anomaly AUROC per
/// route and overall, repository against the generalist on the same images. Training times, CPU and memory too.
/// </summary>
public static class RouterBenchmarks
{
    private static readonly string[] Organs = ["brain", "chest", "fundus"];
    private const string FashionTest = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz";

    /// <param name="reuse">Keep the models a previous run left in <paramref name="work"/> (each one missing is trained): to measure again without training.</param>
    /// <param name="routerSize">The router's input side (the models' is <paramref name="size"/>).</param>
    public static async Task Repository(string work, int perOrgan, int epochs, int size, bool reuse = false, int routerSize = 64)
    {
        var compute = ComputeResolver.Resolve("cpu", null);
        var datasets = new List<string>();
        foreach (var organ in Organs) datasets.Add(await Organized(work, organ, perOrgan));
        var union = DatasetSpec.Union(datasets.Select(d => DatasetSpec.FromFolder(d)).ToList());
        Console.WriteLine($"router: {Organs.Length} organs × {perOrgan} images, {epochs} epochs, models {size}×{size}, router {routerSize}×{routerSize}, {Environment.ProcessorCount} cores");

        string Train(string name, DatasetSpec spec, PhaseSelection phase)
        {
            string kept = Path.Combine(work, "router-runs", name, "model.vigil");
            if (reuse && File.Exists(kept))
            {
                Console.WriteLine($"router: reusing {kept}");
                return kept;
            }
            var before = ProcessCounters.Read();
            var clock = Stopwatch.StartNew();
            var result = BenchTraining.Run(new TrainRequest
            {
                Dataset = spec, Phase = phase, Output = Path.Combine(work, "router-runs", name), Compute = compute, ImageSize = phase == PhaseSelection.Router ? routerSize : size,
                // As `vigil train --phase router` chooses: the tiny network for the router.
                Variant = phase == PhaseSelection.Router ? ML.Models.EfficientNet.EfficientNetScaling.Tiny : ML.Models.EfficientNet.EfficientNetScaling.B0,
                EpochsSupervised = epochs, EpochsUnsupervised = epochs,
            });
            var used = ProcessCounters.Read() - before;
            Console.WriteLine($"router: trained {name} ({phase}) in {clock.Elapsed.TotalMinutes:F1} min (CPU user {used.UserSeconds:F0} s, sys {used.SystemSeconds:F0} s, peak RSS {used.PeakRssBytes / 1048576.0:F0} MiB)");
            return result.ModelPath!;
        }
        string router = Train("router", union, PhaseSelection.Router);
        var models = Organs.Zip(datasets).ToDictionary(p => p.First, p => Train(p.First, DatasetSpec.FromFolder(p.Second), PhaseSelection.All));
        string generalist = Train("generalist", union, PhaseSelection.All);

        // The repository, as `vigil repository init/add` writes it.
        string repo = Path.Combine(work, "router-repository");
        if (Directory.Exists(repo)) Directory.Delete(repo, recursive: true);
        var routes = ModelPackage.ReadManifest(router).Models.Router!.Routes;
        var manifest = new RepositoryManifest
        {
            Router = RepositoryFolder.Import(repo, router, "router/model.vigil", null),
            Fallback = RepositoryFolder.Import(repo, generalist, "fallback/model.vigil", null),
            Routes = routes.ToDictionary(r => r.Name, r => RepositoryFolder.Import(repo, models[OrganOf(r.Region)], RepositoryFolder.RoutePackagePath(r.Name), null)),
        };
        RepositoryFolder.Write(repo, manifest);

        using var repository = RoutedDetector.Load(repo, compute.Device);
        using var general = Detector.Load(generalist, compute.Device);
        var evaluation = RepositoryEvaluator.Evaluate(repository, general, "generalist", union, "test");
        Console.WriteLine($"router: test split {evaluation.Images} images: routing accuracy {evaluation.RoutingAccuracy:F4} (target >= 0.99), " +
                          $"wrongly unroutable {evaluation.Unroutable:P2} (target <= 1 %)");
        for (int i = 0; i < evaluation.Routes.Count; i++)
            Console.WriteLine($"router:   {evaluation.Routes[i],-14} → {string.Join(" ", evaluation.RoutingMatrix[i])} (columns: {string.Join(", ", evaluation.Routes)}, unroutable)");
        foreach (var r in evaluation.PerRoute.Append(evaluation.Overall))
            Console.WriteLine($"router:   AUROC {r.Route,-14} {r.Images,5} images ({r.Anomalous} anomalous): repository {r.AurocRepository:F4}, generalist {r.AurocGeneralist:F4}");

        var fashion = FashionImages(2000).ToList();
        var routed = repository.Router.Route(fashion);
        Console.WriteLine($"router: Fashion-MNIST test images flagged unroutable: {routed.Average(d => d.IsUnroutable ? 1.0 : 0.0):P2} of {fashion.Count} (target >= 95 %)");
        // The OOD scores on both sides of the threshold: how much room the threshold has.
        var inRoute = repository.Router.Route(union.Splits["test"].Rows.Select(r => DetectorInput.File(r.Path)).ToList()).Select(d => d.OodScore).Order().ToList();
        var strangers = routed.Select(d => d.OodScore).Order().ToList();
        string Quantiles(List<double> v) => string.Join(", ", new[] { 0.0, 0.5, 0.9, 0.99, 1.0 }.Select(q => $"{v[(int)Math.Round(q * (v.Count - 1))]:F1}"));
        Console.WriteLine($"router: OOD score (threshold {repository.Router.Config.OodThreshold:F1}): held-out organ test images min/median/90/99 %/max {Quantiles(inRoute)}; " +
                          $"Fashion-MNIST {Quantiles(strangers)}");

        // Detection time per image: each test image through its own organ's model directly, against the repository
        // (router + the same models); same images, same process, warm.
        var tests = union.Splits["test"].Rows.Where(r => r.Label is not null).ToList();
        var byOrgan = tests.GroupBy(r => OrganOf(r.Region)).ToDictionary(g => g.Key, g => g.Select(r => DetectorInput.File(r.Path)).ToList());
        var direct = models.ToDictionary(p => p.Key, p => Detector.Load(p.Value, compute.Device));
        var all = tests.Select(r => DetectorInput.File(r.Path)).ToList();
        // Alternated rounds, each side's median: the machine's noise falls on both alike.
        void Plain() { foreach (var (organ, inputs) in byOrgan) direct[organ].Detect(inputs); }
        void Routed() => repository.Detect(all);
        void RouterOnly() => repository.Router.Route(all);
        Plain(); Routed(); RouterOnly();
        var rounds = new List<(double Plain, double Routed, double Router)>();
        for (int round = 0; round < 7; round++)
            rounds.Add((Ms(Plain), Ms(Routed), Ms(RouterOnly)));
        double Ms(Action run) { var w = Stopwatch.StartNew(); run(); return w.Elapsed.TotalMilliseconds / all.Count; }
        double Median(Func<(double, double, double), double> of) => rounds.Select(r => of(r)).Order().ElementAt(rounds.Count / 2);
        double plain = Median(r => r.Item1), withRouter = Median(r => r.Item2), routerAlone = Median(r => r.Item3);
        Console.WriteLine($"router: detect {all.Count} images, median of {rounds.Count} alternated rounds: {plain:F2} ms/image with each organ's model, " +
                          $"{withRouter:F2} ms/image through the repository (routing adds {(withRouter / plain - 1):P1}; target <= 10 %); " +
                          $"the router alone, reading the files: {routerAlone:F2} ms/image");
        Console.WriteLine($"router: rounds, ms/image direct / repository: {string.Join("; ", rounds.Select(r => $"{r.Plain:F2} / {r.Routed:F2}"))}");
        foreach (var d in direct.Values) d.Dispose();
    }

    private static string OrganOf(string region) => region switch { "brain" => "brain", "chest" => "chest", _ => "fundus" };

    private static async Task<string> Organized(string work, string organ, int perOrgan)
    {
        var root = Path.Combine(work, $"router-data-{perOrgan}");
        var folder = Path.Combine(root, organ);
        if (File.Exists(Path.Combine(folder, "metadata.json"))) return folder;
        var sample = SampleDataGenerator.Generate(new SampleOptions
        {
            OutputFolder = Path.Combine(root, "sample-" + organ), ImagesPerOrgan = perOrgan, Organs = [organ], Seed = 42 + Array.IndexOf(Organs, organ),
        });
        await new DatasetOrganizer(ImageReaderRegistry.CreateDefault()).OrganizeAsync(
            new OrganizeOptions { Sources = [sample.ManifestPath], Name = organ, OutputRoot = root }, null, CancellationToken.None);
        return folder;
    }

    private static IEnumerable<DetectorInput> FashionImages(int count)
    {
        using var gzip = new GZipStream(File.OpenRead(FashionTest), CompressionMode.Decompress);
        gzip.ReadExactly(new byte[16]);
        for (int i = 0; i < count; i++)
        {
            var pixels = new byte[28 * 28];
            gzip.ReadExactly(pixels);
            yield return DetectorInput.Pixels($"fashion-{i}", pixels, 1, 28, 28);
        }
    }
}
