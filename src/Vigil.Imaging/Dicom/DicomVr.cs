namespace Vigil.Imaging.Dicom;

/// <summary>Value representations as they appear in explicit-VR encodings.</summary>
internal static class DicomVr
{
    // VRs whose explicit header is VR, 2 reserved bytes, then a 32-bit length (PS3.5 7.1.2).
    private static readonly HashSet<string> LongLength =
        ["OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV"];

    private static readonly HashSet<string> ShortLength =
        ["AE", "AS", "AT", "CS", "DA", "DS", "DT", "FL", "FD", "IS", "LO", "LT", "PN", "SH", "SL", "SS", "ST", "TM", "UI", "UL", "US"];

    /// <summary>The VR named by two bytes, or null when they are not a known VR (then the element is read as implicit).</summary>
    public static string? Parse(byte first, byte second)
    {
        if (first is < (byte)'A' or > (byte)'Z' || second is < (byte)'A' or > (byte)'Z') return null;
        var vr = string.Create(2, (first, second), static (span, pair) => { span[0] = (char)pair.first; span[1] = (char)pair.second; });
        return LongLength.Contains(vr) || ShortLength.Contains(vr) ? vr : null;
    }

    /// <summary>True when an explicit-VR element of this VR carries a 32-bit length.</summary>
    public static bool HasLongLength(string vr) => LongLength.Contains(vr);
}
