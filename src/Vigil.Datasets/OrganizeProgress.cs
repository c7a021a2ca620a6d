namespace Vigil.Datasets;

/// <summary>
/// Progress of one stage of organizing. Every stage reports once when it starts and once with
/// <see cref="Completed"/> set when it ends, and in between at most a few times per second.
/// </summary>
/// <param name="Stage">"scan" (finding files), "read" (decode, hash, write PNGs), "split", "write" (CSV and JSON).</param>
/// <param name="Done">Units done so far.</param>
/// <param name="Total">Units in all, when known.</param>
/// <param name="Unit">What <paramref name="Done"/> counts: "files", "images".</param>
/// <param name="Images">Images produced so far.</param>
/// <param name="ImagesPerSecond">Images per second since the stage started.</param>
/// <param name="Elapsed">Time since the stage started.</param>
/// <param name="Completed">True on the stage's last report.</param>
public sealed record OrganizeProgress(
    string Stage, long Done, long? Total, string Unit, long Images, double ImagesPerSecond, TimeSpan Elapsed, bool Completed);
