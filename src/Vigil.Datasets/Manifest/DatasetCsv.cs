using CsvHelper;
using Vigil.Datasets.Processing;
using Vigil.Datasets.Sources;

namespace Vigil.Datasets.Manifest;

/// <summary>Writes the dataset CSVs: header row, '\n' line ends, UTF-8 without BOM, so re-runs are byte-identical.</summary>
internal static class DatasetCsv
{
    // Paths and labels are data for programs, not spreadsheets: no formula escaping that would change them.
    private static readonly CsvWriterOptions Options = new() { NewLine = "\n", Injection = CsvInjection.None };

    /// <summary>Writes image rows with the columns of <see cref="DatasetFiles.Columns"/>.</summary>
    public static void WriteImages(string path, IEnumerable<ImageRecord> rows)
    {
        using var csv = Create(path);
        csv.WriteHeader([.. DatasetFiles.Columns]);
        foreach (var r in rows)
        {
            csv.WriteField(r.Path);
            csv.WriteField(r.Label);
            csv.WriteField(r.PatientId);
            csv.WriteField(r.Region);
            csv.WriteField(r.Modality);
            csv.WriteField(r.Split);
            csv.WriteField(r.Source);
            csv.WriteField(r.Width.ToString(System.Globalization.CultureInfo.InvariantCulture));
            csv.WriteField(r.Height);
            csv.WriteField(r.Channels);
            csv.WriteField(r.BitDepth);
            csv.WriteField(r.ContentHash);
            csv.EndRecord();
        }
    }

    /// <summary>Writes rejected.csv: <c>path,reason</c> (absolute paths, so the file can be found and fixed).</summary>
    public static void WriteRejected(string path, IEnumerable<Rejection> rows)
    {
        using var csv = Create(path);
        csv.WriteHeader(["path", "reason"]);
        foreach (var r in rows)
        {
            csv.WriteField(r.Path);
            csv.WriteField(r.Reason);
            csv.EndRecord();
        }
    }

    private static CsvWriter Create(string path)
    {
        var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1);
        return CsvWriter.Create(stream, Options, leaveOpen: false);
    }
}
