using System.IO.Compression;
using System.Text.Json;
using Vigil.Core;
using Vigil.ML.Inference;

namespace Vigil.Cli.Tests;

/// <summary>
/// Three synthetic organs in two organized datasets (brain MRI + chest X-ray; colour fundus) and one router trained on
/// both at 32×32 (tiny EfficientNet), once for the tests below.
/// </summary>
public sealed class TrainedRouterFixture : IDisposable
{
    public TempFolder Dir { get; } = new();
    public string BrainChest => Dir.Combine("out", "bc");
    public string Fundus => Dir.Combine("out", "fundus");
    public string Run => Dir.Combine("router");
    public string Model => Path.Combine(Run, "model.vigil");
    public CliRun Training { get; }

    public TrainedRouterFixture()
    {
        _detectors = new(TrainDetectors);
        Must(VigilProcess.Run(Dir.Path, "sample", "--output", "s1", "--per-organ", "120", "--image-size", "48"));
        Must(VigilProcess.Run(Dir.Path, "sample", "--output", "s2", "--per-organ", "120", "--image-size", "48", "--organs", "fundus", "--seed", "5"));
        Must(VigilProcess.Run(Dir.Path, "organize", "--source", Dir.Combine("s1", "manifest.csv"), "--name", "bc", "--output", "out"));
        Must(VigilProcess.Run(Dir.Path, "organize", "--source", Dir.Combine("s2", "manifest.csv"), "--name", "fundus", "--output", "out"));
        Training = VigilProcess.Run(Dir.Path, "train", "--phase", "router", "--dataset", BrainChest, "--dataset", Fundus, "--image-size", "32",
            "--epochs", "8", "--output", Run, "--format", "json");
    }

    /// <summary>
    /// Two tiny anomaly detectors for the repository tests, trained on first use: one on the fundus dataset, one on
    /// the brain/chest dataset (serving the brain route, and, as a generalist, the fallback).
    /// </summary>
    public (string Fundus, string BrainChest) Detectors => _detectors.Value;

    private readonly Lazy<(string, string)> _detectors;

    private (string, string) TrainDetectors()
    {
        string Train(string dataset, string output)
        {
            Must(VigilProcess.Run(Dir.Path, "train", "--phase", "all", "--dataset", dataset, "--model", "tiny", "--image-size", "32", "--epochs", "1",
                "--head-epochs", "0", "--max-batches", "3", "--output", output));
            return Dir.Combine(output, "model.vigil");
        }
        return (Train(Fundus, "det-fundus"), Train(BrainChest, "det-bc"));
    }

    private static void Must(CliRun run)
    {
        if (run.ExitCode != 0) throw new InvalidOperationException(run.Stderr);
    }

    /// <summary>The test split's images of a dataset with their route (region/modality).</summary>
    public static List<(string Path, string Route)> TestImages(string dataset)
    {
        var lines = File.ReadAllLines(Path.Combine(dataset, "splits", "test.csv"));
        var header = lines[0].Split(',');
        int path = Array.IndexOf(header, "path"), region = Array.IndexOf(header, "region"), modality = Array.IndexOf(header, "modality");
        return lines.Skip(1).Select(l => l.Split(',')).Select(c => (Path.GetFullPath(Path.Combine(dataset, c[path])), c[region] + "/" + c[modality])).ToList();
    }

    public void Dispose() => Dir.Dispose();
}

public class RouterTests : IClassFixture<TrainedRouterFixture>
{
    private const string FashionTest = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz";
    private readonly TrainedRouterFixture _run;

    public RouterTests(TrainedRouterFixture run) => _run = run;

    [Fact]
    public void Training_on_two_datasets_writes_a_router_package_with_three_routes_and_router_events()
    {
        Assert.True(_run.Training.ExitCode == 0, _run.Training.Stderr);
        var manifest = ModelPackage.ReadManifest(_run.Model);
        Assert.Equal(["brain/MRI", "chest/X-ray", "retina/fundus"], manifest.Classes);
        Assert.NotNull(manifest.Models.Router);
        Assert.Null(manifest.Models.Classifier);
        Assert.Equal([Vigil.Core.Runs.TrainingPhase.Router], manifest.Training!.Phases);
        Assert.Equal(3, manifest.Channels); // the fundus dataset is colour
        Assert.Equal("bc+fundus", manifest.Dataset!.Name);
        Assert.True(manifest.Models.Router!.Temperature > 0);

        var json = JsonDocument.Parse(_run.Training.Stdout).RootElement;
        Assert.Equal(2, json.GetProperty("routing").GetArrayLength()); // val and test
        var events = File.ReadAllLines(Path.Combine(_run.Run, "events.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var started = events.First(e => e.GetProperty("type").GetString() == "run_started");
        Assert.Equal("router", started.GetProperty("phase").GetString());
        var epoch = events.Last(e => e.GetProperty("type").GetString() == "epoch_completed");
        Assert.Equal(3, epoch.GetProperty("confusion_matrix").GetArrayLength());
        Assert.Contains(events, e => e.GetProperty("type").GetString() == "evaluation_completed" && e.GetProperty("model").GetString() == "router");
        foreach (var file in new[] { "metrics.json", "history.csv", "plots/confusion_matrix.png", "plots/loss_router.png", "router/checkpoints/last.ckpt" })
            Assert.True(File.Exists(Path.Combine(_run.Run, file)), file);
    }

    [Fact]
    public void Held_out_images_of_the_three_organs_go_to_their_route()
    {
        var images = TrainedRouterFixture.TestImages(_run.BrainChest).Concat(TrainedRouterFixture.TestImages(_run.Fundus)).ToList();
        Assert.Equal(3, images.Select(i => i.Route).Distinct().Count());
        using var router = Router.Load(_run.Model);
        var decisions = router.Route(images.Select(i => i.Path).ToList());
        Assert.Equal(images.Count, decisions.Count);
        Assert.All(decisions, d => Assert.Null(d.Error));
        double correct = decisions.Zip(images).Average(p => p.First.NearestRoute == p.Second.Route ? 1.0 : 0.0);
        double routed = decisions.Zip(images).Average(p => p.First.Route == p.Second.Route ? 1.0 : 0.0);
        Assert.True(correct >= 0.97, $"nearest route right for {correct:P1} of {images.Count} test images");
        Assert.True(routed >= 0.9, $"routed (not refused) to the right route: {routed:P1}");
        Assert.All(decisions.Where(d => d.Route is not null), d => Assert.InRange(d.Confidence, router.Config.MinConfidence, 1.0));
    }

    // The OOD score reads the low-level statistics of the router's first stages, per route: on this small fixture it
    // flagged all of the noise, 92 % of Fashion-MNIST and none of the held-out organ images when written.
    [Fact]
    public void Noise_and_fashion_mnist_are_unroutable_with_the_reason_and_held_out_organs_are_not()
    {
        using var router = Router.Load(_run.Model);
        var inRoute = router.Route(TrainedRouterFixture.TestImages(_run.BrainChest).Concat(TrainedRouterFixture.TestImages(_run.Fundus)).Select(i => i.Path).ToList());
        var fashion = router.Route(FashionImages(200).ToList());
        var noise = router.Route(NoiseImages(100).ToList());
        double noiseFlagged = noise.Average(d => d.IsUnroutable ? 1.0 : 0.0);
        Assert.True(noiseFlagged >= 0.95, $"noise flagged unroutable: {noiseFlagged:P1}");
        var far = noise.First(d => d.OodScore > router.Config.OodThreshold);
        Assert.Null(far.Route);
        Assert.StartsWith("looks unlike any route the router was trained on (OOD score", far.UnroutableReason);
        double fashionFlagged = fashion.Average(d => d.IsUnroutable ? 1.0 : 0.0), inRouteFlagged = inRoute.Average(d => d.IsUnroutable ? 1.0 : 0.0);
        Assert.True(fashionFlagged >= 0.8, $"Fashion-MNIST flagged unroutable: {fashionFlagged:P1}");
        Assert.True(inRouteFlagged <= 0.05, $"held-out organ images wrongly flagged: {inRouteFlagged:P1}");
        var scores = inRoute.Select(d => d.OodScore).Concat(fashion.Select(d => d.OodScore)).ToArray();
        var truth = inRoute.Select(_ => 0).Concat(fashion.Select(_ => 1)).ToArray();
        double auroc = Vigil.Core.Metrics.BinaryMetrics.Auroc(scores, truth);
        Assert.True(auroc >= 0.95, $"OOD score AUROC, held-out organs vs Fashion-MNIST: {auroc:F3}");
    }

    [Fact]
    public void Real_files_of_modalities_without_a_route_are_unroutable()
    {
        // Real scans from Debian's pydicom corpus: a CT slice (no CT route) and colour test patterns (secondary capture).
        const string pydicom = "/usr/lib/python3/dist-packages/pydicom/data/test_files";
        string[] files = ["CT_small.dcm", "SC_rgb_small_odd.dcm", "SC_rgb_rle.dcm", "SC_ybr_full_422_uncompressed.dcm"];
        using var router = Router.Load(_run.Model);
        var decisions = router.Route(files.Select(f => Path.Combine(pydicom, f)).ToList());
        Assert.All(decisions, d => Assert.Null(d.Error));
        Assert.All(decisions, d => Assert.True(d.IsUnroutable, $"{d.Path} routed to {d.Route} ({d.Confidence:P0}, OOD {d.OodScore:F0} vs {router.Config.OodThreshold:F0})"));
    }

    [Fact]
    public void The_router_package_round_trips_and_a_detector_load_refuses_it()
    {
        var images = TrainedRouterFixture.TestImages(_run.Fundus).Take(10).Select(i => i.Path).ToList();
        using var first = Router.Load(_run.Model);
        using var second = Router.Load(_run.Model);
        var a = first.Route(images);
        var b = second.Route(images);
        Assert.Equal(a.Select(d => (d.Route, d.Confidence, d.OodScore)), b.Select(d => (d.Route, d.Confidence, d.OodScore)));
        // The package holds what training measured: its metrics.json and its manifest agree.
        var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(_run.Run, "metrics.json"))).RootElement.GetProperty("router");
        Assert.Equal(metrics.GetProperty("ood_threshold").GetDouble(), first.Config.OodThreshold);
        Assert.Equal(metrics.GetProperty("temperature").GetDouble(), first.Calibration.Temperature);
        var error = Assert.Throws<UserInputException>(() => Detector.Load(_run.Model, TorchSharp.torch.CPU));
        Assert.Contains("is a router", error.Message);
    }

    [Fact]
    public void One_route_or_datasets_without_region_and_modality_are_input_errors()
    {
        var single = VigilProcess.Run(_run.Dir.Path, "train", "--phase", "router", "--dataset", _run.Fundus, "--image-size", "32", "--epochs", "1", "--output", "r1");
        Assert.Equal(2, single.ExitCode);
        Assert.Contains("one route only (retina/fundus)", single.Stderr);

        // The same images with their region and modality unknown.
        string blind = _run.Dir.Combine("out", "blind");
        Directory.CreateDirectory(Path.Combine(blind, "splits"));
        foreach (var file in new[] { "labeled.csv", "unlabeled.csv", "metadata.json", "training_config.json", "splits/train.csv", "splits/val.csv", "splits/test.csv" })
            File.WriteAllText(Path.Combine(blind, file), File.ReadAllText(Path.Combine(_run.Fundus, file)).Replace(",retina,fundus,", ",unknown,unknown,"));
        var unknown = VigilProcess.Run(_run.Dir.Path, "train", "--phase", "router", "--dataset", _run.BrainChest, "--dataset", blind, "--epochs", "1", "--output", "r2");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("gives no region and modality", unknown.Stderr);
        Assert.DoesNotContain("Exception", unknown.Stderr);
    }

    [Fact]
    public void Other_phases_train_on_the_union_of_several_datasets()
    {
        var run = VigilProcess.Run(_run.Dir.Path, "train", "--phase", "supervised", "--dataset", _run.BrainChest, "--dataset", _run.Fundus, "--model", "tiny",
            "--image-size", "32", "--epochs", "1", "--max-batches", "2", "--output", "union");
        Assert.True(run.ExitCode == 0, run.Stderr);
        var manifest = ModelPackage.ReadManifest(_run.Dir.Combine("union", "model.vigil"));
        Assert.Equal(["drusen", "exudate", "hemorrhage", "normal", "opacity", "tumor"], manifest.Classes);
        Assert.Equal("normal", manifest.NormalClass);
    }

    [Fact]
    public void A_repository_routes_each_image_to_its_model_falls_back_and_lists_strangers_apart()
    {
        var (fundusModel, brainChestModel) = _run.Detectors;
        string repo = _run.Dir.Combine("repo-full");
        Assert.Equal(0, Ok(Cli("repository", "init", repo, "--router", _run.Model, "--fallback", brainChestModel)).ExitCode);
        Ok(Cli("repository", "add", repo, "--route", "retina/fundus", "--model", fundusModel, "--threshold", "0.5"));
        Ok(Cli("repository", "add", repo, "--route", "brain/MRI", "--model", brainChestModel));
        // Models are copied in: the repository no longer depends on the run folders.
        Assert.True(File.Exists(Path.Combine(repo, "routes", "retina-fundus", "model.vigil")));

        var check = Ok(Cli("repository", "check", repo, "--format", "json"));
        var report = JsonDocument.Parse(check.Stdout).RootElement;
        Assert.True(report.GetProperty("ok").GetBoolean());
        Assert.Equal(["router", "route", "route", "fallback"], report.GetProperty("models").EnumerateArray().Select(m => m.GetProperty("role").GetString()));
        var note = Assert.Single(report.GetProperty("problems").EnumerateArray(), p => p.GetProperty("where").GetString() == "route \"chest/X-ray\"");
        Assert.Contains("the fallback detects for it", note.GetProperty("message").GetString());
        Assert.Contains("brain/MRI", Ok(Cli("repository", "list", repo)).Stdout);

        // One image per route, and two strangers: noise and a Fashion-MNIST item.
        string Image(string dataset, string route) => TrainedRouterFixture.TestImages(dataset).First(i => i.Route == route).Path;
        string noise = _run.Dir.Combine("noise.png"), fashion = _run.Dir.Combine("fashion.png");
        var random = new Random(11);
        var pixels = new byte[48 * 48 * 3];
        random.NextBytes(pixels);
        File.WriteAllBytes(noise, Vigil.Imaging.Png.PngEncoder.Encode(new Vigil.Imaging.ImageFrame(48, 48, 3, 8, pixels)));
        File.WriteAllBytes(fashion, Vigil.Imaging.Png.PngEncoder.Encode(Vigil.Imaging.ImageFrame.Grey8(28, 28, FashionPixels(0))));
        string brain = Image(_run.BrainChest, "brain/MRI"), chest = Image(_run.BrainChest, "chest/X-ray"), retina = Image(_run.Fundus, "retina/fundus");
        var detect = Ok(Cli("detect", "--repository", repo, brain, chest, retina, noise, fashion, "--format", "json"));
        var answer = JsonDocument.Parse(detect.Stdout).RootElement;
        var routed = answer.GetProperty("routed").EnumerateArray().ToDictionary(r => r.GetProperty("path").GetString()!);
        Assert.Equal(("brain/MRI", "route"), Route(routed[brain]));
        Assert.Equal(("chest/X-ray", "fallback"), Route(routed[chest]));
        Assert.Equal(("retina/fundus", "route"), Route(routed[retina]));
        foreach (var r in routed.Values)
        {
            Assert.InRange(r.GetProperty("route_confidence").GetDouble(), 0.5, 1.0);
            Assert.InRange(r.GetProperty("anomaly_score").GetDouble(), 0.0, 1.0);
            Assert.Equal(JsonValueKind.String, r.GetProperty("predicted_class_name").ValueKind);
        }
        // The fundus route's threshold is the repository's, not its package's.
        var fundusScore = routed[retina].GetProperty("anomaly_score").GetDouble();
        Assert.Equal(fundusScore >= 0.5, routed[retina].GetProperty("is_anomaly").GetBoolean());
        var strangers = answer.GetProperty("unroutable").EnumerateArray().ToList();
        Assert.Equal(new[] { noise, fashion }, strangers.Select(r => r.GetProperty("path").GetString()));
        Assert.All(strangers, r => Assert.StartsWith("looks unlike any route", r.GetProperty("unroutable").GetString()));
        Assert.All(strangers, r => Assert.Equal(JsonValueKind.Null, r.GetProperty("anomaly_score").ValueKind));

        var text = Ok(Cli("detect", "--repository", repo, chest, noise));
        Assert.Contains("route chest/X-ray", text.Stdout);
        Assert.Contains("fallback model", text.Stdout);
        Assert.Contains("Unroutable (1): no model judged these images.", text.Stdout);

        static (string?, string?) Route(JsonElement row) => (row.GetProperty("route").GetString(), row.GetProperty("model").GetString());
    }

    [Fact]
    public void A_route_without_a_model_or_a_changed_model_fails_the_check_and_wrong_input_is_refused()
    {
        var (fundusModel, brainChestModel) = _run.Detectors;
        string repo = _run.Dir.Combine("repo-partial");
        Ok(Cli("repository", "init", repo, "--router", _run.Model));
        Ok(Cli("repository", "add", repo, "--route", "brain/MRI", "--model", brainChestModel));

        var check = Cli("repository", "check", repo);
        Assert.Equal(1, check.ExitCode);
        Assert.Contains("ERROR: route \"chest/X-ray\": the router sends images to chest/X-ray, but it has no model and there is no fallback", check.Stdout);
        Assert.Contains("ERROR: route \"retina/fundus\"", check.Stdout);

        // An image of a route without a model is an error row, not a silent pass.
        string chest = TrainedRouterFixture.TestImages(_run.BrainChest).First(i => i.Route == "chest/X-ray").Path;
        var detect = Cli("detect", "--repository", repo, chest, "--format", "json");
        Assert.Equal(1, detect.ExitCode);
        var row = Assert.Single(JsonDocument.Parse(detect.Stdout).RootElement.GetProperty("routed").EnumerateArray());
        Assert.Equal("route chest/X-ray has no model in this repository and there is no fallback", row.GetProperty("error").GetString());

        // Refusals, each in the user's terms and without writing anything.
        var wrongRoute = Cli("repository", "add", repo, "--route", "knee/MRI", "--model", fundusModel);
        Assert.Equal(2, wrongRoute.ExitCode);
        Assert.Contains("the router has no route \"knee/MRI\"; its routes are brain/MRI, chest/X-ray, retina/fundus", wrongRoute.Stderr);
        var routerAsModel = Cli("repository", "add", repo, "--route", "chest/X-ray", "--model", _run.Model);
        Assert.Equal(2, routerAsModel.ExitCode);
        Assert.Contains("is a router, not an anomaly detector", routerAsModel.Stderr);
        var detectorAsRouter = Cli("repository", "init", _run.Dir.Combine("repo-bad"), "--router", fundusModel);
        Assert.Equal(2, detectorAsRouter.ExitCode);
        Assert.Contains("is not a router", detectorAsRouter.Stderr);
        Assert.False(Directory.Exists(_run.Dir.Combine("repo-bad")));
        Assert.Equal(2, Cli("repository", "init", repo, "--router", _run.Model).ExitCode); // already a repository
        Assert.Equal(2, Cli("detect", "--repository", repo, "--model", fundusModel, chest).ExitCode);
        foreach (var run in new[] { wrongRoute, routerAsModel, detectorAsRouter }) Assert.DoesNotContain("Exception", run.Stderr);

        // A model changed after it was added is caught before it is trusted.
        var copied = Path.Combine(repo, "routes", "brain-MRI", "model.vigil");
        File.AppendAllText(copied, "tampered");
        var changed = Cli("repository", "check", repo);
        Assert.Equal(1, changed.ExitCode);
        Assert.Contains("routes/brain-MRI/model.vigil changed since it was added", changed.Stdout);
        Assert.Equal(2, Cli("detect", "--repository", repo, chest).ExitCode);
    }

    [Fact]
    public void Evaluate_repository_reports_routing_and_per_route_auroc_against_the_generalist()
    {
        var (fundusModel, brainChestModel) = _run.Detectors;
        string repo = _run.Dir.Combine("repo-eval");
        Ok(Cli("repository", "init", repo, "--router", _run.Model, "--fallback", brainChestModel));
        Ok(Cli("repository", "add", repo, "--route", "retina/fundus", "--model", fundusModel));
        var run = Ok(Cli("evaluate", "--repository", repo, "--dataset", _run.BrainChest, "--dataset", _run.Fundus, "--format", "json"));
        var e = JsonDocument.Parse(run.Stdout).RootElement;
        // Routing is checked on every test-split image, unlabeled ones too; anomaly AUROC on the labeled ones.
        int labeled = TrainedRouterFixture.TestImages(_run.BrainChest).Count + TrainedRouterFixture.TestImages(_run.Fundus).Count;
        int images = e.GetProperty("images").GetInt32();
        Assert.True(images > labeled, $"{images} images routed, {labeled} labeled");
        Assert.Equal(["brain/MRI", "chest/X-ray", "retina/fundus"], e.GetProperty("routes").EnumerateArray().Select(r => r.GetString()));
        var matrix = e.GetProperty("routing_matrix").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetInt32()).ToArray()).ToArray();
        Assert.Equal(images, matrix.Sum(r => r.Sum()));
        Assert.All(matrix, r => Assert.Equal(4, r.Length)); // three routes and "unroutable"
        double diagonal = Enumerable.Range(0, 3).Sum(i => matrix[i][i]) / (double)images;
        Assert.Equal(diagonal, e.GetProperty("routing_accuracy").GetDouble(), 9);
        Assert.True(diagonal >= 0.9, $"routing accuracy {diagonal:P1}");
        var perRoute = e.GetProperty("per_route").EnumerateArray().ToList();
        Assert.Equal(3, perRoute.Count);
        Assert.All(perRoute, r => Assert.InRange(r.GetProperty("auroc_repository").GetDouble(), 0.0, 1.0));
        Assert.All(perRoute, r => Assert.InRange(r.GetProperty("auroc_generalist").GetDouble(), 0.0, 1.0));
        var overall = e.GetProperty("overall");
        Assert.Equal(labeled, overall.GetProperty("images").GetInt32());
        Assert.Equal(labeled, perRoute.Sum(r => r.GetProperty("images").GetInt32()));
        Assert.Equal("the repository's fallback", e.GetProperty("generalist").GetString());
        var text = Ok(Cli("evaluate", "--repository", repo, "--dataset", _run.Fundus));
        Assert.Contains("routing accuracy", text.Stdout);
        Assert.Contains("AUROC generalist", text.Stdout);
        Assert.Equal(2, Cli("evaluate", "--model", fundusModel, "--dataset", _run.Fundus, "--dataset", _run.BrainChest).ExitCode);
    }

    [Fact]
    public async Task The_service_serves_a_repository_as_one_model_with_each_images_route()
    {
        var (fundusModel, brainChestModel) = _run.Detectors;
        // A repository folder inside the served folder is one model, as Triton serves an ensemble.
        string repo = _run.Dir.Combine("served", "organs");
        Ok(Cli("repository", "init", repo, "--router", _run.Model, "--fallback", brainChestModel));
        Ok(Cli("repository", "add", repo, "--route", "retina/fundus", "--model", fundusModel));
        using var serve = await ServeProcess.StartAsync(_run.Dir.Path, "--models", _run.Dir.Combine("served"), "--no-monitor", "--port", "0", "--grpc-port", "0");
        using var http = new HttpClient { BaseAddress = serve.Url };

        var metadata = JsonDocument.Parse(await http.GetStringAsync("v2/models/organs")).RootElement;
        var outputs = metadata.GetProperty("outputs").EnumerateArray().Select(o => o.GetProperty("name").GetString()).ToList();
        Assert.Contains("route", outputs);
        Assert.Contains("route_confidence", outputs);
        Assert.Contains("unroutable", outputs);
        Assert.DoesNotContain("class_probabilities", outputs); // the routes' models have different classes
        Assert.Equal("brain/MRI,chest/X-ray,retina/fundus", metadata.GetProperty("parameters").GetProperty("routes").GetString());

        string retina = TrainedRouterFixture.TestImages(_run.Fundus).First().Path;
        var pixels = new byte[48 * 48 * 3];
        new Random(5).NextBytes(pixels);
        byte[] noise = Vigil.Imaging.Png.PngEncoder.Encode(new Vigil.Imaging.ImageFrame(48, 48, 3, 8, pixels));
        var body = new System.Text.Json.Nodes.JsonObject
        {
            ["inputs"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject
            {
                ["name"] = "image", ["datatype"] = "BYTES", ["shape"] = new System.Text.Json.Nodes.JsonArray(2),
                ["data"] = new System.Text.Json.Nodes.JsonArray(Convert.ToBase64String(File.ReadAllBytes(retina)), Convert.ToBase64String(noise)),
            }),
        };
        var response = await http.PostAsync("v2/models/organs/infer", new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        var answer = JsonDocument.Parse(text).RootElement.GetProperty("outputs").EnumerateArray().ToDictionary(o => o.GetProperty("name").GetString()!, o => o.GetProperty("data"));
        Assert.Equal(["retina/fundus", "unroutable"], answer["route"].EnumerateArray().Select(v => v.GetString()));
        Assert.InRange(answer["route_confidence"][0].GetDouble(), 0.5, 1.0);
        Assert.InRange(answer["anomaly_score"][0].GetDouble(), 0.0, 1.0);
        Assert.Equal(-1.0, answer["anomaly_score"][1].GetDouble()); // not judged
        Assert.False(answer["is_anomaly"][1].GetBoolean());
        Assert.Equal("", answer["unroutable"][0].GetString());
        Assert.StartsWith("looks unlike any route", answer["unroutable"][1].GetString());

        // curl's door answers as vigil detect --repository does.
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(File.ReadAllBytes(retina)), "file", "retina.png" },
            { new ByteArrayContent(noise), "file", "noise.png" },
        };
        var detect = JsonDocument.Parse(await (await http.PostAsync("api/detect", form)).Content.ReadAsStringAsync()).RootElement;
        var routed = Assert.Single(detect.GetProperty("routed").EnumerateArray());
        Assert.Equal(("retina.png", "retina/fundus", "route"), (routed.GetProperty("path").GetString(), routed.GetProperty("route").GetString(), routed.GetProperty("model").GetString()));
        Assert.Equal("noise.png", Assert.Single(detect.GetProperty("unroutable").EnumerateArray()).GetProperty("path").GetString());
        Assert.Equal(0, serve.Interrupt());
    }

    private CliRun Cli(params string[] args) => VigilProcess.Run(_run.Dir.Path, args);

    private static CliRun Ok(CliRun run)
    {
        Assert.True(run.ExitCode == 0, run.Stderr + run.Stdout);
        return run;
    }

    private static byte[] FashionPixels(int index) => FashionItems(index + 1).Last();

    private static IEnumerable<DetectorInput> FashionImages(int count) =>
        FashionItems(count).Select((pixels, i) => DetectorInput.Pixels($"fashion-{i}", pixels, 1, 28, 28));

    // Fashion-MNIST's test images (Debian's dataset-fashion-mnist): IDX, a 16-byte header then 28×28 bytes per image.
    private static IEnumerable<byte[]> FashionItems(int count)
    {
        using var gzip = new GZipStream(File.OpenRead(FashionTest), CompressionMode.Decompress);
        gzip.ReadExactly(new byte[16]);
        for (int i = 0; i < count; i++)
        {
            var pixels = new byte[28 * 28];
            gzip.ReadExactly(pixels);
            yield return pixels;
        }
    }

    private static IEnumerable<DetectorInput> NoiseImages(int count)
    {
        var random = new Random(3);
        for (int i = 0; i < count; i++)
        {
            var pixels = new byte[3 * 48 * 48];
            random.NextBytes(pixels);
            yield return DetectorInput.Pixels($"noise-{i}", pixels, 3, 48, 48);
        }
    }
}
