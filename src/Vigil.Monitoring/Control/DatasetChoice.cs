namespace Vigil.Monitoring.Control;

/// <summary>An organized dataset a server offers to train on (<c>GET /api/training</c>), for the dashboard's Start form.</summary>
/// <param name="Name">The dataset's folder name.</param>
/// <param name="Path">Its absolute path: what <c>POST /api/training/start</c> takes as <c>dataset</c>.</param>
/// <param name="Images">Images in it (labeled and unlabeled).</param>
/// <param name="Classes">Its classes.</param>
public sealed record DatasetChoice(string Name, string Path, int Images, IReadOnlyList<string> Classes);
