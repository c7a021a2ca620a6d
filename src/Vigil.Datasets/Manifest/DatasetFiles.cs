namespace Vigil.Datasets.Manifest;

/// <summary>File names of the dataset folder contract (docs/dataset-format.md).</summary>
public static class DatasetFiles
{
    /// <summary>Every labeled image, with its split.</summary>
    public const string Labeled = "labeled.csv";
    /// <summary>Every unlabeled image, with its split.</summary>
    public const string Unlabeled = "unlabeled.csv";
    /// <summary>Dataset description.</summary>
    public const string Metadata = "metadata.json";
    /// <summary>Suggested training strategy.</summary>
    public const string TrainingConfig = "training_config.json";
    /// <summary>Files that could not be read, and why.</summary>
    public const string Rejected = "rejected.csv";
    /// <summary>Folder of the split files.</summary>
    public const string SplitsFolder = "splits";
    /// <summary>Folder of images written from containers.</summary>
    public const string ImagesFolder = "images";

    /// <summary>Relative path of a split's CSV ("splits/train.csv").</summary>
    public static string Split(string split) => SplitsFolder + "/" + split + ".csv";

    /// <summary>The columns of labeled.csv, unlabeled.csv and splits/*.csv, in order.</summary>
    public static IReadOnlyList<string> Columns { get; } =
        ["path", "label", "patient_id", "region", "modality", "split", "source", "width", "height", "channels", "bit_depth", "content_hash"];
}
