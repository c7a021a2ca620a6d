using System.Text;
using System.Text.Json;
using Vigil.Core.Json;
using Vigil.Core.Runs;
using Vigil.ML.Data;
using Vigil.ML.Inference;
using static TorchSharp.torch;

namespace Vigil.ML.Runs;

/// <summary>Writes a run's model package (<c>model.vigil</c>): the models, preprocessing, weights, thresholds and provenance.</summary>
internal static class RunPackager
{
    /// <summary>Writes <paramref name="detector"/> with everything inference needs as a model package at <paramref name="path"/>.</summary>
    public static void Package(TrainRequest request, DetectorParts detector, PackageNormalization normalization,
        IReadOnlyList<TrainingPhase> phases, IReadOnlyList<HistoryRow> history, string path)
    {
        var modules = new Dictionary<string, nn.Module>();
        if (detector.Classifier is { } c) modules["classifier"] = c;
        if (detector.Vae is { } v) modules["vae"] = v;
        var best = history.Where(h => h.IsBest).LastOrDefault();
        var manifest = new ModelPackageManifest
        {
            Created = DateTimeOffset.UtcNow,
            Classes = detector.Classes, NormalClass = detector.NormalClass,
            ImageSize = request.ImageSize!.Value, Channels = request.Channels!.Value, Normalization = normalization,
            Preprocessing = PackagePreprocessing.Current,
            Models = new PackageModels
            {
                Classifier = detector.Classifier is null ? null : new PackageClassifier { Variant = request.Variant.Name, NumClasses = detector.Classes.Count, TestTimeFlip = detector.TestTimeFlip },
                Vae = detector.Vae is { } vae ? new PackageVae { LatentDim = vae.Options.LatentDim, BaseWidth = vae.Options.BaseWidth, Score = vae.EffectiveScore.ToString(), AnomalyHead = vae.Head is not null, HeadStatistics = vae.HasHeadStatisticsBuffer } : null,
            },
            HybridWeights = new PackageHybridWeights(detector.Scorer.SupervisedWeight, detector.Scorer.ReconstructionWeight),
            Calibration = detector.Scorer.Calibration is { } cal ? JsonSerializer.SerializeToElement(cal, VigilJson.Options) : null,
            Thresholds = new PackageThresholds
            {
                Default = detector.Threshold, Method = detector.ThresholdMethod,
                PerClass = detector.Critical.ToDictionary(r => r.ClassName, r => r.ProbabilityThreshold),
                RequiredSensitivity = detector.Critical.ToDictionary(r => r.ClassName, r => r.RequiredSensitivity),
            },
            Dataset = new PackageDataset { Name = request.Dataset.Name, Path = request.Dataset.Folder, CsvHash = DatasetHash(request.Dataset) },
            Training = new PackageTraining { Epochs = history.Count, BestMetric = best?.Monitor, BestValue = best?.MonitorValue, BestEpoch = best?.Epoch, Phases = phases },
        };
        ModelPackage.Save(path, manifest, modules);
    }

    public static string DatasetHash(DatasetSpec spec)
    {
        var hash = new System.IO.Hashing.XxHash128();
        foreach (var (name, split) in spec.Splits.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            foreach (var row in split.Rows) hash.Append(Encoding.UTF8.GetBytes($"{name}|{row.Path}|{row.Label}|{row.ContentHash}\n"));
        return Convert.ToHexStringLower(hash.GetCurrentHash());
    }
}
