using System.Text;
using System.Text.Json;
using Vigil.Core.Json;
using Vigil.Core.Runs;
using Vigil.ML.Data;
using Vigil.ML.Inference;
using Vigil.ML.Models.EfficientNet;
using Vigil.ML.Models.Routing;
using static TorchSharp.torch;

namespace Vigil.ML.Runs;

/// <summary>Writes a run's model package (<c>model.vigil</c>): the detector's or the router's models, preprocessing, thresholds and provenance.</summary>
internal static class RunPackager
{
    /// <summary>Writes <paramref name="detector"/> with everything inference needs as a model package at <paramref name="path"/>.</summary>
    public static void Package(TrainRequest request, DetectorParts detector, PackageNormalization normalization,
        IReadOnlyList<TrainingPhase> phases, IReadOnlyList<HistoryRow> history, string path)
    {
        var modules = new Dictionary<string, nn.Module>();
        if (detector.Classifier is { } c) modules["classifier"] = c;
        if (detector.Vae is { } v) modules["vae"] = v;
        var manifest = Common(request, detector.Classes, normalization, phases, history) with
        {
            NormalClass = detector.NormalClass,
            Models = new PackageModels
            {
                Classifier = detector.Classifier is null ? null : new PackageClassifier { Variant = request.Variant.Name, NumClasses = detector.Classes.Count, TestTimeFlip = detector.TestTimeFlip },
                Vae = detector.Vae is { } vae ? new PackageVae { LatentDim = vae.Options.LatentDim, BaseWidth = vae.Options.BaseWidth, Score = vae.EffectiveScore.ToString(), AnomalyHead = vae.Head is not null, HeadStatistics = vae.HasHeadStatisticsBuffer, LatentBank = vae.Options.LatentBank } : null,
            },
            HybridWeights = new PackageHybridWeights(detector.Scorer.SupervisedWeight, detector.Scorer.ReconstructionWeight),
            Calibration = detector.Scorer.Calibration is { } cal ? JsonSerializer.SerializeToElement(cal, VigilJson.Options) : null,
            Thresholds = new PackageThresholds
            {
                Default = detector.Threshold, Method = detector.ThresholdMethod,
                PerClass = detector.Critical.ToDictionary(r => r.ClassName, r => r.ProbabilityThreshold),
                RequiredSensitivity = detector.Critical.ToDictionary(r => r.ClassName, r => r.RequiredSensitivity),
            },
        };
        ModelPackage.Save(path, manifest, modules);
    }

    /// <summary>
    /// Writes a router package: the route classifier (<c>router</c>), its OOD statistics (<c>router_ood</c>) and the
    /// manifest's <c>models.router</c> section; the routes are the manifest's classes.
    /// </summary>
    public static void PackageRouter(TrainRequest request, EfficientNetModel classifier, MahalanobisDistance ood, PackageNormalization normalization,
        PackageRouter config, IReadOnlyList<HistoryRow> history, string path)
    {
        var manifest = Common(request, config.Routes.Select(r => r.Name).ToArray(), normalization, [TrainingPhase.Router], history) with
        {
            Models = new PackageModels { Router = config },
        };
        ModelPackage.Save(path, manifest, new Dictionary<string, nn.Module> { ["router"] = classifier, ["router_ood"] = ood });
    }

    // What every package records: classes, input, preprocessing, provenance and a summary of training.
    private static ModelPackageManifest Common(TrainRequest request, IReadOnlyList<string> classes, PackageNormalization normalization,
        IReadOnlyList<TrainingPhase> phases, IReadOnlyList<HistoryRow> history)
    {
        var best = history.Where(h => h.IsBest).LastOrDefault();
        return new ModelPackageManifest
        {
            Created = DateTimeOffset.UtcNow, Classes = classes,
            ImageSize = request.ImageSize!.Value, Channels = request.Channels!.Value, Normalization = normalization,
            Preprocessing = PackagePreprocessing.Current,
            Dataset = new PackageDataset { Name = request.Dataset.Name, Path = request.Dataset.Folder, CsvHash = DatasetHash(request.Dataset) },
            Training = new PackageTraining { Epochs = history.Count, BestMetric = best?.Monitor, BestValue = best?.MonitorValue, BestEpoch = best?.Epoch, Phases = phases },
        };
    }

    public static string DatasetHash(DatasetSpec spec)
    {
        var hash = new System.IO.Hashing.XxHash128();
        foreach (var (name, split) in spec.Splits.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            foreach (var row in split.Rows) hash.Append(Encoding.UTF8.GetBytes($"{name}|{row.Path}|{row.Label}|{row.ContentHash}\n"));
        return Convert.ToHexStringLower(hash.GetCurrentHash());
    }
}
