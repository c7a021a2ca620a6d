namespace Vigil.ML.Persistence;

/// <summary>What kind of state an archive entry holds.</summary>
public enum ArchiveEntryKind
{
    /// <summary>A module's parameters and buffers (TorchSharp <c>Module.save</c> format).</summary>
    Module,
    /// <summary>An optimizer's state (TorchSharp <c>OptimizerHelper.save_state_dict</c> format).</summary>
    Optimizer,
    /// <summary>libtorch's CPU random-generator state (raw bytes of <c>torch.get_rng_state()</c>).</summary>
    Rng,
}

/// <summary>One tensor entry of a checkpoint or model package.</summary>
/// <param name="Name">The part's name, e.g. <c>classifier</c>.</param>
/// <param name="Kind">What it holds.</param>
/// <param name="Entry">The path inside the zip.</param>
/// <param name="Bytes">Its length.</param>
/// <param name="Sha256">Its SHA-256, lower-case hex.</param>
public sealed record ArchiveEntryInfo(string Name, ArchiveEntryKind Kind, string Entry, long Bytes, string Sha256);
