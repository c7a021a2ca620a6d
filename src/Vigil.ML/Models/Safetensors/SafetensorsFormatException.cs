using Vigil.Core;

namespace Vigil.ML.Models.Safetensors;

/// <summary>
/// A file is not a readable safetensors file (truncated, garbage, inconsistent header, unsupported type). A user
/// input error: the message names the file and what is wrong with it.
/// </summary>
public sealed class SafetensorsFormatException : UserInputException
{
    /// <summary>Creates the exception with a one-line message.</summary>
    public SafetensorsFormatException(string message, Exception? inner = null) : base(message, inner) { }
}
