using Vigil.Core;

namespace Vigil.ML.Data;

/// <summary>
/// The data given to training or evaluation cannot be used as asked: a missing dataset folder or CSV, a CSV without a
/// <c>path</c> column, a label outside the dataset's classes, a split with no readable image. The message is one line
/// naming the file or split and the fix; the CLI prints it and exits with code 2.
/// </summary>
public sealed class DataPipelineException : UserInputException
{
    /// <summary>Creates the exception with a one-line, actionable message.</summary>
    public DataPipelineException(string message, Exception? inner = null) : base(message, inner) { }
}
