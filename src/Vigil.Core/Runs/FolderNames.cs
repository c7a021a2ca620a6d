namespace Vigil.Core.Runs;

/// <summary>
/// The one way a folder path becomes a name: a run's id is its run folder's name, a dataset's name its folder's name.
/// <c>datasets/x/</c>, <c>datasets/x</c>, <c>./datasets/x/.</c> and the absolute path all give <c>x</c>.
/// </summary>
public static class FolderNames
{
    /// <summary>The last segment of <paramref name="folder"/>, after resolving it and dropping trailing separators.</summary>
    public static string Of(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        string name = Path.GetFileName(full);
        // The file-system root has no name of its own; say so rather than return "".
        return name.Length > 0 ? name : full;
    }
}
