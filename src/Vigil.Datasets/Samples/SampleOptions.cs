namespace Vigil.Datasets.Samples;

/// <summary>Options of the synthetic sample data generator (<c>vigil sample</c>, <c>vigil demo</c>).</summary>
public sealed record SampleOptions
{
    /// <summary>Images generated per organ when not told otherwise.</summary>
    public const int DefaultImagesPerOrgan = 1000;

    /// <summary>Folder to write into; it must be empty, absent, or hold an earlier sample (which is replaced).</summary>
    public required string OutputFolder { get; init; }
    /// <summary>The organs drawn by default: brain MRI and chest X-ray (what <c>vigil demo</c> trains on).</summary>
    public static IReadOnlyList<string> DefaultOrgans { get; } = ["brain", "chest"];

    /// <summary>
    /// Organs to draw, by <see cref="SampleDataGenerator.OrganNames"/>: <c>brain</c> (MRI, grey), <c>chest</c> (X-ray,
    /// grey), <c>fundus</c> (region retina, colour). A sample with fundus images organizes into a 3-channel dataset.
    /// </summary>
    public IReadOnlyList<string> Organs { get; init; } = DefaultOrgans;
    /// <summary>Images per organ; at least 10.</summary>
    public int ImagesPerOrgan { get; init; } = DefaultImagesPerOrgan;
    /// <summary>Square image size in pixels (32–1024).</summary>
    public int ImageSize { get; init; } = 128;
    /// <summary>Seed: the same seed and options give byte-identical files.</summary>
    public int Seed { get; init; } = 42;
    /// <summary>Share of images written without a label (under …/unlabeled/, empty label in the manifest).</summary>
    public double UnlabeledFraction { get; init; } = 0.2;
    /// <summary>Worker threads; defaults to the processor count.</summary>
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;
}

/// <summary>What the generator wrote.</summary>
/// <param name="OutputFolder">Absolute path of the sample folder.</param>
/// <param name="ManifestPath">Absolute path of manifest.csv.</param>
/// <param name="Images">Images written.</param>
/// <param name="Labeled">Images with a label in the manifest.</param>
/// <param name="Unlabeled">Images without.</param>
/// <param name="Patients">Synthetic patients (each has several images).</param>
/// <param name="ClassCounts">Images per "organ/class" ("brain_mri/tumor", "chest_xray/unlabeled"…).</param>
/// <param name="Elapsed">Time taken.</param>
public sealed record SampleResult(
    string OutputFolder, string ManifestPath, int Images, int Labeled, int Unlabeled, int Patients,
    IReadOnlyDictionary<string, int> ClassCounts, TimeSpan Elapsed);
