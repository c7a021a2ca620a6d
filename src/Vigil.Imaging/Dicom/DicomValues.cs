namespace Vigil.Imaging.Dicom;

/// <summary>Which values a DICOM image's output frame holds.</summary>
public enum DicomValues
{
    /// <summary>
    /// Display values (the default): Modality LUT (rescale), VOI window (from the file, else the frame's range),
    /// MONOCHROME1 inverted so bright means dense; 16-bit grey when BitsStored &gt; 8, else 8-bit; colour as 8-bit RGB.
    /// </summary>
    Windowed,

    /// <summary>
    /// The stored values themselves, as pydicom's <c>pixel_array</c> returns them (no rescale, window, palette or colour
    /// conversion): 8-bit when unsigned with BitsStored ≤ 8, else 16-bit with signed values shifted by +32768 and values
    /// wider than 16 bits shifted right (both recorded in the metadata, see docs/formats-dicom.md).
    /// </summary>
    Stored,
}
