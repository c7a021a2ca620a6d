using System.Buffers.Binary;
using Vigil.Imaging.Dicom;
using Vigil.Imaging.Tests.Support;

namespace Vigil.Imaging.Tests.Dicom;

/// <summary>
/// Hostile and damaged input: each case must end, quickly, in images or an <see cref="ImageFormatException"/> that
/// says what is wrong. Hand-made files check the messages; fuzzing (random bytes, truncations, byte flips of real
/// files) checks that nothing else ever escapes.
/// </summary>
public sealed class DicomRobustnessTests : IDisposable
{
    private readonly TempDir _dir = new();
    private static readonly DicomReader Reader = new();
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    public void Dispose() => _dir.Dispose();

    private string Save(byte[] bytes)
    {
        var path = _dir.File(Guid.NewGuid().ToString("N")[..10] + ".dcm");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private async Task<ImageFormatException> FailsAsync(byte[] bytes, ImageReadOptions? options = null)
    {
        var path = Save(bytes);
        var outcome = await Bounded.OutcomeAsync(() => Reader.Read(path, options ?? ImageReadOptions.Default).ToList(), Bound, "hostile file");
        var error = Assert.IsType<ImageFormatException>(outcome);
        Assert.Equal(path, error.Path);
        return error;
    }

    private static DicomTestWriter Grey(int rows = 2, int columns = 2) => new DicomTestWriter().Image(rows, columns, 8, 8, signed: false);

    [Fact]
    public async Task HugeDeclaredLengthIsReportedAsTruncation()
    {
        var bytes = new DicomTestWriter().Raw(0x0010, 0x0020, "UT", [65, 66], declaredLength: 0xFFFFFFF0).Build();
        var error = await FailsAsync(bytes);
        Assert.Matches(@"truncated: element \(0010,0020\) at offset \d+ declares 4294967280 bytes but only 2 remain", error.Message);
    }

    [Fact]
    public async Task PixelDataLongerThanTheFileIsReportedWithBothSizes()
    {
        var bytes = Grey(512, 512).Raw(0x7FE0, 0x0010, "OB", new byte[1200], declaredLength: 524288).Build();
        Assert.Matches(@"truncated: PixelData at offset \d+ declares 524288 bytes but only 1200 remain", (await FailsAsync(bytes)).Message);
    }

    [Fact]
    public async Task FramesBeyondThePixelDataAreRejectedBeforeDecoding()
    {
        var bytes = Grey().Text(0x0028, 0x0008, "IS", "1000").Raw(0x7FE0, 0x0010, "OB", new byte[4]).Build();
        Assert.Contains("truncated: PixelData holds 4 bytes but 1000 frame(s) of 2x2x1 at 8 bits need 4000", (await FailsAsync(bytes)).Message);
    }

    [Fact]
    public async Task DeclaredSizesThatOverflowSixtyFourBitsAreStillRejected()
    {
        // 16384 x 16384 RGB at 32 bits x 2^31-1 frames is about 5.5e19 bits: beyond a long.
        var huge = new DicomTestWriter().Image(16384, 16384, 32, 32, signed: false, "RGB", samples: 3).Text(0x0028, 0x0008, "IS", "2147483647");
        var native = await FailsAsync(huge.Raw(0x7FE0, 0x0010, "OB", new byte[4]).Build());
        Assert.Contains("truncated: PixelData holds 4 bytes but 2147483647 frame(s) of 16384x16384x3 at 32 bits need", native.Message);
        var jpeg = new DicomTestWriter().Image(16384, 16384, 32, 32, signed: false, "RGB", samples: 3).Text(0x0028, 0x0008, "IS", "2147483647")
            .Encapsulated([[0xFF, 0xD8, 0xFF, 0xD9]]).Build("1.2.840.10008.1.2.4.50");
        Assert.Matches(@"decompressed pixel data would be \d{19} bytes, more than this reader holds", (await FailsAsync(jpeg)).Message);
    }

    [Fact]
    public async Task ImagesAboveThePixelLimitAreRejectedBeforeAllocating()
    {
        var bytes = Grey(60000, 60000).Raw(0x7FE0, 0x0010, "OB", new byte[16]).Build();
        var error = await FailsAsync(bytes, ImageReadOptions.Default with { MaxPixelsPerImage = 1_000_000 });
        Assert.Contains("image declares 60000x60000 = 3600000000 pixels, above the limit of 1000000", error.Message);
    }

    [Fact]
    public async Task AbsurdlyDeepSequencesHitTheNestingCap()
    {
        var item = new DicomTestWriter().Text(0x0008, 0x0100, "SH", "x");
        for (int depth = 0; depth < 200; depth++) item = new DicomTestWriter().Sequence(0x0040, 0xA730, true, item);
        var bytes = item.Image(1, 1, 8, 8, false).Raw(0x7FE0, 0x0010, "OB", [0, 0]).Build();
        Assert.Contains($"sequences nested deeper than {64} levels", (await FailsAsync(bytes)).Message);
    }

    [Fact]
    public async Task SequenceWithoutDelimiterIsTruncation()
    {
        byte[] item = [0xFE, 0xFF, 0x00, 0xE0, 0xFF, 0xFF, 0xFF, 0xFF, 0x08, 0x00, 0x00, 0x01, (byte)'S', (byte)'H', 2, 0, (byte)'a', (byte)'b'];
        var bytes = new DicomTestWriter().Raw(0x0008, 0x1140, "SQ", item, declaredLength: 0xFFFFFFFF).Build();
        Assert.Contains("truncated: sequence item at offset", (await FailsAsync(bytes)).Message);
    }

    [Fact]
    public async Task NonImageObjectsNameTheirSopClass()
    {
        var bytes = new DicomTestWriter().Text(0x0008, 0x0016, "UI", "1.2.840.10008.5.1.4.1.1.481.3").Text(0x0008, 0x0060, "CS", "RTSTRUCT").Build();
        Assert.Equal("no pixel data (SOP class 1.2.840.10008.5.1.4.1.1.481.3, RT Structure Set Storage)", (await FailsAsync(bytes)).Message);
    }

    [Fact]
    public async Task UnsupportedLayoutsAreNamed()
    {
        Assert.Contains("BitsAllocated 12 is not supported", (await FailsAsync(new DicomTestWriter().Image(1, 1, 12, 12, false).Raw(0x7FE0, 0x0010, "OB", [0, 0]).Build())).Message);
        Assert.Contains("SamplesPerPixel 4 is not supported", (await FailsAsync(new DicomTestWriter().Image(1, 1, 8, 8, false, "ARGB", samples: 4).Raw(0x7FE0, 0x0010, "OB", [0, 0, 0, 0]).Build())).Message);
        Assert.Contains("Rows (0028,0010) is missing", (await FailsAsync(new DicomTestWriter().Raw(0x7FE0, 0x0010, "OB", [0, 0]).Build())).Message);
        var mpeg = new DicomTestWriter().Image(1, 1, 8, 8, false).Encapsulated([[0, 0]]).Build("1.2.840.10008.1.2.4.102");
        Assert.Contains("is not supported", (await FailsAsync(mpeg)).Message);
        Assert.Contains("unknown transfer syntax UID '1.2.3.4'", (await FailsAsync(Grey().Raw(0x7FE0, 0x0010, "OB", [0, 0, 0, 0]).Build("1.2.3.4"))).Message);
    }

    [Fact]
    public async Task BrokenRleIsDescribed()
    {
        var header = new byte[64];
        BinaryPrimitives.WriteUInt32LittleEndian(header, 3); // three segments declared for one 8-bit sample
        var wrongCount = Grey().Encapsulated([header]).Build(DicomTestWriter.Rle);
        Assert.Contains("RLE header declares 3 segments but 1 sample(s) of 8 bits need 1", (await FailsAsync(wrongCount)).Message);

        BinaryPrimitives.WriteUInt32LittleEndian(header, 1);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), 9999);
        Assert.Contains("RLE segment 0 offset 9999 is outside", (await FailsAsync(Grey().Encapsulated([header]).Build(DicomTestWriter.Rle))).Message);

        // A tiny segment cannot expand to 1000x1000 pixels: rejected before allocating the frame.
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), 64);
        var tiny = Grey(1000, 1000).Encapsulated([[.. header, 0x81, 7]]).Build(DicomTestWriter.Rle);
        Assert.Contains("RLE segment 0 holds 2 bytes, too few to encode 1000000 pixels", (await FailsAsync(tiny)).Message);

        var twoFrames = Grey().Text(0x0028, 0x0008, "IS", "2").Encapsulated([[1, 2, 3, 4], [5, 6], [7, 8]]).Build(DicomTestWriter.Rle);
        Assert.Contains("cannot tell which of 3 fragments belong to which of 2 frames", (await FailsAsync(twoFrames)).Message);
    }

    [Fact]
    public async Task CorruptDeflateIsDescribed()
    {
        var bytes = Grey().Raw(0x7FE0, 0x0010, "OB", [1, 2, 3, 4]).Build(DicomTestWriter.DeflatedLittle);
        int meta = 132 + bytes.AsSpan(132).IndexOf("1.2.840.10008.1.2.1.99"u8) + 22; // the deflated data set starts after the UID
        for (int i = meta; i < bytes.Length; i++) bytes[i] = 0xFF;
        Assert.Contains("deflated data set is corrupt", (await FailsAsync(bytes)).Message);
    }

    [Fact]
    public async Task NotDicomAtAll()
    {
        Assert.Contains("not a DICOM file", (await FailsAsync("hello, this is plain text and not a medical image"u8.ToArray())).Message);
        Assert.Contains("not a DICOM file", (await FailsAsync([])).Message);
        Assert.False(Reader.MatchesSignature("\x89PNG\r\n\x1a\n"u8));
        Assert.False(Reader.MatchesSignature(new byte[512]));
    }

    // ---- fuzzing ----

    private async Task ExpectCleanOutcomeAsync(byte[] bytes, string what)
    {
        var path = Save(bytes);
        var outcome = await Bounded.OutcomeAsync(() => Reader.Read(path, ImageReadOptions.Default).Select(i => i.Frame.Data.Length).ToList(), Bound, what);
        if (outcome is Exception e and not ImageFormatException) Assert.Fail($"{what}: unexpected {e.GetType().Name}: {e}");
        if (outcome is ImageFormatException f) Assert.False(string.IsNullOrWhiteSpace(f.Message));
        File.Delete(path);
    }

    [Fact]
    public async Task RandomBytesWithAndWithoutDicomMagic()
    {
        var rng = new Random(20240501);
        for (int i = 0; i < 150; i++)
        {
            var bytes = new byte[rng.Next(0, 4096)];
            rng.NextBytes(bytes);
            if (i % 2 == 0 && bytes.Length >= 132) "DICM"u8.CopyTo(bytes.AsSpan(128));
            if (i % 3 == 0 && bytes.Length >= 144) "\x02\x00\x10\x00UI\x14\x001.2.840.10008.1.2.1\x00"u8.ToArray().AsSpan(0, 12).CopyTo(bytes.AsSpan(132));
            await ExpectCleanOutcomeAsync(bytes, $"random case {i}");
        }
    }

    // Native, RLE, deflated, big endian, 1-bit, multi-frame and one JPEG file (gdcmconv path).
    public static TheoryData<string, int> FuzzFiles() => new()
    {
        { "CT_small.dcm", 80 },
        { "MR_small_RLE.dcm", 80 },
        { "image_dfl.dcm", 60 },
        { "rtdose_expb.dcm", 60 },
        { "SC_rgb_rle_2frame.dcm", 60 },
        { "liver_1frame.dcm", 40 },
        { "ExplVR_BigEnd.dcm", 40 },
        { "test-SR.dcm", 60 },
        { "MR_small_jpeg_ls_lossless.dcm", 12 },
    };

    [Theory]
    [MemberData(nameof(FuzzFiles))]
    public async Task TruncationsOfRealFiles(string name, int cases)
    {
        var original = File.ReadAllBytes(DicomCorpus.PathOf(name));
        foreach (var cut in Enumerable.Range(0, cases).Select(i => (int)((long)original.Length * i / cases)).Distinct())
            await ExpectCleanOutcomeAsync(original[..cut], $"{name} cut at {cut}");
    }

    [Theory]
    [MemberData(nameof(FuzzFiles))]
    public async Task ByteFlipsOfRealFiles(string name, int cases)
    {
        var original = File.ReadAllBytes(DicomCorpus.PathOf(name));
        var rng = new Random(name.Length * 7919 + cases);
        for (int i = 0; i < cases * 2; i++)
        {
            var copy = (byte[])original.Clone();
            // Half the cases hit the header region, where lengths and tags live.
            int span = i % 2 == 0 ? Math.Min(copy.Length, 2048) : copy.Length;
            for (int f = rng.Next(1, 6); f > 0; f--) copy[rng.Next(span)] = (byte)rng.Next(256);
            await ExpectCleanOutcomeAsync(copy, $"{name} flip case {i}");
        }
    }

    [Fact]
    public async Task LengthFieldsSetToExtremes()
    {
        // Every 16- and 32-bit length field of MR_small's data set, set to values that commonly break parsers.
        var original = File.ReadAllBytes(DicomCorpus.PathOf("MR_small.dcm"));
        uint[] extremes = [0, 1, 3, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFE, 0xFFFFFFFF];
        int cases = 0;
        for (int at = 132; at + 12 <= Math.Min(original.Length, 1400); at += 2)
        {
            bool longForm = original[at + 4] is (byte)'O' or (byte)'S' or (byte)'U' && original[at + 6] == 0 && original[at + 7] == 0
                && (original[at + 5] is (byte)'B' or (byte)'W' or (byte)'Q' or (byte)'N' or (byte)'T');
            if (!longForm) continue;
            foreach (var value in extremes)
            {
                var copy = (byte[])original.Clone();
                BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan(at + 8), value);
                await ExpectCleanOutcomeAsync(copy, $"length at {at} = {value:X8}");
                cases++;
            }
        }
        Assert.True(cases >= 7, $"only {cases} long-form length fields found");
    }
}
