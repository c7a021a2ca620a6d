using System.Text.RegularExpressions;
using TorchSharp;
using TorchSharp.Modules;

namespace Vigil.ML.Training.Checkpoints;

/// <summary>
/// The live objects a checkpoint saves from or restores into, by name: modules (e.g. <c>classifier</c>, <c>vae</c>)
/// and their optimizers. Restoring needs objects built exactly as when saving (same architecture, optimizer over the
/// same parameters in the same order); only their numbers are replaced.
/// </summary>
public sealed partial class CheckpointParts
{
    /// <summary>Names parts; names are lower-case letters, digits, <c>_</c> and <c>-</c> (they become zip entry names).</summary>
    public CheckpointParts(
        IReadOnlyDictionary<string, torch.nn.Module> modules,
        IReadOnlyDictionary<string, OptimizerHelper>? optimizers = null)
    {
        ArgumentNullException.ThrowIfNull(modules);
        if (modules.Count == 0) throw new ArgumentException("a checkpoint needs at least one module", nameof(modules));
        foreach (string name in modules.Keys.Concat(optimizers?.Keys ?? [])) ValidateName(name);
        Modules = modules;
        Optimizers = optimizers ?? new Dictionary<string, OptimizerHelper>();
    }

    /// <summary>The modules by name.</summary>
    public IReadOnlyDictionary<string, torch.nn.Module> Modules { get; }

    /// <summary>The optimizers by name (usually the module's name).</summary>
    public IReadOnlyDictionary<string, OptimizerHelper> Optimizers { get; }

    /// <summary>Whether libtorch's CPU random state is saved and restored (default true; see <see cref="TorchRng"/>).</summary>
    public bool IncludeTorchRng { get; init; } = true;

    /// <summary>Throws unless <paramref name="name"/> is usable as a part name.</summary>
    internal static void ValidateName(string name)
    {
        if (string.IsNullOrEmpty(name) || !PartName().IsMatch(name))
            throw new ArgumentException($"'{name}' is not a valid part name: use lower-case letters, digits, '_' and '-' (at most 64)");
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,63}$")]
    private static partial Regex PartName();
}
