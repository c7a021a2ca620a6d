using Vigil.Monitoring.Control;

namespace Vigil.Cli.Infrastructure;

/// <summary>
/// The folders <c>vigil serve</c> lets the start route reach: datasets are chosen among those organized under
/// <see cref="Datasets"/>, run folders go under <see cref="Runs"/>, initial weights come from <see cref="Weights"/>.
/// A request names things inside them; it never names a file elsewhere (no absolute paths, no <c>..</c>).
/// </summary>
/// <param name="Datasets">Where <c>vigil organize</c> wrote the datasets to offer (default <c>datasets</c>).</param>
/// <param name="Runs">Where run folders go (default <c>runs</c>).</param>
/// <param name="Weights">Where <c>.safetensors</c> files for <c>init_weights</c> are kept (default <c>weights</c>).</param>
public sealed record ServeFolders(string Datasets = Vigil.Datasets.OrganizeOptions.DefaultOutputRoot, string Runs = "runs", string Weights = "weights")
{
    /// <summary>
    /// <paramref name="relative"/> resolved inside <paramref name="root"/>; the request field <paramref name="field"/> is
    /// refused when it is absolute, climbs out with <c>..</c>, or names the folder itself.
    /// </summary>
    /// <exception cref="InvalidTrainingRequestException">The value leaves the folder.</exception>
    public static string Inside(string root, string relative, string field, string rootOption)
    {
        string baseFull = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        if (string.IsNullOrWhiteSpace(relative) || Path.IsPathRooted(relative) || relative.Contains('\0'))
            throw Refused(field, relative, baseFull, rootOption);
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(Path.Combine(baseFull, relative)));
        if (!full.StartsWith(baseFull + Path.DirectorySeparatorChar, StringComparison.Ordinal)) throw Refused(field, relative, baseFull, rootOption);
        return full;
    }

    private static InvalidTrainingRequestException Refused(string field, string value, string root, string rootOption) =>
        new($"\"{field}\": \"{value}\" is not a name inside {root}; give a name or relative path in that folder (the server's {rootOption})");
}
