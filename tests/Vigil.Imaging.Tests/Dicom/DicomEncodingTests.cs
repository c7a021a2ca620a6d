using System.Buffers.Binary;
using Vigil.Imaging.Dicom;
using Vigil.Imaging.Tests.Support;

namespace Vigil.Imaging.Tests.Dicom;

/// <summary>Data-set encodings and containers, on files written here: every path must give the same stored values.</summary>
public sealed class DicomEncodingTests : IDisposable
{
    private readonly TempDir _dir = new();
    private static readonly int[] Pixels = [-3, 0, 7, 1000, -1000, 32767];

    public void Dispose() => _dir.Dispose();

    private string Save(byte[] bytes, string name = "x.dcm")
    {
        var path = _dir.File(Guid.NewGuid().ToString("N")[..8] + name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static DicomTestWriter Signed16(bool bigEndian = false) => new DicomTestWriter()
        .Text(0x0008, 0x0005, "CS", "ISO_IR 192")
        .Text(0x0008, 0x0060, "CS", "MR ")
        .Text(0x0008, 0x103E, "LO", "Série ünïcode")
        .Text(0x0010, 0x0020, "LO", " PAT-01 ")
        .Text(0x0018, 0x0015, "CS", "HEAD")
        .Text(0x0020, 0x000D, "UI", "1.2.3.4")
        .Text(0x0020, 0x000E, "UI", "1.2.3.4.5")
        .Image(2, 3, 16, 16, signed: true)
        .Raw(0x7FE0, 0x0010, "OW", DicomTestWriter.Words(Pixels, bigEndian));

    [Theory]
    [InlineData(DicomTestWriter.ExplicitLittle)]
    [InlineData(DicomTestWriter.ImplicitLittle)]
    [InlineData(DicomTestWriter.ExplicitBig)]
    [InlineData(DicomTestWriter.DeflatedLittle)]
    public void EveryClassicEncodingGivesTheSameValuesAndMetadata(string syntax)
    {
        var bytes = Signed16(bigEndian: syntax == DicomTestWriter.ExplicitBig).Build(syntax);
        var file = DicomFile.Open(Save(bytes));
        Assert.Equal(Pixels.Select(p => (long)p), file.ReadStoredValues(0));
        Assert.Equal(syntax, file.TransferSyntaxUid);
        var meta = file.Metadata;
        Assert.Equal(("MR", "HEAD", "PAT-01", "1.2.3.4", "1.2.3.4.5"), (meta.Modality, meta.BodyPart, meta.PatientId, meta.StudyInstanceUid, meta.SeriesInstanceUid));
        Assert.Equal("Série ünïcode", meta.SeriesDescription); // ISO_IR 192 is UTF-8
        Assert.Equal("native", meta.Extra["dicom.decoder"]);
    }

    [Fact]
    public void Latin1IsTheDefaultCharacterSet()
    {
        var writer = new DicomTestWriter().Raw(0x0008, 0x103E, "LO", [0x43, 0xE9, 0x72, 0x20])
            .Image(1, 1, 8, 8, signed: false).Raw(0x7FE0, 0x0010, "OB", [1, 0]);
        Assert.Equal("Cér", DicomFile.Open(Save(writer.Build())).Metadata.SeriesDescription);
    }

    [Theory]
    [InlineData(DicomTestWriter.ExplicitLittle)]
    [InlineData(DicomTestWriter.ImplicitLittle)]
    [InlineData(DicomTestWriter.ExplicitBig)]
    public void FilesWithoutPreambleOrMetaAreRecognisedByTheirFirstElement(string syntax)
    {
        var bytes = Signed16(bigEndian: syntax == DicomTestWriter.ExplicitBig).Build(syntax, preamble: false, meta: false);
        Assert.True(new DicomReader().MatchesSignature(bytes.AsSpan(0, Math.Min(512, bytes.Length))));
        var file = DicomFile.Open(Save(bytes));
        Assert.Equal(Pixels.Select(p => (long)p), file.ReadStoredValues(0));
        Assert.Contains("guessed", file.Metadata.Extra["dicom.transfer_syntax"]);
    }

    [Theory]
    [InlineData(DicomTestWriter.ExplicitLittle, true)]
    [InlineData(DicomTestWriter.ExplicitLittle, false)]
    [InlineData(DicomTestWriter.ImplicitLittle, true)]
    [InlineData(DicomTestWriter.ExplicitBig, true)]
    public void NestedSequencesOfEitherLengthAreSkipped(string syntax, bool undefinedLength)
    {
        var inner = new DicomTestWriter().Text(0x0008, 0x0100, "SH", "CODE").Text(0x0008, 0x0104, "LO", "meaning");
        var middle = new DicomTestWriter().Sequence(0x0040, 0xA168, undefinedLength, inner, inner).Text(0x0040, 0xA160, "UT", "text");
        var writer = new DicomTestWriter()
            .Text(0x0008, 0x0060, "CS", "OT")
            .Sequence(0x0008, 0x1140, undefinedLength, middle, new DicomTestWriter())
            .Text(0x0010, 0x0020, "LO", "AFTER-SQ")
            .Image(1, 2, 8, 8, signed: false)
            .Raw(0x7FE0, 0x0010, "OB", [5, 6]);
        var file = DicomFile.Open(Save(writer.Build(syntax)));
        Assert.Equal("AFTER-SQ", file.Metadata.PatientId);
        Assert.Equal([5L, 6L], file.ReadStoredValues(0));
    }

    [Fact]
    public void UndefinedLengthUnSequencesAreReadAsImplicitLittleEndian()
    {
        // PS3.5 6.2.2: a UN element of undefined length holds implicit VR little endian items, even in explicit files.
        var items = new DicomTestWriter().Text(0x0009, 0x1001, "LO", "private").DataSet(new DicomTestWriter.Encoding(false, false));
        byte[] itemHeader = [0xFE, 0xFF, 0x00, 0xE0, 0xFF, 0xFF, 0xFF, 0xFF];
        byte[] itemEnd = [0xFE, 0xFF, 0x0D, 0xE0, 0, 0, 0, 0];
        byte[] sequenceEnd = [0xFE, 0xFF, 0xDD, 0xE0, 0, 0, 0, 0];
        var writer = new DicomTestWriter()
            .Raw(0x0009, 0x1010, "UN", [.. itemHeader, .. items, .. itemEnd, .. sequenceEnd], declaredLength: 0xFFFFFFFF)
            .Text(0x0010, 0x0020, "LO", "AFTER-UN")
            .Image(1, 1, 8, 8, signed: false).Raw(0x7FE0, 0x0010, "OB", [9, 0]);
        Assert.Equal("AFTER-UN", DicomFile.Open(Save(writer.Build())).Metadata.PatientId);
    }

    private static (DicomTestWriter Writer, byte[][] FrameBytes) RleImage(int frames, Func<byte[][], (IReadOnlyList<byte[]>, uint[]?)> layout)
    {
        // 16-bit unsigned, 4x3, every frame different.
        var frameBytes = Enumerable.Range(0, frames)
            .Select(f => DicomTestWriter.Words(Enumerable.Range(0, 12).Select(i => (i * 1000 + f * 7) % 65536)))
            .ToArray();
        var encoded = frameBytes.Select(b => DicomTestWriter.RleFrame(b, 12, 1, 2)).ToArray();
        var (fragments, table) = layout(encoded);
        var writer = new DicomTestWriter().Image(3, 4, 16, 16, signed: false)
            .Text(0x0028, 0x0008, "IS", frames.ToString())
            .Encapsulated(fragments, table);
        return (writer, frameBytes);
    }

    private static uint[] Offsets(IEnumerable<int> itemLengths)
    {
        var offsets = new List<uint>();
        uint at = 0;
        foreach (var length in itemLengths) { offsets.Add(at); at += 8u + (uint)length; }
        return [.. offsets];
    }

    // Each frame split into two fragments: a frame's first fragment keeps the RLE header, the second the rest.
    private static IReadOnlyList<byte[]> Split(byte[][] frames) =>
        frames.SelectMany(f => new[] { f[..70], f[70..] }).ToArray();

    public static TheoryData<string> Layouts() => ["one fragment per frame, no table", "one per frame with table", "two per frame with table", "two per frame, no table"];

    [Theory]
    [MemberData(nameof(Layouts))]
    public void RleFramesAreFoundWithOrWithoutOffsetTable(string layout)
    {
        var (writer, frames) = RleImage(3, encoded => layout switch
        {
            "one fragment per frame, no table" => (encoded, null),
            "one per frame with table" => (encoded, Offsets(encoded.Select(e => e.Length))),
            "two per frame with table" => (Split(encoded), Offsets(encoded.Select(e => e.Length)).Select((_, i) => (uint)(encoded.Take(i).Sum(e => 16 + e.Length))).ToArray()),
            _ => (Split(encoded), null),
        });
        var path = Save(writer.Build(DicomTestWriter.Rle));
        var file = DicomFile.Open(path);
        Assert.Equal("rle", file.Decoder);
        for (int f = 0; f < frames.Length; f++)
        {
            var expected = Enumerable.Range(0, 12).Select(i => (long)BinaryPrimitives.ReadUInt16LittleEndian(frames[f].AsSpan(2 * i)));
            Assert.Equal(expected, file.ReadStoredValues(f));
        }
        Assert.Equal(3, new DicomReader().Read(path, ImageReadOptions.Default).Count());
    }

    [Fact]
    public void RleRgbUsesOneSegmentPerSamplePlane()
    {
        byte[] rgb = [255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30];
        var writer = new DicomTestWriter().Image(2, 2, 8, 8, signed: false, "RGB", samples: 3, planar: 1)
            .Encapsulated([DicomTestWriter.RleFrame(rgb, 4, 3, 1)]);
        var image = new DicomReader().Read(Save(writer.Build(DicomTestWriter.Rle)), ImageReadOptions.Default).Single();
        Assert.Equal(rgb, image.Frame.Data); // RLE output is interleaved whatever PlanarConfiguration says
    }

    [Fact]
    public void EncapsulatedUncompressedFramesAreRead()
    {
        var writer = new DicomTestWriter().Image(1, 2, 8, 8, signed: false).Text(0x0028, 0x0008, "IS", "2")
            .Encapsulated([[1, 2], [3, 4]]);
        var file = DicomFile.Open(Save(writer.Build("1.2.840.10008.1.2.1.98")));
        Assert.Equal([3L, 4L], file.ReadStoredValues(1));
    }

    [Fact]
    public void TrailingPaddingAfterPixelDataIsIgnored()
    {
        var bytes = Signed16().Build();
        var padded = bytes.Concat(new byte[] { 0xFC, 0xFF, 0xFC, 0xFF, (byte)'O', (byte)'B', 0, 0, 0xFF, 0xFF, 0, 0 }).ToArray();
        Assert.Equal(Pixels.Select(p => (long)p), DicomFile.Open(Save(padded)).ReadStoredValues(0));
    }
}
