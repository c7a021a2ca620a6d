using Vigil.Core;

namespace Vigil.ML.Compute;

/// <summary>
/// The requested <c>--device</c> or <c>--threads</c> cannot be honoured. The message is one line that says what is
/// wrong and how to fix it; like every <see cref="UserInputException"/>, the CLI prints it and exits with code 2.
/// </summary>
public sealed class ComputeSettingsException : UserInputException
{
    /// <summary>Creates the exception with a one-line, user-facing message.</summary>
    public ComputeSettingsException(string message) : base(message) { }
}
