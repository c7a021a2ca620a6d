using CsvHelper;

namespace Vigil.Datasets.Tests.Support;

/// <summary>Reads a CSV written by the organizer into dictionaries keyed by column name.</summary>
public static class CsvRows
{
    public static List<Dictionary<string, string>> Read(string path)
    {
        using var csv = CsvReader.FromFile(path, new CsvReaderOptions { HasHeader = true, Separator = ',' });
        var header = csv.Headers.ToList();
        var rows = new List<Dictionary<string, string>>();
        while (csv.Read())
        {
            var row = new Dictionary<string, string>(StringComparer.Ordinal);
            for (int i = 0; i < header.Count; i++) row[header[i]] = i < csv.FieldCount ? csv.GetString(i) : "";
            rows.Add(row);
        }
        return rows;
    }

    public static List<string> Header(string path) => File.ReadLines(path).First().Split(',').ToList();
}
