using System.Runtime.InteropServices;

namespace Vigil.ML.Native;

/// <summary>
/// Turns libtorch's NNPACK convolution path off. libtorch tries it for small CPU batches (one image in
/// <c>vigil detect</c>); on a CPU NNPACK does not support it fails to start and libtorch writes
/// "Could not initialize NNPACK! Reason: Unsupported hardware." to stderr at every such convolution (29 lines for
/// one image), burying the command's own output. With it off, those convolutions take the same path they took after
/// the failure. TorchSharp has no switch for it, so this calls libtorch's
/// <c>at::globalContext().setUserEnabledNNPACK(false)</c> by its exported (Itanium-mangled) names: written by hand
/// because no library exposes it.
/// </summary>
internal static unsafe class Nnpack
{
    private const string GlobalContext = "_ZN2at13globalContextEv";                 // at::globalContext()
    private const string SetUserEnabled = "_ZN2at7Context20setUserEnabledNNPACKEb"; // at::Context::setUserEnabledNNPACK(bool)
    private const string UserEnabled = "_ZNK2at7Context17userEnabledNNPACKEv";      // at::Context::userEnabledNNPACK() const

    /// <summary>Turns NNPACK off in the loaded libtorch; returns whether it is now off (false: the symbols were not found).</summary>
    /// <param name="library">A handle of LibTorchSharp (dlsym searches its dependencies, libtorch_cpu among them).</param>
    public static bool Disable(nint library)
    {
        if (!NativeLibrary.TryGetExport(library, GlobalContext, out nint context)
            || !NativeLibrary.TryGetExport(library, SetUserEnabled, out nint set)) return false;
        // A member function takes `this` first; C++ bool is one byte.
        ((delegate* unmanaged<nint, byte, void>)set)(((delegate* unmanaged<nint>)context)(), 0);
        return IsEnabled(library) == false;
    }

    /// <summary>Whether libtorch's NNPACK path is switched on (null when the symbols are not found).</summary>
    public static bool? IsEnabled(nint library)
    {
        if (!NativeLibrary.TryGetExport(library, GlobalContext, out nint context)
            || !NativeLibrary.TryGetExport(library, UserEnabled, out nint get)) return null;
        return ((delegate* unmanaged<nint, byte>)get)(((delegate* unmanaged<nint>)context)()) != 0;
    }
}
