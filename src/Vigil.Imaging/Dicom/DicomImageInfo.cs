namespace Vigil.Imaging.Dicom;

/// <summary>
/// The Image Pixel description of a DICOM image as its stored values are laid out (after decompression, so for a
/// JPEG file it describes what GDCM produced, e.g. YBR_FULL rather than YBR_FULL_422).
/// </summary>
/// <param name="Rows">Rows (0028,0010): image height.</param>
/// <param name="Columns">Columns (0028,0011): image width.</param>
/// <param name="Frames">Number of Frames (0028,0008), 1 when absent.</param>
/// <param name="SamplesPerPixel">Samples per Pixel (0028,0002): 1 or 3.</param>
/// <param name="BitsAllocated">Bits Allocated (0028,0100): 1, 8, 16 or 32.</param>
/// <param name="BitsStored">Bits Stored (0028,0101).</param>
/// <param name="HighBit">High Bit (0028,0102).</param>
/// <param name="IsSigned">Pixel Representation (0028,0103) is 1 (two's complement).</param>
/// <param name="PhotometricInterpretation">Photometric Interpretation (0028,0004), upper case.</param>
/// <param name="PlanarConfiguration">Planar Configuration (0028,0006): 0 interleaved, 1 by plane.</param>
public sealed record DicomImageInfo(
    int Rows, int Columns, int Frames, int SamplesPerPixel, int BitsAllocated, int BitsStored, int HighBit,
    bool IsSigned, string PhotometricInterpretation, int PlanarConfiguration)
{
    /// <summary>Rows × Columns.</summary>
    public int PixelsPerFrame => Rows * Columns;

    /// <summary>True for MONOCHROME1 and MONOCHROME2.</summary>
    public bool IsMonochrome => PhotometricInterpretation is "MONOCHROME1" or "MONOCHROME2";
}
