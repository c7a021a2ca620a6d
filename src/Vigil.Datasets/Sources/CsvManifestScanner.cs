using CsvHelper;
using Vigil.Core.Taxonomy;

namespace Vigil.Datasets.Sources;

/// <summary>
/// Reads a CSV manifest: <c>path,label[,patient_id,region,modality,split]</c> with a header row (common aliases such as
/// image_path, class, patient, body_part are accepted). Paths are relative to the CSV's folder or absolute; an empty
/// label means unlabeled; a row naming a missing file is rejected, not fatal.
/// </summary>
internal sealed class CsvManifestScanner(ScanBuilder builder)
{
    private static readonly string[] PathColumnNames = ["path", "filepath", "imagepath", "file", "filename", "image", "imagefile", "img"];
    private static readonly string[] LabelNames = ["label", "class", "classname", "diagnosis", "target", "category"];
    private static readonly string[] PatientNames = ["patientid", "patient", "subjectid", "subject", "caseid"];
    private static readonly string[] RegionNames = ["region", "bodypart", "bodypartexamined", "anatomy", "organ"];
    private static readonly string[] ModalityNames = ["modality"];
    private static readonly string[] SplitNames = ["split", "subset", "partition"];

    /// <summary>True when the file has a header with a path column (used to spot a folder's manifest.csv).</summary>
    public static bool HasPathColumn(string csvPath)
    {
        try
        {
            using var csv = Open(csvPath);
            return Find(csv.Headers, PathColumnNames) >= 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CsvFormatException)
        {
            return false;
        }
    }

    /// <summary>Adds every row of the manifest.</summary>
    /// <exception cref="DatasetInputException">The file cannot be read, is empty or has no path column.</exception>
    public void Scan(SourceContext source, string csvPath, CancellationToken cancellationToken)
    {
        var folder = Path.GetDirectoryName(csvPath)!;
        var folderName = Path.GetFileName(folder);
        try
        {
            using var csv = Open(csvPath);
            var header = csv.Headers;
            if (header.Count == 0)
                throw new DatasetInputException($"CSV manifest '{csvPath}' is empty; give it a header row path,label[,patient_id,region,modality] and one row per image.");
            int pathColumn = Find(header, PathColumnNames);
            if (pathColumn < 0)
                throw new DatasetInputException(
                    $"CSV manifest '{csvPath}' has no 'path' column (columns found: {string.Join(", ", header)}); " +
                    "rename the column holding image paths to 'path' (header: path,label[,patient_id,region,modality]).");
            int label = Find(header, LabelNames), patient = Find(header, PatientNames), region = Find(header, RegionNames);
            int modality = Find(header, ModalityNames), split = Find(header, SplitNames);

            while (csv.Read())
            {
                cancellationToken.ThrowIfCancellationRequested();
                long line = csv.RowNumber + 1; // the header is line 1
                var path = Field(csv, pathColumn);
                if (path is null)
                {
                    builder.Result.Rejected.Add(new Rejection(builder.NextIndex, $"{csvPath}:{line}", "manifest row has an empty path"));
                    continue;
                }
                var full = Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(folder, path));
                if (!File.Exists(full))
                {
                    var why = Directory.Exists(full) ? "is a folder, not an image file" : "file not found";
                    builder.Result.Rejected.Add(new Rejection(builder.NextIndex, full, $"{why} (listed in {Path.GetFileName(csvPath)} line {line})"));
                    continue;
                }
                var labelText = Field(csv, label);
                if (labelText is not null && PathNames.IsUnlabeledName(labelText)) labelText = null;
                var hints = new FileHints(
                    ManifestLabel: labelText,
                    PatientId: Field(csv, patient),
                    Region: NormalizeRegion(Field(csv, region)),
                    Modality: NormalizeModality(Field(csv, modality)),
                    Split: PathNames.SplitName(Field(csv, split)));
                var relative = Path.GetRelativePath(folder, full);
                var outputRelative = relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative)
                    ? "external/" + Path.GetFileName(full)
                    : relative;
                builder.AddFile(source, full, outputRelative, folderName + "/" + PathNames.ToPosix(path), hints);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DatasetInputException($"cannot read CSV manifest '{csvPath}': {e.Message}; check the file exists and is readable.", e);
        }
        catch (CsvFormatException e)
        {
            throw new DatasetInputException($"CSV manifest '{csvPath}' is malformed: {FirstLine(e.Message)}; fix that row.", e);
        }
    }

    private static CsvReader Open(string csvPath)
    {
        bool tab = csvPath.EndsWith(".tsv", StringComparison.OrdinalIgnoreCase);
        // Malformed quoting is recovered (the library's default), so one odd row never hides the rest of a manifest.
        var options = new CsvReaderOptions { HasHeader = true, Separator = tab ? '\t' : ',', TrimWhitespace = true, SkipEmptyLines = true };
        return CsvReader.FromFile(csvPath, options);
    }

    private static int Find(IReadOnlyList<string> header, string[] names)
    {
        foreach (var name in names)
            for (int i = 0; i < header.Count; i++)
                if (TaxonomyText.Compact(header[i]) == name) return i;
        return -1;
    }

    private static string? Field(CsvReader csv, int column)
    {
        if (column < 0 || column >= csv.FieldCount) return null;
        var value = csv.GetString(column).Trim();
        return string.IsNullOrEmpty(value) ? null : value;
    }

    // Known spellings become canonical ("Thorax" → chest); anything else is kept (lower case), since the user wrote it.
    private static string? NormalizeRegion(string? value) =>
        value is null ? null : AnatomicalRegion.TryNormalize(value, out var region) ? region : value.ToLowerInvariant();

    private static string? NormalizeModality(string? value) =>
        value is null ? null : ImagingModality.TryNormalize(value, out var modality) ? modality : value;

    private static string FirstLine(string text)
    {
        int n = text.IndexOfAny(['\r', '\n']);
        return n < 0 ? text : text[..n];
    }
}
