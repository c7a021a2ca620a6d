namespace Vigil.Datasets.Sources;

/// <summary>
/// Hands out unique names for source folders under images/ and for each container file's output, so two sources or
/// two files whose safe names coincide ("a b.dcm", "a_b.dcm") never write to the same place.
/// </summary>
internal sealed class OutputNamer
{
    // Case-insensitive so that datasets copied to a case-insensitive file system keep distinct names.
    private readonly HashSet<string> _taken = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Reserves <paramref name="wanted"/>, or the first free "wanted~2", "wanted~3"…</summary>
    public string Reserve(string wanted)
    {
        if (_taken.Add(wanted)) return wanted;
        for (int i = 2; ; i++)
        {
            var candidate = wanted + "~" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (_taken.Add(candidate)) return candidate;
        }
    }
}
