namespace Vigil.ML.Models.EfficientNet;

/// <summary>What loading a pretrained file did, name by name.</summary>
/// <param name="Naming">The naming the file was recognised as.</param>
/// <param name="Loaded">Model names (torchvision style) whose values came from the file.</param>
/// <param name="Skipped">File tensors not used, each with the reason.</param>
/// <param name="Missing">Model names the file had nothing for (they keep their current values).</param>
/// <param name="Reinitialised">Model names initialised afresh on purpose (the classifier, when the class count differs).</param>
/// <param name="StemSummedToOneChannel">Whether a 3-channel stem was summed over its input channels for a grey model.</param>
public sealed record PretrainedLoadReport(
    PretrainedNaming Naming,
    IReadOnlyList<string> Loaded,
    IReadOnlyList<SkippedTensor> Skipped,
    IReadOnlyList<string> Missing,
    IReadOnlyList<string> Reinitialised,
    bool StemSummedToOneChannel)
{
    /// <summary>True when everything but a deliberately re-initialised head came from the file.</summary>
    public bool IsComplete => Missing.Count == 0;

    /// <summary>One line for logs, e.g. <c>timm weights: 312 loaded, 49 skipped, 0 missing, 2 re-initialised</c>.</summary>
    public override string ToString() =>
        $"{Naming.ToString().ToLowerInvariant()} weights: {Loaded.Count} loaded, {Skipped.Count} skipped, {Missing.Count} missing, {Reinitialised.Count} re-initialised"
        + (StemSummedToOneChannel ? ", RGB stem summed to 1 channel" : "");
}

/// <summary>A tensor in the file that was not loaded.</summary>
/// <param name="Name">Its name in the file.</param>
/// <param name="Reason">Why it was not used.</param>
public sealed record SkippedTensor(string Name, string Reason);
