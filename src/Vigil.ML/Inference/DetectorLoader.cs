using System.Text.Json;
using TorchSharp;
using Vigil.Core;
using Vigil.Core.Json;
using Vigil.Core.Metrics;
using Vigil.Imaging;
using Vigil.ML.Models.EfficientNet;
using Vigil.ML.Models.Hybrid;
using Vigil.ML.Models.Vae;
using Vigil.ML.Native;

namespace Vigil.ML.Inference;

/// <summary>A model file opened for inference: its manifest and the rebuilt detector (models in eval mode on the device).</summary>
/// <param name="Path">The model.vigil file.</param>
/// <param name="Manifest">Its manifest.</param>
/// <param name="Parts">Models, scorer and threshold exactly as evaluated at training time.</param>
/// <param name="ReadOptions">How to read images as training did (the manifest's preprocessing, or the defaults of packages without it).</param>
public sealed record LoadedDetector(string Path, ModelPackageManifest Manifest, DetectorParts Parts, ImageReadOptions ReadOptions)
{
    /// <summary>The detector API over a batch of images in [0,1].</summary>
    public HybridDetector Detector => Parts.Detector();
}

/// <summary>Rebuilds the detector stored in a model package (weights + manifest).</summary>
public static class DetectorLoader
{
    /// <summary>
    /// Opens <paramref name="path"/> and rebuilds its models on <paramref name="device"/>. The VAE scores by the kind the
    /// package records, or by <paramref name="vaeScore"/> when given (the calibration and threshold stay the package's,
    /// fitted for its own kind, so only rankings — AUROC, AUPR — compare across kinds).
    /// </summary>
    /// <exception cref="UserInputException">The file is missing, not a Vigil model, or damaged; or the model cannot score by <paramref name="vaeScore"/>.</exception>
    public static LoadedDetector Load(string path, torch.Device device, VaeScoreKind? vaeScore = null)
    {
        if (!File.Exists(path)) throw new UserInputException($"model file '{path}' does not exist; train one with 'vigil train' (it writes <run>/model.vigil).");
        TorchNative.EnsureLoaded();
        try
        {
            using var reader = ModelPackage.Open(path);
            var m = reader.Manifest;
            if (m.Models is { Router: not null, Classifier: null, Vae: null })
                throw new UserInputException($"model file '{path}' is a router (routes {string.Join(", ", m.Classes)}), not an anomaly detector; " +
                                             "it picks which detector an image goes to. Load it with Vigil.ML.Inference.Router, or detect with a model from 'vigil train --phase all'.");
            var readOptions = (m.Preprocessing ?? PackagePreprocessing.Default).ToReadOptions(path);
            EfficientNetModel? classifier = null;
            VaeModel? vae = null;
            if (m.Models.Classifier is { } c)
            {
                classifier = ModelFactory.Classifier(EfficientNetScaling.FromName(c.Variant), m.Channels, c.NumClasses, m.Normalization, device);
                reader.LoadWeights("classifier", classifier);
                classifier.eval();
            }
            if (vaeScore is not null && m.Models.Vae is null)
                throw new UserInputException($"model file '{path}' has no VAE, so a VAE score cannot be chosen for it.");
            if (m.Models.Vae is { } v)
            {
                if (!Enum.TryParse<VaeScoreKind>(v.Score, ignoreCase: false, out var score) || !Enum.IsDefined(score))
                    throw new ModelPackageException(path, $"the VAE's score kind '{v.Score}' is unknown to this Vigil version ({VigilInfo.Version}); use the version that trained it");
                if (vaeScore is { } needsHead && needsHead.NeedsHead() && !v.AnomalyHead)
                    throw new UserInputException($"model file '{path}' has no anomaly head, so it cannot score by {vaeScore.Value.ToText()}; train it with the head (--head-epochs) or choose another score.");
                vae = ModelFactory.Vae(m.Channels, m.ImageSize, v.LatentDim, v.BaseWidth, device, vaeScore ?? score, v.AnomalyHead, v.HeadStatistics, v.LatentBank);
                reader.LoadWeights("vae", vae);
                vae.eval();
                if (vaeScore is { } asked && !vae.CanScore(asked))
                    throw new UserInputException($"model file '{path}' lacks what the {asked.ToText()} score needs (fitted statistics or a trained head); choose another score.");
            }
            var calibration = m.Calibration is { } j ? j.Deserialize<RobustLogisticCalibration>(VigilJson.Options) : null;
            var weights = m.HybridWeights ?? new PackageHybridWeights(classifier is null ? 0 : 1, vae is null ? 0 : 1);
            var scorer = new HybridScorer(weights.Supervised, weights.Unsupervised, calibration);
            var thresholds = m.Thresholds ?? new PackageThresholds { Default = 0.5, Method = "default" };
            var critical = thresholds.PerClass.Select(p => new CriticalClassRule(p.Key, thresholds.RequiredSensitivity.GetValueOrDefault(p.Key, double.NaN), p.Value)).ToList();
            var parts = new DetectorParts(classifier, vae, m.Classes, m.NormalClass, scorer, thresholds.Default, thresholds.Method, critical,
                m.Models.Classifier?.TestTimeFlip ?? false);
            _ = parts.Detector(); // checks that the parts fit together (class names, critical rules) before anyone uses them
            return new LoadedDetector(path, m, parts, readOptions);
        }
        catch (ModelPackageException e) { throw new UserInputException($"model file '{path}' cannot be used: {e.Message}", e); }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidDataException)
        {
            throw new UserInputException($"model file '{path}' is damaged or not a Vigil model: {e.Message}", e);
        }
    }
}
