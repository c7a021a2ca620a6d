namespace Vigil.Core.Taxonomy;

/// <summary>
/// Splits paths and free text into lower-case words so that keywords match on word boundaries only:
/// "Head_CT/scan.png" holds "ct", "project/x.png" does not.
/// </summary>
public static class TaxonomyText
{
    /// <summary>Lower-case letters and digits of a value, everything else dropped ("X-Ray" → "xray").</summary>
    public static string Compact(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "";
        Span<char> buffer = value.Length <= 256 ? stackalloc char[value.Length] : new char[value.Length];
        int n = 0;
        foreach (var c in value)
            if (char.IsAsciiLetterOrDigit(c)) buffer[n++] = char.ToLowerInvariant(c);
        return new string(buffer[..n]);
    }

    /// <summary>
    /// Words of a text, in order, lower case. Words are runs of ASCII letters and digits, further split at
    /// camel-case humps ("ChestXray" → chest, xray, then chestxray as a whole; "CTScan" → ct, scan, ctscan). A word mixing
    /// letters and digits is followed by its letter and digit parts ("covid19" → covid19, covid, 19), which share its position.
    /// </summary>
    public static IReadOnlyList<Word> Words(string? text)
    {
        var words = new List<Word>();
        if (string.IsNullOrEmpty(text)) return words;
        int position = 0, i = 0;
        while (i < text.Length)
        {
            if (!char.IsAsciiLetterOrDigit(text[i])) { i++; continue; }
            int runStart = i, runPosition = position;
            while (i < text.Length && char.IsAsciiLetterOrDigit(text[i]))
            {
                int start = i;
                while (i < text.Length && char.IsAsciiLetterOrDigit(text[i]) && !(i > start && IsCamelBoundary(text, i))) i++;
                AddWord(words, text[start..i].ToLowerInvariant(), position++);
            }
            // Names with odd capitals ("BraTS2021") are words as a whole too.
            if (position - runPosition > 1) AddWord(words, text[runStart..i].ToLowerInvariant(), runPosition);
        }
        return words;
    }

    // A hump starts at an upper-case letter that follows a lower-case one, or that ends an acronym ("CTS|can").
    private static bool IsCamelBoundary(string s, int i)
    {
        if (!char.IsAsciiLetterUpper(s[i])) return false;
        if (char.IsAsciiLetterLower(s[i - 1])) return true;
        return char.IsAsciiLetterUpper(s[i - 1]) && i + 1 < s.Length && char.IsAsciiLetterLower(s[i + 1]);
    }

    private static void AddWord(List<Word> words, string word, int position)
    {
        words.Add(new Word(word, position));
        bool letters = false, digits = false;
        foreach (var c in word) { letters |= char.IsAsciiLetter(c); digits |= char.IsAsciiDigit(c); }
        if (!(letters && digits)) return;
        int start = 0;
        for (int i = 1; i <= word.Length; i++)
        {
            if (i < word.Length && char.IsAsciiDigit(word[i]) == char.IsAsciiDigit(word[start])) continue;
            words.Add(new Word(word[start..i], position));
            start = i;
        }
    }

    /// <summary>A word and its position in the text (parts of a mixed word share the word's position).</summary>
    /// <param name="Text">The lower-case word.</param>
    /// <param name="Position">Index of the word in the text.</param>
    public readonly record struct Word(string Text, int Position);
}
