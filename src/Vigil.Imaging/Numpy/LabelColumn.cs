using System.Globalization;

namespace Vigil.Imaging.Numpy;

/// <summary>
/// Per-image label names from a label array: (N,) or (N,1) hold class indices, named through the MedMNIST catalog
/// when the dataset is known and written as the index otherwise; (N,K) holds 0/1 findings, named as the set
/// findings joined with "|", or <see cref="MedMnistCatalog.NoFinding"/> when none is set. Negative indices mean unlabeled.
/// </summary>
internal static class LabelColumn
{
    private const long MaxLabelElements = 1L << 25;

    /// <summary>Reads the whole (small) label array and names each row.</summary>
    public static string?[] Read(NpyArray array, long expectedCount, MedMnistDataset? dataset, CancellationToken cancellationToken)
    {
        var header = array.Header;
        var shape = header.Shape;
        if (shape.Length is 0 or > 2 || shape[0] != expectedCount)
            throw new ImageFormatException(array.Path, $"{array.What} has shape ({string.Join(", ", shape)}), expected ({expectedCount}) or ({expectedCount}, K) to match the images");
        long width = shape.Length == 2 ? shape[1] : 1;
        if (header.Count > MaxLabelElements || width > 4096)
            throw new ImageFormatException(array.Path, $"{array.What} is too large for a label array");
        byte[] raw;
        using (var data = array.OpenData(cancellationToken))
            raw = StreamIo.ReadBounded(data, header.DataBytes, array.Path, array.What, cancellationToken);
        var values = new double[header.Count];
        SampleDecoder.ToDouble(raw, header.Element, values);

        var names = new string?[expectedCount];
        var cache = new Dictionary<string, string>(StringComparer.Ordinal);
        for (long row = 0; row < expectedCount; row++)
        {
            var cells = values.AsSpan((int)(row * width), (int)width);
            names[row] = width == 1 ? ClassName(cells[0], dataset, array) : Findings(cells, dataset, cache);
        }
        return names;
    }

    private static string? ClassName(double value, MedMnistDataset? dataset, NpyArray array)
    {
        if (double.IsNaN(value) || value < 0) return null;
        if (value != Math.Floor(value) || value > int.MaxValue)
            throw new ImageFormatException(array.Path, $"{array.What} holds {value}, which is not a class index");
        int index = (int)value;
        return dataset is not null && index < dataset.Labels.Count ? dataset.Labels[index] : index.ToString(CultureInfo.InvariantCulture);
    }

    private static string Findings(ReadOnlySpan<double> cells, MedMnistDataset? dataset, Dictionary<string, string> cache)
    {
        var parts = new List<string>();
        for (int k = 0; k < cells.Length; k++)
            if (cells[k] != 0 && !double.IsNaN(cells[k]))
                parts.Add(dataset is not null && k < dataset.Labels.Count ? dataset.Labels[k] : k.ToString(CultureInfo.InvariantCulture));
        var name = parts.Count == 0 ? MedMnistCatalog.NoFinding : string.Join("|", parts);
        // Share one string per distinct combination instead of one per image.
        if (cache.TryGetValue(name, out var shared)) return shared;
        cache[name] = name;
        return name;
    }
}
