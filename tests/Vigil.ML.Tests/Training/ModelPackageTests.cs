using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using TorchSharp;
using Vigil.Core;
using Vigil.Core.Runs;
using Vigil.ML.Inference;
using static TorchSharp.torch;

namespace Vigil.ML.Tests.Training;

/// <summary>model.vigil round trips (weights, BatchNorm statistics, manifest) and refuses what it cannot use.</summary>
[Collection(TorchCollection.Name)]
public sealed class ModelPackageTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public ModelPackageTests() => Vigil.ML.Native.TorchNative.EnsureLoaded();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void WeightsAndBatchNormStatisticsRoundTripToIdenticalOutputs()
    {
        string path = _folder.File("model.vigil");
        using nn.Module<Tensor, Tensor> classifier = Classifier(seed: 1);
        using nn.Module<Tensor, Tensor> vae = Encoder(seed: 2);
        Train(classifier);
        using Tensor input = Input(seed: 9);
        using Tensor expected = Eval(classifier, input);
        using Tensor expectedVae = Eval(vae, input);

        ModelPackage.Save(path, Manifest(), new Dictionary<string, nn.Module> { ["classifier"] = classifier, ["vae"] = vae });
        using nn.Module<Tensor, Tensor> loaded = Classifier(seed: 50);
        using nn.Module<Tensor, Tensor> loadedVae = Encoder(seed: 51);
        using Tensor before = Eval(loaded, input);
        using (ModelPackageReader reader = ModelPackage.Open(path))
        {
            reader.LoadWeights("classifier", loaded);
            reader.LoadWeights("vae", loadedVae);
        }

        Assert.False(Same(before, expected), "the fresh model already matched: the test proves nothing");
        using Tensor after = Eval(loaded, input);
        using Tensor afterVae = Eval(loadedVae, input);
        Assert.True(Same(after, expected), "outputs differ after loading");
        Assert.True(Same(afterVae, expectedVae));
        // The running statistics themselves, not only their effect.
        Dictionary<string, Tensor> saved = classifier.state_dict(), back = loaded.state_dict();
        Assert.True(Same(saved["bn.running_var"], back["bn.running_var"]));
        Assert.True(Same(saved["bn.running_mean"], back["bn.running_mean"]));
        Assert.Equal(saved["bn.num_batches_tracked"].item<long>(), back["bn.num_batches_tracked"].item<long>());
        Assert.Equal(3, back["bn.num_batches_tracked"].item<long>());
    }

    [Fact]
    public void TheManifestRoundTripsAndCarriesTheWeightsIndex()
    {
        string path = _folder.File("model.vigil");
        using nn.Module<Tensor, Tensor> classifier = Classifier(seed: 1);
        using nn.Module<Tensor, Tensor> vae = Encoder(seed: 2);

        ModelPackageManifest written = ModelPackage.Save(path, Manifest(), new Dictionary<string, nn.Module> { ["classifier"] = classifier, ["vae"] = vae });
        ModelPackageManifest read = ModelPackage.ReadManifest(path);

        Assert.Equal(ModelPackage.FormatVersion, read.FormatVersion);
        Assert.Equal(VigilInfo.Version, read.VigilVersion);
        Assert.NotEqual(default, read.Created);
        Assert.Equal(["normal", "lesion", "artefact"], read.Classes);
        Assert.Equal("normal", read.NormalClass);
        Assert.Equal([0.485, 0.456, 0.406], read.Normalization.Mean);
        Assert.Equal("tiny", read.Models.Classifier!.Variant);
        Assert.Equal(0.2, read.Models.Classifier.Settings!["drop_rate"].GetDouble());
        Assert.Equal(16, read.Models.Vae!.LatentDim);
        Assert.Equal("gate", read.Models.Other!["segmenter"].GetProperty("kind").GetString());
        Assert.Equal(new PackageHybridWeights(0.7, 0.3), read.HybridWeights);
        Assert.Equal(1.5, read.Calibration!.Value.GetProperty("temperature").GetDouble());
        Assert.Equal(0.42, read.Thresholds!.Default);
        Assert.Equal(0.1, read.Thresholds.PerClass["lesion"]);
        Assert.Equal("abc123", read.Dataset!.CsvHash);
        Assert.Equal([TrainingPhase.Supervised, TrainingPhase.Unsupervised], read.Training!.Phases);
        Assert.Equal(written.Weights, read.Weights);
        Assert.Equal(["classifier", "vae"], read.Weights.Select(w => w.Name));
        Assert.Equal("weights/classifier.bin", read.Weights[0].Entry);

        using var archive = ZipFile.OpenRead(path);
        Assert.Equal(["manifest.json", "weights/classifier.bin", "weights/vae.bin"], archive.Entries.Select(e => e.FullName));
        using var manifest = JsonDocument.Parse(archive.GetEntry("manifest.json")!.Open());
        Assert.Equal(0.7, manifest.RootElement.GetProperty("hybrid_weights").GetProperty("supervised").GetDouble());
        Assert.Equal(1, manifest.RootElement.GetProperty("format_version").GetInt32());
    }

    [Fact]
    public void SavingReplacesAnExistingPackageAndLeavesNoTemporaryFiles()
    {
        string path = _folder.File("model.vigil");
        using nn.Module<Tensor, Tensor> classifier = Classifier(seed: 1);
        var modules = new Dictionary<string, nn.Module> { ["classifier"] = classifier };
        ModelPackage.Save(path, Manifest() with { Models = new PackageModels { Classifier = new PackageClassifier { Variant = "tiny", NumClasses = 3 } } }, modules);

        ModelPackage.Save(path, Manifest() with { Models = new PackageModels { Classifier = new PackageClassifier { Variant = "b0", NumClasses = 3 } } }, modules);

        Assert.Equal("b0", ModelPackage.ReadManifest(path).Models.Classifier!.Variant);
        Assert.Equal(["model.vigil"], Directory.GetFiles(_folder.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void ACorruptZipIsRefusedNamingTheFile()
    {
        string path = _folder.File("model.vigil");
        File.WriteAllBytes(path, [0x50, 0x4B, 0x03, 0x04, 1, 2, 3]);

        ModelPackageException e = Assert.Throws<ModelPackageException>(() => ModelPackage.ReadManifest(path));

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("unreadable", e.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<UserInputException>(e);
    }

    [Fact]
    public void AZipWithoutAManifestIsNotAPackage()
    {
        string path = _folder.File("other.zip");
        using (var archive = ZipFile.Open(path, ZipArchiveMode.Create)) archive.CreateEntry("readme.txt");

        Assert.Contains("not a Vigil model package", Assert.Throws<ModelPackageException>(() => ModelPackage.ReadManifest(path)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingWeightsEntryIsReportedAsDamage()
    {
        string path = SavedPackage();
        using (var archive = ZipFile.Open(path, ZipArchiveMode.Update)) archive.GetEntry("weights/classifier.bin")!.Delete();

        using nn.Module<Tensor, Tensor> target = Classifier(seed: 3);
        ModelPackageException e = Assert.Throws<ModelPackageException>(() => ModelPackage.LoadWeights(path, "classifier", target));
        Assert.Contains("weights/classifier.bin is missing", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ChangedWeightBytesFailTheChecksum()
    {
        string path = SavedPackage();
        using (var archive = ZipFile.Open(path, ZipArchiveMode.Update))
        {
            ZipArchiveEntry entry = archive.GetEntry("weights/classifier.bin")!;
            byte[] data;
            using (var copy = new MemoryStream())
            {
                using (Stream s = entry.Open()) s.CopyTo(copy);
                data = copy.ToArray();
            }
            data[^3] ^= 0xFF; // a well-formed zip whose content is not what was saved
            entry.Delete();
            using Stream w = archive.CreateEntry("weights/classifier.bin").Open();
            w.Write(data);
        }

        using nn.Module<Tensor, Tensor> target = Classifier(seed: 3);
        Assert.Contains("SHA-256", Assert.Throws<ModelPackageException>(() => ModelPackage.LoadWeights(path, "classifier", target)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ANewerFormatVersionIsRefusedAsSuch()
    {
        string path = SavedPackage();
        using (var archive = ZipFile.Open(path, ZipArchiveMode.Update))
        {
            ZipArchiveEntry entry = archive.GetEntry("manifest.json")!;
            JsonNode manifest;
            using (Stream s = entry.Open()) manifest = JsonNode.Parse(s)!;
            manifest["format_version"] = ModelPackage.FormatVersion + 1;
            manifest["something_new"] = "a field this version does not know";
            entry.Delete();
            using Stream w = archive.CreateEntry("manifest.json").Open();
            w.Write(System.Text.Encoding.UTF8.GetBytes(manifest.ToJsonString()));
        }

        ModelPackageException e = Assert.Throws<ModelPackageException>(() => ModelPackage.ReadManifest(path));
        Assert.Contains($"format version {ModelPackage.FormatVersion + 1}", e.Message, StringComparison.Ordinal);
        Assert.Contains("upgrade Vigil", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownWeightsAndMisfitModulesAreExplained()
    {
        string path = SavedPackage();
        using nn.Module<Tensor, Tensor> wider = Classifier(seed: 3, width: 6);

        Assert.Contains("has no weights named 'vae'; it has [classifier]", Assert.Throws<ModelPackageException>(() => ModelPackage.LoadWeights(path, "vae", wider)).Message, StringComparison.Ordinal);
        Assert.Contains("do not fit", Assert.Throws<ModelPackageException>(() => ModelPackage.LoadWeights(path, "classifier", wider)).Message, StringComparison.Ordinal);
        using nn.Module<Tensor, Tensor> encoder = Encoder(seed: 4);
        Assert.Contains("has 9 tensors but the module has 7", Assert.Throws<ModelPackageException>(() => ModelPackage.LoadWeights(path, "classifier", encoder)).Message, StringComparison.Ordinal);
        Assert.Throws<ModelPackageException>(() => ModelPackage.ReadManifest(_folder.File("absent.vigil")));
    }

    [Fact]
    public void InconsistentManifestsAreNotWritten()
    {
        string path = _folder.File("bad.vigil");
        using nn.Module<Tensor, Tensor> classifier = Classifier(seed: 1);
        var modules = new Dictionary<string, nn.Module> { ["classifier"] = classifier };

        Assert.Throws<ArgumentException>(() => ModelPackage.Save(path, Manifest() with { NormalClass = "healthy" }, modules));
        Assert.Throws<ArgumentException>(() => ModelPackage.Save(path, Manifest() with { Normalization = new PackageNormalization([0.5], [0.5]) }, modules));
        Assert.Throws<ArgumentException>(() => ModelPackage.Save(path, Manifest(), modules)); // configures a VAE it lacks
        Assert.Throws<ArgumentException>(() => ModelPackage.Save(path, Manifest(), new Dictionary<string, nn.Module> { ["Classifier"] = classifier }));
        Assert.False(File.Exists(path));
    }

    private string SavedPackage()
    {
        string path = _folder.File("model.vigil");
        using nn.Module<Tensor, Tensor> classifier = Classifier(seed: 1);
        ModelPackage.Save(path, Manifest() with { Models = new PackageModels { Classifier = new PackageClassifier { Variant = "tiny", NumClasses = 3 } } },
            new Dictionary<string, nn.Module> { ["classifier"] = classifier });
        return path;
    }

    private static ModelPackageManifest Manifest() => new()
    {
        Classes = ["normal", "lesion", "artefact"],
        NormalClass = "normal",
        ImageSize = 8,
        Channels = 3,
        Normalization = new PackageNormalization([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]),
        Models = new PackageModels
        {
            Classifier = new PackageClassifier { Variant = "tiny", NumClasses = 3, Settings = new() { ["drop_rate"] = JsonSerializer.SerializeToElement(0.2) } },
            Vae = new PackageVae { LatentDim = 16, BaseWidth = 8 },
            Other = new() { ["segmenter"] = JsonSerializer.SerializeToElement(new { kind = "gate" }) },
        },
        HybridWeights = new PackageHybridWeights(0.7, 0.3),
        Calibration = JsonSerializer.SerializeToElement(new { method = "temperature", temperature = 1.5 }),
        Thresholds = new PackageThresholds { Default = 0.42, Method = "youden", PerClass = new Dictionary<string, double> { ["lesion"] = 0.1 } },
        Dataset = new PackageDataset { Name = "retina", Path = "/data/retina", CsvHash = "abc123" },
        Training = new PackageTraining { Epochs = 12, BestMetric = "val_auroc_macro", BestValue = 0.93, BestEpoch = 9, Phases = [TrainingPhase.Supervised, TrainingPhase.Unsupervised] },
    };

    private static nn.Module<Tensor, Tensor> Classifier(long seed, int width = 4)
    {
        torch.manual_seed(seed);
        return nn.Sequential(
            ("conv", nn.Conv2d(3, width, kernel_size: 3, padding: 1)),
            ("bn", nn.BatchNorm2d(width)),
            ("relu", nn.ReLU()),
            ("flatten", nn.Flatten()),
            ("head", nn.Linear(width * 8 * 8, 3)));
    }

    private static nn.Module<Tensor, Tensor> Encoder(long seed)
    {
        torch.manual_seed(seed);
        return nn.Sequential(("conv", nn.Conv2d(3, 2, kernel_size: 3, stride: 2, padding: 1)), ("bn", nn.BatchNorm2d(2)), ("flatten", nn.Flatten()));
    }

    /// <summary>Three training-mode passes, so the running statistics move away from their initial 0 / 1.</summary>
    private static void Train(nn.Module<Tensor, Tensor> model)
    {
        model.train();
        for (int i = 0; i < 3; i++)
        {
            using Tensor x = Input(seed: 100 + i) * 3 + 1;
            using (torch.no_grad()) model.forward(x).Dispose();
        }
    }

    private static Tensor Input(long seed)
    {
        using var generator = new torch.Generator((ulong)seed);
        return torch.randn([4, 3, 8, 8], generator: generator);
    }

    /// <summary>Bit-for-bit equality (shape and bytes).</summary>
    private static bool Same(Tensor a, Tensor b) =>
        a.shape.SequenceEqual(b.shape) && a.dtype == b.dtype && a.contiguous().bytes.SequenceEqual(b.contiguous().bytes);

    private static Tensor Eval(nn.Module<Tensor, Tensor> model, Tensor input)
    {
        model.eval();
        using (torch.no_grad()) return model.forward(input);
    }
}
