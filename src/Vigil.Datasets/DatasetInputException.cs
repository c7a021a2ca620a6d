using Vigil.Core;

namespace Vigil.Datasets;

/// <summary>
/// The user asked for something that cannot be done: a missing or empty source, a CSV without a path column,
/// a split that does not sum to 100, a bad dataset name… The message is one line saying what is wrong, where,
/// and how to fix it. The CLI prints it and exits with code 2 (as for every <see cref="UserInputException"/>).
/// </summary>
public sealed class DatasetInputException : UserInputException
{
    /// <summary>Creates the exception with a one-line, actionable message.</summary>
    public DatasetInputException(string message, Exception? inner = null) : base(message, inner) { }
}
