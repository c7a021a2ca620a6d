namespace Vigil.ML.Data;

/// <summary>
/// The images of one split (or a selection of one), with the class list their labels index into. Row order is the
/// order of the CSVs it was read from, so indices into <see cref="Rows"/> are stable for a given dataset.
/// </summary>
public sealed class SplitSource
{
    private readonly Dictionary<string, int> _classIndex;

    /// <summary>Creates a split after checking its name and that every label is one of <paramref name="classes"/>.</summary>
    /// <param name="name">Split name (<c>train</c>, <c>val</c>, <c>test</c>, or a selection such as <c>train-labeled</c>); letters, digits, '.', '_', '-'.</param>
    /// <param name="rows">The images.</param>
    /// <param name="classes">Class names, sorted; labels index into this list.</param>
    /// <param name="normalClass">The class meaning "no anomaly", or null.</param>
    /// <param name="origin">Where the rows come from, for messages ("splits/train.csv + unlabeled.csv").</param>
    /// <exception cref="DataPipelineException">A label is not among the classes, or the normal class is not.</exception>
    public SplitSource(string name, IReadOnlyList<DatasetRow> rows, IReadOnlyList<string> classes, string? normalClass, string origin)
    {
        // The name becomes part of a cache file name: keep it to characters every file system accepts.
        if (string.IsNullOrEmpty(name) || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            throw new ArgumentException($"Split name '{name}' must be non-empty letters, digits, '.', '_' or '-'.", nameof(name));
        Name = name;
        Rows = rows;
        Classes = classes;
        NormalClass = normalClass;
        Origin = origin;
        _classIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < classes.Count; i++) _classIndex[classes[i]] = i;
        if (normalClass is not null && !_classIndex.ContainsKey(normalClass))
            throw new DataPipelineException($"normal class '{normalClass}' is not one of the classes ({string.Join(", ", classes)}) of {origin}; pick one of them.");
        foreach (var row in rows)
            if (row.Label is { } label && !_classIndex.ContainsKey(label))
                throw new DataPipelineException(
                    $"label '{label}' of {row.ListedPath} in {origin} is not one of the classes ({string.Join(", ", classes)}); " +
                    "re-run vigil organize, or fix the label.");
    }

    /// <summary>Split name, used in cache file names and messages.</summary>
    public string Name { get; }
    /// <summary>The images, in CSV order.</summary>
    public IReadOnlyList<DatasetRow> Rows { get; }
    /// <summary>Class names (ordinal order); a label's index in this list is its class id.</summary>
    public IReadOnlyList<string> Classes { get; }
    /// <summary>The normal class, or null when the dataset has none.</summary>
    public string? NormalClass { get; }
    /// <summary>Where the rows come from, for messages.</summary>
    public string Origin { get; }

    /// <summary>Index of the normal class in <see cref="Classes"/>, or -1.</summary>
    public int NormalClassIndex => NormalClass is null ? -1 : _classIndex[NormalClass];

    /// <summary>The class id of a row: its label's index in <see cref="Classes"/>, or -1 when unlabeled.</summary>
    public long ClassId(DatasetRow row) => row.Label is null ? -1 : _classIndex[row.Label];

    /// <summary>Indices (into <see cref="Rows"/>) of the labeled rows: what the classifier trains and is evaluated on.</summary>
    public IReadOnlyList<int> LabeledRows() => Indices(r => r.IsLabeled);

    /// <summary>Indices (into <see cref="Rows"/>) of the rows labeled with a class other than the normal one (none without a normal class).</summary>
    public IReadOnlyList<int> AnomalyRows() => NormalClass is null ? [] : Indices(r => r.IsLabeled && r.Label != NormalClass);

    /// <summary>
    /// Indices (into <see cref="Rows"/>) of the rows the VAE learns from: normal-class rows, unlabeled rows, or both.
    /// With <see cref="VaeData.Both"/> and no normal class, that is the unlabeled rows; <see cref="VaeData.Auto"/> is what
    /// <see cref="VaeDataNames.Resolve"/> makes of it for this split.
    /// </summary>
    /// <exception cref="DataPipelineException"><see cref="VaeData.Normal"/> was asked but the dataset has no normal class.</exception>
    public IReadOnlyList<int> VaeRows(VaeData data)
    {
        data = data.Resolve(this).Data;
        if (data == VaeData.Normal && NormalClass is null)
            throw new DataPipelineException(
                $"--vae-data normal needs a normal class but {Origin} has none (classes: {string.Join(", ", Classes)}); " +
                "pass --normal-class, or use --vae-data unlabeled.");
        bool normal = data is VaeData.Normal or VaeData.Both, unlabeled = data is VaeData.Unlabeled or VaeData.Both;
        return Indices(r => r.Label is null ? unlabeled : normal && r.Label == NormalClass);
    }

    /// <summary>
    /// A split holding only the given rows (in the given order), named <c>{Name}-{suffix}</c>: cache a selection when
    /// the rest of the split is never needed (evaluation on labeled test images).
    /// </summary>
    public SplitSource Subset(IEnumerable<int> rowIndices, string suffix)
    {
        var rows = rowIndices.Select(i => Rows[i]).ToList();
        return new SplitSource($"{Name}-{suffix}", rows, Classes, NormalClass, Origin);
    }

    /// <summary>The labeled rows as their own split (<c>{Name}-labeled</c>).</summary>
    public SplitSource Labeled() => Subset(LabeledRows(), "labeled");

    /// <summary>The VAE's rows as their own split (<c>{Name}-vae-normal</c>, <c>-vae-unlabeled</c>, <c>-vae-both</c>).</summary>
    /// <exception cref="DataPipelineException">See <see cref="VaeRows"/>.</exception>
    public SplitSource ForVae(VaeData data) => Subset(VaeRows(data), "vae-" + data.ToText());

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({Rows.Count} images from {Origin})";

    private int[] Indices(Func<DatasetRow, bool> keep)
    {
        var result = new List<int>();
        for (int i = 0; i < Rows.Count; i++) if (keep(Rows[i])) result.Add(i);
        return [.. result];
    }
}
