namespace Vigil.Datasets.Tests.Support;

/// <summary>Shorthands for organizing in tests.</summary>
public static class Organize
{
    public static OrganizeResult Run(string output, string name, params string[] sources) =>
        Readers.Organizer().Organize(new OrganizeOptions { Sources = sources, Name = name, OutputRoot = output });

    public static OrganizeResult Run(OrganizeOptions options, IProgress<OrganizeProgress>? progress = null, CancellationToken token = default) =>
        Readers.Organizer().Organize(options, progress, token);

    public static List<Dictionary<string, string>> Rows(OrganizeResult result, string file) =>
        CsvRows.Read(Path.Combine(result.DatasetPath, file));

    /// <summary>All rows of labeled.csv and unlabeled.csv.</summary>
    public static List<Dictionary<string, string>> AllRows(OrganizeResult result) =>
        [.. Rows(result, "labeled.csv"), .. Rows(result, "unlabeled.csv")];
}
