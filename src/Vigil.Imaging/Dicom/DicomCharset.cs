using System.Text;

namespace Vigil.Imaging.Dicom;

/// <summary>
/// Maps Specific Character Set (0008,0005) to a .NET encoding. Only the single-byte sets and UTF-8/GB18030 are
/// mapped; ISO 2022 code extensions fall back to their base set, which keeps the ASCII part of names and IDs right.
/// </summary>
internal static class DicomCharset
{
    private static readonly Dictionary<string, string> CodePages = new(StringComparer.OrdinalIgnoreCase)
    {
        ["ISO_IR 101"] = "iso-8859-2", ["ISO 2022 IR 101"] = "iso-8859-2",
        ["ISO_IR 109"] = "iso-8859-3", ["ISO 2022 IR 109"] = "iso-8859-3",
        ["ISO_IR 110"] = "iso-8859-4", ["ISO 2022 IR 110"] = "iso-8859-4",
        ["ISO_IR 144"] = "iso-8859-5", ["ISO 2022 IR 144"] = "iso-8859-5",
        ["ISO_IR 127"] = "iso-8859-6", ["ISO 2022 IR 127"] = "iso-8859-6",
        ["ISO_IR 126"] = "iso-8859-7", ["ISO 2022 IR 126"] = "iso-8859-7",
        ["ISO_IR 138"] = "iso-8859-8", ["ISO 2022 IR 138"] = "iso-8859-8",
        ["ISO_IR 148"] = "iso-8859-9", ["ISO 2022 IR 148"] = "iso-8859-9",
        ["ISO_IR 203"] = "iso-8859-15", ["ISO 2022 IR 203"] = "iso-8859-15",
        ["ISO_IR 13"] = "shift_jis", ["ISO 2022 IR 13"] = "shift_jis",
        ["ISO_IR 166"] = "windows-874", ["ISO 2022 IR 166"] = "windows-874",
        ["GB18030"] = "gb18030", ["GBK"] = "gbk",
    };

    /// <summary>The encoding for the first value of Specific Character Set (empty or unknown: Latin-1, a superset of ASCII).</summary>
    public static Encoding For(string? specificCharacterSet)
    {
        var first = specificCharacterSet?.Split('\\')[0].Trim() ?? "";
        if (first is "ISO_IR 192") return Encoding.UTF8;
        if (CodePages.TryGetValue(first, out var name))
        {
            // Looked up without registering the provider, so no process-wide state changes.
            var encoding = CodePagesEncodingProvider.Instance.GetEncoding(name);
            if (encoding is not null) return encoding;
        }
        return Encoding.Latin1;
    }
}
