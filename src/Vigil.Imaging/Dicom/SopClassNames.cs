namespace Vigil.Imaging.Dicom;

/// <summary>Names of common SOP classes (PS3.6 Annex A), so messages say "RT Structure Set Storage" rather than a bare UID.</summary>
internal static class SopClassNames
{
    private static readonly Dictionary<string, string> Names = new(StringComparer.Ordinal)
    {
        ["1.2.840.10008.1.3.10"] = "Media Storage Directory Storage (DICOMDIR)",
        ["1.2.840.10008.5.1.4.1.1.1"] = "Computed Radiography Image Storage",
        ["1.2.840.10008.5.1.4.1.1.1.1"] = "Digital X-Ray Image Storage - For Presentation",
        ["1.2.840.10008.5.1.4.1.1.1.2"] = "Digital Mammography X-Ray Image Storage - For Presentation",
        ["1.2.840.10008.5.1.4.1.1.2"] = "CT Image Storage",
        ["1.2.840.10008.5.1.4.1.1.2.1"] = "Enhanced CT Image Storage",
        ["1.2.840.10008.5.1.4.1.1.3.1"] = "Ultrasound Multi-frame Image Storage",
        ["1.2.840.10008.5.1.4.1.1.4"] = "MR Image Storage",
        ["1.2.840.10008.5.1.4.1.1.4.1"] = "Enhanced MR Image Storage",
        ["1.2.840.10008.5.1.4.1.1.6.1"] = "Ultrasound Image Storage",
        ["1.2.840.10008.5.1.4.1.1.7"] = "Secondary Capture Image Storage",
        ["1.2.840.10008.5.1.4.1.1.9.1.1"] = "12-lead ECG Waveform Storage",
        ["1.2.840.10008.5.1.4.1.1.11.1"] = "Grayscale Softcopy Presentation State Storage",
        ["1.2.840.10008.5.1.4.1.1.20"] = "Nuclear Medicine Image Storage",
        ["1.2.840.10008.5.1.4.1.1.66"] = "Raw Data Storage",
        ["1.2.840.10008.5.1.4.1.1.66.4"] = "Segmentation Storage",
        ["1.2.840.10008.5.1.4.1.1.77.1.6"] = "VL Whole Slide Microscopy Image Storage",
        ["1.2.840.10008.5.1.4.1.1.88.11"] = "Basic Text SR Storage",
        ["1.2.840.10008.5.1.4.1.1.88.22"] = "Enhanced SR Storage",
        ["1.2.840.10008.5.1.4.1.1.88.33"] = "Comprehensive SR Storage",
        ["1.2.840.10008.5.1.4.1.1.88.59"] = "Key Object Selection Document Storage",
        ["1.2.840.10008.5.1.4.1.1.104.1"] = "Encapsulated PDF Storage",
        ["1.2.840.10008.5.1.4.1.1.128"] = "Positron Emission Tomography Image Storage",
        ["1.2.840.10008.5.1.4.1.1.481.1"] = "RT Image Storage",
        ["1.2.840.10008.5.1.4.1.1.481.2"] = "RT Dose Storage",
        ["1.2.840.10008.5.1.4.1.1.481.3"] = "RT Structure Set Storage",
        ["1.2.840.10008.5.1.4.1.1.481.5"] = "RT Plan Storage",
        ["1.2.840.10008.5.1.4.1.1.481.8"] = "RT Ion Plan Storage",
    };

    /// <summary>"UID (name)" when the name is known, the UID alone otherwise, "unknown" when absent.</summary>
    public static string Describe(string? uid) =>
        uid is null ? "unknown" : Names.TryGetValue(uid, out var name) ? $"{uid}, {name}" : uid;
}
