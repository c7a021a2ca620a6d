using CsvHelper;

namespace Vigil.ML.Data;

/// <summary>One CSV row: the image and the <c>split</c> cell (null when the CSV has no such column or the cell is empty).</summary>
internal sealed record CsvImageRow(DatasetRow Row, string? Split);

/// <summary>
/// Reads image CSVs with the dataset folder's columns (<c>path,label,patient_id,region,modality,split,…,content_hash</c>).
/// Only <c>path</c> is required, so hand-written <c>--train-csv</c> files work too; extra columns are ignored.
/// </summary>
internal static class SplitCsvReader
{
    /// <summary>Reads every row; relative paths are resolved against <paramref name="baseFolder"/>.</summary>
    /// <exception cref="DataPipelineException">The file is missing, unreadable, malformed, has no path column or a row without a path.</exception>
    public static List<CsvImageRow> Read(string csvPath, string baseFolder)
    {
        if (!File.Exists(csvPath))
            throw new DataPipelineException($"CSV '{csvPath}' not found; check the path (a dataset folder holds splits/train.csv, written by vigil organize).");
        try
        {
            // Same reader settings as the organizer's manifest reader: one odd row never hides the rest.
            var options = new CsvReaderOptions { HasHeader = true, Separator = ',', TrimWhitespace = true, SkipEmptyLines = true };
            using var csv = CsvReader.FromFile(csvPath, options);
            var header = csv.Headers;
            int path = Column(header, "path");
            if (path < 0)
                throw new DataPipelineException(
                    $"CSV '{csvPath}' has no 'path' column (columns found: {string.Join(", ", header)}); " +
                    "give it a header path,label[,patient_id,region,modality,content_hash].");
            int label = Column(header, "label"), patient = Column(header, "patient_id"), region = Column(header, "region");
            int modality = Column(header, "modality"), split = Column(header, "split"), hash = Column(header, "content_hash");

            var rows = new List<CsvImageRow>();
            while (csv.Read())
            {
                long line = csv.RowNumber + 1; // the header is line 1
                var listed = Field(csv, path)
                    ?? throw new DataPipelineException($"CSV '{csvPath}' line {line} has an empty path; fill it in or delete the row.");
                var full = System.IO.Path.GetFullPath(System.IO.Path.IsPathRooted(listed) ? listed : System.IO.Path.Combine(baseFolder, listed));
                var row = new DatasetRow(full, listed, Field(csv, label), Field(csv, patient),
                    Field(csv, region) ?? "unknown", Field(csv, modality) ?? "unknown", Field(csv, hash)?.ToLowerInvariant());
                rows.Add(new CsvImageRow(row, Field(csv, split)?.ToLowerInvariant()));
            }
            return rows;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataPipelineException($"cannot read CSV '{csvPath}': {e.Message}; check the file is readable.", e);
        }
        catch (CsvFormatException e)
        {
            throw new DataPipelineException($"CSV '{csvPath}' is malformed: {FirstLine(e.Message)}; fix that row or re-run vigil organize.", e);
        }
    }

    private static int Column(IReadOnlyList<string> header, string name)
    {
        for (int i = 0; i < header.Count; i++)
            if (string.Equals(header[i].Trim(), name, StringComparison.OrdinalIgnoreCase)) return i;
        return -1;
    }

    private static string? Field(CsvReader csv, int column)
    {
        if (column < 0 || column >= csv.FieldCount) return null;
        var value = csv.GetString(column).Trim();
        return value.Length == 0 ? null : value;
    }

    private static string FirstLine(string text)
    {
        int n = text.IndexOfAny(['\r', '\n']);
        return n < 0 ? text : text[..n];
    }
}
