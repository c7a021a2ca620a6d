using Vigil.Core;

namespace Vigil.ML.Inference;

/// <summary>
/// A model package cannot be used (missing, damaged, from a newer Vigil, or its weights do not fit the model built
/// for it). The message names the file and says what to do; the CLI exits with code 2.
/// </summary>
public sealed class ModelPackageException : UserInputException
{
    /// <summary>Creates the exception.</summary>
    public ModelPackageException(string path, string message, Exception? inner = null) : base(message, inner) => Path = path;

    /// <summary>The package file.</summary>
    public string Path { get; }
}
