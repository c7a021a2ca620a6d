using TorchSharp;
using static TorchSharp.torch;

namespace Vigil.ML.Persistence;

/// <summary>
/// Reads TorchSharp's <c>Module.save</c> format into a module's existing tensors, in place.
/// </summary>
/// <remarks>
/// Why not TorchSharp's own <c>Module.load</c>: on a module that lives on a GPU it moves the module to the CPU and
/// back, and in TorchSharp moving a module replaces (and disposes) its <c>Parameter</c> objects. An optimizer built
/// before the restore — as a resuming trainer must build it — would then hold disposed parameters and silently stop
/// training the model. Copying into the existing tensors keeps every parameter's identity on any device.
/// </remarks>
internal static class ModuleStateLoader
{
    /// <summary>Loads every saved tensor into the module's parameter or buffer of the same name; all names, shapes and types must match.</summary>
    /// <exception cref="InvalidDataException">The saved state names other tensors, or a different number of them.</exception>
    /// <exception cref="ArgumentException">A tensor's type or shape differs (TorchSharp's check), with the tensor's name.</exception>
    public static void LoadInPlace(BinaryReader reader, nn.Module module)
    {
        Dictionary<string, Tensor> targets = module.state_dict();
        long count = ReadCount(reader);
        if (count != targets.Count)
            throw new InvalidDataException($"the saved state has {count} tensors but the module has {targets.Count} parameters and buffers");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (long i = 0; i < count; i++)
        {
            string name = reader.ReadString();
            if (!targets.TryGetValue(name, out Tensor? target))
                throw new InvalidDataException($"the module has no parameter or buffer named '{name}'");
            if (!seen.Add(name)) throw new InvalidDataException($"the saved state holds '{name}' twice");
            try
            {
                // TorchSharp's reader checks type and shape, then copies into the tensor's storage (via the CPU for a GPU tensor).
                target.Load(reader);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"'{name}' (module has {target.dtype} [{string.Join(", ", target.shape)}]): {e.Message}", e);
            }
        }
    }

    /// <summary>The entry count, as TorchSharp writes it: an unsigned LEB128 number (its codec is internal).</summary>
    private static long ReadCount(BinaryReader reader)
    {
        long result = 0;
        for (int shift = 0; shift < 63; shift += 7)
        {
            byte b = reader.ReadByte();
            result |= (long)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return result;
        }
        throw new InvalidDataException("the saved state's entry count is malformed");
    }
}
