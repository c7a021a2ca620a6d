namespace Vigil.ML.Native;

/// <summary>
/// libtorch (libLibTorchSharp.so and its dependencies) cannot be loaded in this process: a fault of the installation,
/// not of the user's input, so it is deliberately not a <see cref="Vigil.Core.UserInputException"/>.
/// </summary>
public sealed class TorchLoadException : Exception
{
    /// <summary>Creates the exception with the loader's reason, on one line.</summary>
    public TorchLoadException(string reason)
        : base($"libtorch cannot be loaded: {reason}; run 'vigil doctor' for details") { }
}
