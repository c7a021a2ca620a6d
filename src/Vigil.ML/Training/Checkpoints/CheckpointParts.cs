using TorchSharp;
using TorchSharp.Modules;
using Vigil.ML.Persistence;

namespace Vigil.ML.Training.Checkpoints;

/// <summary>
/// The live objects a checkpoint saves from or restores into, by name: modules (e.g. <c>classifier</c>, <c>vae</c>)
/// and their optimizers. Restoring needs objects built exactly as when saving (same architecture, optimizer over the
/// same parameters in the same order); only their numbers are replaced.
/// </summary>
public sealed class CheckpointParts
{
    /// <summary>Names parts; names are lower-case letters, digits, <c>_</c> and <c>-</c> (they become zip entry names).</summary>
    public CheckpointParts(
        IReadOnlyDictionary<string, torch.nn.Module> modules,
        IReadOnlyDictionary<string, OptimizerHelper>? optimizers = null)
    {
        ArgumentNullException.ThrowIfNull(modules);
        if (modules.Count == 0) throw new ArgumentException("a checkpoint needs at least one module", nameof(modules));
        foreach (string name in modules.Keys.Concat(optimizers?.Keys ?? [])) PartNames.Validate(name);
        Modules = modules;
        Optimizers = optimizers ?? new Dictionary<string, OptimizerHelper>();
    }

    /// <summary>The modules by name.</summary>
    public IReadOnlyDictionary<string, torch.nn.Module> Modules { get; }

    /// <summary>The optimizers by name (usually the module's name).</summary>
    public IReadOnlyDictionary<string, OptimizerHelper> Optimizers { get; }

    /// <summary>Whether libtorch's CPU random state is saved and restored (default true; see <see cref="TorchRng"/>).</summary>
    public bool IncludeTorchRng { get; init; } = true;

    /// <summary>
    /// Whether the optimizers' state is restored (default true). False loads the weights alone, to use a trained model
    /// rather than continue training it (<c>--phase hybrid</c> on phases trained earlier): the checkpoint's optimizer
    /// entries are then neither required nor read.
    /// </summary>
    public bool IncludeOptimizers { get; init; } = true;
}
