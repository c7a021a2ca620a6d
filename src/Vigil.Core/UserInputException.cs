namespace Vigil.Core;

/// <summary>
/// The user asked for something that cannot be done as asked (missing file, bad option value, empty source).
/// The message is one line that says what is wrong, where, and how to fix it; the CLI prints it and exits with 2.
/// Library-specific input errors derive from this type.
/// </summary>
public class UserInputException : Exception
{
    /// <summary>Creates the exception with a user-facing one-line message.</summary>
    public UserInputException(string message, Exception? inner = null) : base(message, inner) { }
}
