using Vigil.Imaging.Dicom;
using Vigil.Imaging.Tests.Support;

namespace Vigil.Imaging.Tests.Dicom;

/// <summary>The output-value policy (docs/formats-dicom.md) on small files written here, with expected values worked by hand.</summary>
public sealed class DicomWindowingTests : IDisposable
{
    private readonly TempDir _dir = new();
    private static readonly DicomReader Reader = new();

    public void Dispose() => _dir.Dispose();

    private List<DecodedImage> Read(DicomTestWriter writer, string transferSyntax = DicomTestWriter.ExplicitLittle, DicomValues values = DicomValues.Windowed)
    {
        var path = writer.Save(_dir.File(Guid.NewGuid().ToString("N") + ".dcm"), transferSyntax);
        return Reader.Read(path, ImageReadOptions.Default with { DicomValues = values }).ToList();
    }

    // 12-bit unsigned; modality value m = 2v - 1000; LINEAR window center 0, width 401 spans m in (-200.5, 199.5].
    private static DicomTestWriter WindowedImage(string photometric, int[] stored) => new DicomTestWriter()
        .Text(0x0008, 0x0060, "CS", "CT")
        .Image(1, stored.Length, 16, 12, signed: false, photometric)
        .Text(0x0028, 0x1050, "DS", "0\\40")
        .Text(0x0028, 0x1051, "DS", "401\\80")
        .Text(0x0028, 0x1052, "DS", "-1000")
        .Text(0x0028, 0x1053, "DS", "2")
        .Raw(0x7FE0, 0x0010, "OW", DicomTestWriter.Words(stored));

    private static readonly int[] WindowInput = [0, 400, 450, 500, 600, 4095];

    // v=0: m=-1000, below the window. v=400: m=-200, fraction (-200+0.5)/400+0.5 = 0.00125 -> 81.9 -> 82.
    // v=450: m=-100 -> 0.25125 -> 16465.7 -> 16466. v=500: m=0 -> 0.50125 -> 32849.4 -> 32849. v=600: m=200 > 199.5 -> top.
    private static readonly ushort[] WindowExpected = [0, 82, 16466, 32849, 65535, 65535];

    [Fact]
    public void RescaleThenFirstWindowThenSixteenBitOutput()
    {
        var image = Assert.Single(Read(WindowedImage("MONOCHROME2", WindowInput)));
        Assert.Equal(16, image.Frame.BitDepth);
        Assert.Equal(WindowExpected, image.Frame.Samples16.ToArray());
        Assert.Equal("center=0 width=401 function=LINEAR source=file", image.Metadata.Extra["dicom.window"]);
        Assert.Equal("slope=2 intercept=-1000", image.Metadata.Extra["dicom.rescale"]);
        Assert.Equal("windowed", image.Metadata.Extra["dicom.values"]);
        Assert.Equal("", image.Key);
    }

    [Fact]
    public void MonochromeOneIsInvertedSoBrightMeansDense()
    {
        var image = Assert.Single(Read(WindowedImage("MONOCHROME1", WindowInput)));
        Assert.Equal(WindowExpected.Select(v => (ushort)(65535 - v)).ToArray(), image.Frame.Samples16.ToArray());
        Assert.Contains("MONOCHROME1", image.Metadata.Extra["dicom.inverted"]);
    }

    [Fact]
    public void LinearExactAndSigmoidFunctionsFollowTheStandard()
    {
        // LINEAR_EXACT, center 100 width 200: fraction (m-100)/200+0.5. m=50 -> 0.25 -> 16383.75 -> 16384.
        var exact = new DicomTestWriter().Image(1, 3, 16, 16, signed: false)
            .Text(0x0028, 0x1050, "DS", "100").Text(0x0028, 0x1051, "DS", "200").Text(0x0028, 0x1056, "CS", "LINEAR_EXACT")
            .Raw(0x7FE0, 0x0010, "OW", DicomTestWriter.Words([0, 50, 200]));
        Assert.Equal(new ushort[] { 0, 16384, 65535 }, Read(exact)[0].Frame.Samples16.ToArray());
        // SIGMOID: 1/(1+exp(-4(m-c)/w)); at m=c it is exactly one half -> 32767.5 -> 32768.
        var sigmoid = new DicomTestWriter().Image(1, 1, 16, 16, signed: false)
            .Text(0x0028, 0x1050, "DS", "100").Text(0x0028, 0x1051, "DS", "200").Text(0x0028, 0x1056, "CS", "SIGMOID")
            .Raw(0x7FE0, 0x0010, "OW", DicomTestWriter.Words([100]));
        Assert.Equal(32768, Read(sigmoid)[0].Frame.Samples16[0]);
    }

    [Fact]
    public void WithoutWindowTheFrameRangeIsStretchedAndEightBitDataStaysEightBit()
    {
        var writer = new DicomTestWriter().Image(2, 2, 8, 8, signed: false).Raw(0x7FE0, 0x0010, "OB", [10, 20, 30, 40]);
        var image = Assert.Single(Read(writer));
        Assert.Equal(8, image.Frame.BitDepth);
        Assert.Equal(new byte[] { 0, 85, 170, 255 }, image.Frame.Data);
        Assert.Equal("min=10 max=40 source=frame-range", image.Metadata.Extra["dicom.window"]);
    }

    [Fact]
    public void InvalidWindowFallsBackToFrameRangeWithANote()
    {
        var writer = new DicomTestWriter().Image(1, 2, 16, 16, signed: true)
            .Text(0x0028, 0x1050, "DS", "40").Text(0x0028, 0x1051, "DS", "0")
            .Raw(0x7FE0, 0x0010, "OW", DicomTestWriter.Words([-100, 100]));
        var image = Assert.Single(Read(writer));
        Assert.Equal(new ushort[] { 0, 65535 }, image.Frame.Samples16.ToArray());
        Assert.Contains("ignored invalid window", image.Metadata.Extra["dicom.display_note"]);
    }

    [Fact]
    public void StoredModeShiftsSignedValuesAndRecordsTheShift()
    {
        var writer = new DicomTestWriter().Image(1, 4, 16, 16, signed: true)
            .Raw(0x7FE0, 0x0010, "OW", DicomTestWriter.Words([-32768, -1, 0, 32767]));
        var image = Assert.Single(Read(writer, values: DicomValues.Stored));
        Assert.Equal(new ushort[] { 0, 32767, 32768, 65535 }, image.Frame.Samples16.ToArray());
        Assert.Equal("32768", image.Metadata.Extra["dicom.stored_offset"]);
        Assert.Equal("stored", image.Metadata.Extra["dicom.values"]);
    }

    [Fact]
    public void BitsOutsideBitsStoredAreMaskedAndTwelveBitSignedValuesSignExtended()
    {
        // High bits 0xF000 are overlay garbage; 0x0FFF in 12 signed bits is -1, 0x0800 is -2048.
        var writer = new DicomTestWriter().Image(1, 3, 16, 12, signed: true)
            .Raw(0x7FE0, 0x0010, "OW", DicomTestWriter.Words([0xF123, 0x0FFF, 0x0800]));
        var path = writer.Save(_dir.File("masked.dcm"));
        Assert.Equal(new long[] { 0x123, -1, -2048 }, DicomFile.Open(path).ReadStoredValues(0));
        var stored = Reader.Read(path, ImageReadOptions.Default with { DicomValues = DicomValues.Stored }).Single();
        Assert.Equal(new ushort[] { 0x123 + 32768, 32767, 32768 - 2048 }, stored.Frame.Samples16.ToArray());
    }

    [Fact]
    public void ThirtyTwoBitStoredValuesAreShiftedIntoSixteenBits()
    {
        var bytes = new uint[] { 0, 65536, 0xFFFFFFFF }.SelectMany(BitConverter.GetBytes).ToArray();
        var writer = new DicomTestWriter().Image(1, 3, 32, 32, signed: false).Raw(0x7FE0, 0x0010, "OB", bytes);
        var image = Assert.Single(Read(writer, values: DicomValues.Stored));
        Assert.Equal(new ushort[] { 0, 1, 65535 }, image.Frame.Samples16.ToArray());
        Assert.Equal("16", image.Metadata.Extra["dicom.stored_shift"]);
    }

    [Fact]
    public void MultiFrameYieldsOneKeyedImagePerFrame()
    {
        var writer = new DicomTestWriter().Image(1, 2, 8, 8, signed: false)
            .Text(0x0028, 0x0008, "IS", "3")
            .Raw(0x7FE0, 0x0010, "OB", [1, 2, 3, 4, 5, 6]);
        var images = Read(writer, values: DicomValues.Stored);
        Assert.Equal(["frame-0001", "frame-0002", "frame-0003"], images.Select(i => i.Key));
        Assert.Equal(new byte[] { 3, 4 }, images[1].Frame.Data);
        Assert.Equal("2", images[1].Metadata.Extra["dicom.frame"]);
        Assert.Equal("3", images[2].Metadata.Extra["dicom.frames"]);
    }

    [Fact]
    public void OneBitFramesContinueMidByte()
    {
        // Two 3x3 frames = 18 bits, packed least significant bit first; frame 2 starts at bit 9.
        var bits = new[] { 1, 0, 0, 0, 1, 0, 0, 0, 1, /* frame 2 */ 0, 1, 1, 1, 1, 1, 1, 1, 0 };
        var packed = new byte[4];
        for (int i = 0; i < bits.Length; i++) packed[i / 8] |= (byte)(bits[i] << (i % 8));
        var writer = new DicomTestWriter().Image(3, 3, 1, 1, signed: false).Text(0x0028, 0x0008, "IS", "2").Raw(0x7FE0, 0x0010, "OB", packed);
        var images = Read(writer);
        Assert.Equal(new byte[] { 255, 0, 0, 0, 255, 0, 0, 0, 255 }, images[0].Frame.Data);
        Assert.Equal(new byte[] { 0, 255, 255, 255, 255, 255, 255, 255, 0 }, images[1].Frame.Data);
    }

    [Fact]
    public void PlanarRgbIsInterleaved()
    {
        // Planar configuration 1: all red, then all green, then all blue.
        var writer = new DicomTestWriter().Image(1, 2, 8, 8, signed: false, "RGB", samples: 3, planar: 1)
            .Raw(0x7FE0, 0x0010, "OB", [10, 11, 20, 21, 30, 31]);
        var image = Assert.Single(Read(writer));
        Assert.Equal((3, 8), (image.Frame.Channels, image.Frame.BitDepth));
        Assert.Equal(new byte[] { 10, 20, 30, 11, 21, 31 }, image.Frame.Data);
    }

    [Fact]
    public void YbrFullIsConvertedToRgbAndKeptAsStoredInStoredMode()
    {
        // Grey stays grey; Y=76 Cb=85 Cr=255 is pure red: R = 76+1.402*127 = 254.05, G = 0.1, B = -0.2.
        var writer = new DicomTestWriter().Image(1, 2, 8, 8, signed: false, "YBR_FULL", samples: 3)
            .Raw(0x7FE0, 0x0010, "OB", [128, 128, 128, 76, 85, 255]);
        Assert.Equal(new byte[] { 128, 128, 128, 254, 0, 0 }, Read(writer)[0].Frame.Data);
        Assert.Equal(new byte[] { 128, 128, 128, 76, 85, 255 }, Read(writer, values: DicomValues.Stored)[0].Frame.Data);
    }

    [Fact]
    public void YbrFull422IsExpandedToFullResolution()
    {
        // Y1 Y2 Cb Cr per pixel pair becomes Y1 Cb Cr Y2 Cb Cr.
        var writer = new DicomTestWriter().Image(1, 4, 8, 8, signed: false, "YBR_FULL_422", samples: 3)
            .Raw(0x7FE0, 0x0010, "OB", [10, 20, 128, 129, 30, 40, 100, 200]);
        var stored = Read(writer, values: DicomValues.Stored)[0].Frame.Data;
        Assert.Equal(new byte[] { 10, 128, 129, 20, 128, 129, 30, 100, 200, 40, 100, 200 }, stored);
    }

    [Fact]
    public void PaletteColorAppliesTheLookupTables()
    {
        // Four 16-bit entries from stored value 10; values outside take the nearest end entry.
        ushort[] descriptor = [4, 10, 16];
        var writer = new DicomTestWriter().Image(1, 5, 8, 8, signed: false, "PALETTE COLOR")
            .UShort(0x0028, 0x1101, descriptor).UShort(0x0028, 0x1102, descriptor).UShort(0x0028, 0x1103, descriptor)
            .Raw(0x0028, 0x1201, "OW", DicomTestWriter.Words([0, 65535, 0, 32896]))
            .Raw(0x0028, 0x1202, "OW", DicomTestWriter.Words([0, 0, 65535, 32896]))
            .Raw(0x0028, 0x1203, "OW", DicomTestWriter.Words([0, 0, 0, 32896]))
            .Raw(0x7FE0, 0x0010, "OB", [10, 11, 12, 13, 200, 0]);
        var image = Assert.Single(Read(writer));
        Assert.Equal((3, 8), (image.Frame.Channels, image.Frame.BitDepth));
        Assert.Equal(new byte[] { 0, 0, 0, 255, 0, 0, 0, 255, 0, 128, 128, 128, 128, 128, 128 }, image.Frame.Data);
        Assert.Equal(new byte[] { 10, 11, 12, 13, 200 }, Read(writer, values: DicomValues.Stored)[0].Frame.Data);
    }

    [Fact]
    public void SixteenBitRgbIsScaledToEightBits()
    {
        var writer = new DicomTestWriter().Image(1, 1, 16, 16, signed: false, "RGB", samples: 3)
            .Raw(0x7FE0, 0x0010, "OW", DicomTestWriter.Words([0, 32896, 65535]));
        Assert.Equal(new byte[] { 0, 128, 255 }, Read(writer)[0].Frame.Data);
    }
}
