namespace Vigil.ML.Inference.Routing;

/// <summary>
/// One model of a repository: its package file (relative to the repository folder), the file's SHA-256 when it was
/// added, and the threshold to detect with (the package's own when null).
/// </summary>
/// <param name="Model">Path of the <c>model.vigil</c>, relative to the repository folder, with '/' separators.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the file as added; <c>check</c> reports a file that changed since.</param>
/// <param name="Threshold">The decision threshold in [0, 1] for this route, or null for the package's.</param>
public sealed record RepositoryEntry(string Model, string Sha256, double? Threshold = null);

/// <summary>
/// The contract of a multi-organ repository's <c>repository.json</c>: the router, the specialised model of each route
/// (a route is a <c>region/modality</c> pair, e.g. <c>brain/MRI</c>), an optional generalist fallback for routes
/// without a model, and per-route thresholds. Every path is relative to the repository folder and stays inside it,
/// so a repository can be moved or copied whole, and serving it never reads a file outside it.
/// </summary>
public sealed record RepositoryManifest
{
    /// <summary>The manifest's file name in the repository folder.</summary>
    public const string FileName = "repository.json";

    /// <summary>The format this Vigil writes; a newer one is refused with a clear message.</summary>
    public const int CurrentFormat = 1;

    /// <summary>The manifest's format.</summary>
    public int FormatVersion { get; init; } = CurrentFormat;

    /// <summary>The router (<c>vigil train --phase router</c>); null only while a repository is being put together.</summary>
    public RepositoryEntry? Router { get; init; }

    /// <summary>Specialised model per route name.</summary>
    public IReadOnlyDictionary<string, RepositoryEntry> Routes { get; init; } = new SortedDictionary<string, RepositoryEntry>(StringComparer.Ordinal);

    /// <summary>The model for routes without one of their own (e.g. a generalist trained on every dataset), or null.</summary>
    public RepositoryEntry? Fallback { get; init; }

    /// <summary>When the manifest was last written (ISO 8601, UTC).</summary>
    public string? Updated { get; init; }

    /// <summary>The entry that detects for <paramref name="route"/>: its own model, else the fallback, else null.</summary>
    public RepositoryEntry? ModelFor(string route) => Routes.TryGetValue(route, out var entry) ? entry : Fallback;
}
