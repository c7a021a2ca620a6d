namespace Vigil.Imaging.Dicom;

/// <summary>A DICOM attribute tag: group and element number.</summary>
internal readonly record struct DicomTag(ushort Group, ushort Element)
{
    public uint Value => ((uint)Group << 16) | Element;

    public override string ToString() => $"({Group:X4},{Element:X4})";

    // File meta group.
    public static readonly DicomTag TransferSyntaxUid = new(0x0002, 0x0010);
    public static readonly DicomTag MediaStorageSopClassUid = new(0x0002, 0x0002);

    // Patient / study / series / instance.
    public static readonly DicomTag SpecificCharacterSet = new(0x0008, 0x0005);
    public static readonly DicomTag SopClassUid = new(0x0008, 0x0016);
    public static readonly DicomTag SopInstanceUid = new(0x0008, 0x0018);
    public static readonly DicomTag Modality = new(0x0008, 0x0060);
    public static readonly DicomTag Manufacturer = new(0x0008, 0x0070);
    public static readonly DicomTag SeriesDescription = new(0x0008, 0x103E);
    public static readonly DicomTag PatientId = new(0x0010, 0x0020);
    public static readonly DicomTag BodyPartExamined = new(0x0018, 0x0015);
    public static readonly DicomTag SliceThickness = new(0x0018, 0x0050);
    public static readonly DicomTag StudyInstanceUid = new(0x0020, 0x000D);
    public static readonly DicomTag SeriesInstanceUid = new(0x0020, 0x000E);
    public static readonly DicomTag InstanceNumber = new(0x0020, 0x0013);

    // Image pixel module.
    public static readonly DicomTag SamplesPerPixel = new(0x0028, 0x0002);
    public static readonly DicomTag PhotometricInterpretation = new(0x0028, 0x0004);
    public static readonly DicomTag PlanarConfiguration = new(0x0028, 0x0006);
    public static readonly DicomTag NumberOfFrames = new(0x0028, 0x0008);
    public static readonly DicomTag Rows = new(0x0028, 0x0010);
    public static readonly DicomTag Columns = new(0x0028, 0x0011);
    public static readonly DicomTag PixelSpacing = new(0x0028, 0x0030);
    public static readonly DicomTag BitsAllocated = new(0x0028, 0x0100);
    public static readonly DicomTag BitsStored = new(0x0028, 0x0101);
    public static readonly DicomTag HighBit = new(0x0028, 0x0102);
    public static readonly DicomTag PixelRepresentation = new(0x0028, 0x0103);
    public static readonly DicomTag WindowCenter = new(0x0028, 0x1050);
    public static readonly DicomTag WindowWidth = new(0x0028, 0x1051);
    public static readonly DicomTag RescaleIntercept = new(0x0028, 0x1052);
    public static readonly DicomTag RescaleSlope = new(0x0028, 0x1053);
    public static readonly DicomTag VoiLutFunction = new(0x0028, 0x1056);
    public static readonly DicomTag RedPaletteDescriptor = new(0x0028, 0x1101);
    public static readonly DicomTag GreenPaletteDescriptor = new(0x0028, 0x1102);
    public static readonly DicomTag BluePaletteDescriptor = new(0x0028, 0x1103);
    public static readonly DicomTag RedPaletteData = new(0x0028, 0x1201);
    public static readonly DicomTag GreenPaletteData = new(0x0028, 0x1202);
    public static readonly DicomTag BluePaletteData = new(0x0028, 0x1203);
    public static readonly DicomTag SegmentedRedPaletteData = new(0x0028, 0x1221);
    public static readonly DicomTag LossyImageCompression = new(0x0028, 0x2110);

    // Pixel data and encapsulation.
    public static readonly DicomTag FloatPixelData = new(0x7FE0, 0x0008);
    public static readonly DicomTag DoubleFloatPixelData = new(0x7FE0, 0x0009);
    public static readonly DicomTag PixelData = new(0x7FE0, 0x0010);
    public static readonly DicomTag Item = new(0xFFFE, 0xE000);
    public static readonly DicomTag ItemDelimitation = new(0xFFFE, 0xE00D);
    public static readonly DicomTag SequenceDelimitation = new(0xFFFE, 0xE0DD);
}
