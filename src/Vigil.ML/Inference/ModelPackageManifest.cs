using System.Text.Json;
using Vigil.Core;
using Vigil.ML.Persistence;

namespace Vigil.ML.Inference;

/// <summary>
/// A model package's <c>manifest.json</c>: everything inference needs to reproduce evaluation exactly (classes,
/// input size, normalisation, model configurations, score weights, calibration, thresholds) plus where the model
/// came from. <see cref="FormatVersion"/>, <see cref="VigilVersion"/>, <see cref="Created"/> and <see cref="Weights"/>
/// are filled in by <see cref="ModelPackage.Save"/>.
/// </summary>
public sealed record ModelPackageManifest
{
    /// <summary>The package layout version; readers refuse a newer one.</summary>
    public int FormatVersion { get; init; } = ModelPackage.FormatVersion;

    /// <summary>The Vigil version that wrote it.</summary>
    public string VigilVersion { get; init; } = VigilInfo.Version;

    /// <summary>When it was written (UTC).</summary>
    public DateTimeOffset Created { get; init; }

    /// <summary>Class names in model output order.</summary>
    public required IReadOnlyList<string> Classes { get; init; }

    /// <summary>The class that means "no anomaly", if any.</summary>
    public string? NormalClass { get; init; }

    /// <summary>Side of the square input, in pixels.</summary>
    public required int ImageSize { get; init; }

    /// <summary>Input channels (1 grey, 3 colour).</summary>
    public required int Channels { get; init; }

    /// <summary>Per-channel normalisation applied after scaling pixels to [0, 1].</summary>
    public required PackageNormalization Normalization { get; init; }

    /// <summary>
    /// How training read and converted images (slice axis, DICOM values, channel policy, resize); null in packages
    /// written before it was recorded, which are read with <see cref="PackagePreprocessing.Default"/>.
    /// </summary>
    public PackagePreprocessing? Preprocessing { get; init; }

    /// <summary>The sub-models' configurations (enough to rebuild them before loading weights).</summary>
    public PackageModels Models { get; init; } = new();

    /// <summary>How supervised and unsupervised scores are combined, for hybrid packages.</summary>
    public PackageHybridWeights? HybridWeights { get; init; }

    /// <summary>Score calibration parameters, as the metrics code defines them (kept as JSON here).</summary>
    public JsonElement? Calibration { get; init; }

    /// <summary>Decision thresholds.</summary>
    public PackageThresholds? Thresholds { get; init; }

    /// <summary>The dataset trained on.</summary>
    public PackageDataset? Dataset { get; init; }

    /// <summary>A summary of training.</summary>
    public PackageTraining? Training { get; init; }

    /// <summary>The weight entries (one per sub-model) with sizes and SHA-256; written by <see cref="ModelPackage.Save"/>.</summary>
    public IReadOnlyList<ArchiveEntryInfo> Weights { get; init; } = [];
}
