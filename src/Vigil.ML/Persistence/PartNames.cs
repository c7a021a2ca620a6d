using System.Text.RegularExpressions;

namespace Vigil.ML.Persistence;

/// <summary>
/// The rule for the names of the parts an archive stores (<c>classifier</c>, <c>vae</c>…): they become zip entry
/// names, so they are kept to characters that mean the same on every file system and zip tool.
/// </summary>
internal static partial class PartNames
{
    /// <summary>Throws unless <paramref name="name"/> is lower-case letters, digits, <c>_</c> and <c>-</c>, at most 64, starting with a letter or digit.</summary>
    /// <exception cref="ArgumentException">The name breaks the rule.</exception>
    public static void Validate(string name)
    {
        if (string.IsNullOrEmpty(name) || !PartName().IsMatch(name))
            throw new ArgumentException($"'{name}' is not a valid part name: use lower-case letters, digits, '_' and '-' (at most 64)");
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,63}$")]
    private static partial Regex PartName();
}
