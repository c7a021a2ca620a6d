using Vigil.Datasets.Manifest;

namespace Vigil.ML.Data;

/// <summary>
/// What <c>vigil train</c> and <c>vigil evaluate</c> read: the splits with their rows, the class list and the normal class,
/// from a dataset folder (<c>--dataset DIR</c>) or from explicit CSVs (<c>--train-csv/--val-csv</c>).
/// </summary>
public sealed class DatasetSpec
{
    /// <summary>Split names in their usual order.</summary>
    public static IReadOnlyList<string> SplitNames { get; } = ["train", "val", "test"];

    internal DatasetSpec(string? folder, IReadOnlyList<string> classes, string? normalClass, TrainingConfig? config,
        string cacheFolder, IReadOnlyDictionary<string, SplitSource> splits, string? name = null, IReadOnlyList<DatasetSpec>? parts = null)
    {
        Folder = folder; Classes = classes; NormalClass = normalClass; Config = config; CacheFolder = cacheFolder; Splits = splits;
        _name = name; Parts = parts ?? [this];
    }

    private readonly string? _name;

    /// <summary>The dataset folder, or null when the data came from explicit CSVs.</summary>
    public string? Folder { get; }
    /// <summary>
    /// The dataset's name: its folder's name (trailing separators ignored), <c>csv</c> for explicit CSVs, or the parts'
    /// names joined by <c>+</c> for a <see cref="Union"/>.
    /// </summary>
    public string Name => _name ?? (Folder is null ? "csv" : Core.Runs.FolderNames.Of(Folder));
    /// <summary>The datasets this one was made of: several for a <see cref="Union"/>, else itself alone.</summary>
    public IReadOnlyList<DatasetSpec> Parts { get; }
    /// <summary>Class names; a label's index in this list is its class id (the classifier's output index).</summary>
    public IReadOnlyList<string> Classes { get; }
    /// <summary>The class meaning "no anomaly", or null.</summary>
    public string? NormalClass { get; }
    /// <summary>The dataset's training_config.json, or null (explicit CSVs, or an older folder without one).</summary>
    public TrainingConfig? Config { get; }
    /// <summary>Index of <see cref="NormalClass"/> in <see cref="Classes"/>, or −1 when there is none.</summary>
    public int NormalClassIndex => NormalClass is null ? -1 : Classes.ToList().IndexOf(NormalClass);
    /// <summary>Default folder for decoded-image caches: <c>&lt;dataset&gt;/.cache</c>, or <c>.cache</c> beside the training CSV.</summary>
    public string CacheFolder { get; }
    /// <summary>The splits present, by name (<c>train</c>, and <c>val</c>/<c>test</c> when given).</summary>
    public IReadOnlyDictionary<string, SplitSource> Splits { get; }

    /// <summary>A split by name.</summary>
    /// <exception cref="DataPipelineException">The dataset has no such split.</exception>
    public SplitSource Split(string name) => Splits.TryGetValue(name, out var split)
        ? split
        : throw new DataPipelineException(Folder is null
            ? $"no '{name}' split was given; pass --{name}-csv FILE (splits given: {string.Join(", ", Splits.Keys)})."
            : $"dataset '{Folder}' has no '{name}' split; re-run vigil organize (splits found: {string.Join(", ", Splits.Keys)}).");

    /// <summary>
    /// Reads a dataset folder written by <c>vigil organize</c>: each split is its labeled rows (<c>splits/&lt;split&gt;.csv</c>)
    /// followed by the unlabeled rows whose <c>split</c> column names it (<c>unlabeled.csv</c>). Classes and the normal class
    /// come from training_config.json (else metadata.json, else the labels, sorted ordinal).
    /// </summary>
    /// <param name="folder">The dataset folder.</param>
    /// <param name="normalClass">Overrides the dataset's normal class (<c>--normal-class</c>); null keeps it.</param>
    /// <exception cref="DataPipelineException">The folder or its CSVs are missing or malformed, or a label is not a known class.</exception>
    public static DatasetSpec FromFolder(string folder, string? normalClass = null) => DatasetSpecReader.FromFolder(folder, normalClass);

    /// <summary>
    /// Several datasets as one (<c>vigil train --dataset A --dataset B</c>): each split is the parts' splits one after the
    /// other, the classes are the union of theirs (sorted ordinal), the normal class is theirs (they must agree), and
    /// training_config.json's suggestions are the first part's with the largest image size and channel count of all.
    /// One dataset is returned as it is.
    /// </summary>
    /// <exception cref="DataPipelineException">No dataset, the same folder twice, or two normal classes.</exception>
    public static DatasetSpec Union(IReadOnlyList<DatasetSpec> datasets) => DatasetUnion.Of(datasets);

    /// <summary>
    /// Reads explicit CSVs (same columns as a dataset's split CSVs; paths relative to each CSV's folder). Every row of a
    /// CSV belongs to that split, labeled or not. Classes are the labels of all given CSVs, sorted ordinal.
    /// </summary>
    /// <param name="trainCsv">The training CSV (<c>--train-csv</c>).</param>
    /// <param name="valCsv">The validation CSV (<c>--val-csv</c>), or null.</param>
    /// <param name="testCsv">The test CSV, or null.</param>
    /// <param name="normalClass">The normal class (<c>--normal-class</c>), or null when there is none.</param>
    /// <exception cref="DataPipelineException">A CSV is missing or malformed, or the normal class is not among the labels.</exception>
    public static DatasetSpec FromCsvFiles(string trainCsv, string? valCsv = null, string? testCsv = null, string? normalClass = null) =>
        DatasetSpecReader.FromCsvFiles(trainCsv, valCsv, testCsv, normalClass);
}
