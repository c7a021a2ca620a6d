using Vigil.Imaging;

namespace Vigil.Datasets;

/// <summary>Everything <c>vigil organize</c> takes. Only <see cref="Sources"/> and <see cref="Name"/> are required.</summary>
public sealed record OrganizeOptions
{
    /// <summary>Where datasets go when no output folder is given.</summary>
    public const string DefaultOutputRoot = "datasets/anomaly_detection";

    /// <summary>
    /// Source paths, combined into one dataset: folders (class = sub-folder), CSV manifests, or single files
    /// (.npz, IDX images file, NIfTI volume, DICOM file, any image).
    /// </summary>
    public required IReadOnlyList<string> Sources { get; init; }

    /// <summary>Dataset name: the folder created under <see cref="OutputRoot"/>. Letters, digits, '.', '_' and '-'.</summary>
    public required string Name { get; init; }

    /// <summary>Folder that holds datasets; nothing is written outside it.</summary>
    public string OutputRoot { get; init; } = DefaultOutputRoot;

    /// <summary>Class that means "no anomaly"; null to detect it from class names or the MedMNIST catalog.</summary>
    public string? NormalClass { get; init; }

    /// <summary>Train/val/test percentages.</summary>
    public SplitRatios Split { get; init; } = SplitRatios.Default;

    /// <summary>Seed for every random choice (splits, balancing), so a re-run gives identical files.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Class balancing of the training split.</summary>
    public BalanceMode Balance { get; init; } = BalanceMode.None;

    /// <summary>Region for every image, overriding detection (a canonical name or synonym: "brain", "thorax"…).</summary>
    public string? Region { get; init; }

    /// <summary>Modality for every image, overriding detection ("MRI", "ct", "xray"…).</summary>
    public string? Modality { get; init; }

    /// <summary>Options passed to readers (slice axis for volumes, size limits).</summary>
    public ImageReadOptions ReadOptions { get; init; } = ImageReadOptions.Default;

    /// <summary>Worker threads for decoding, hashing and encoding; defaults to the processor count.</summary>
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;
}
