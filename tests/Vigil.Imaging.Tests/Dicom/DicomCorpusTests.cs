using Vigil.Imaging.Dicom;

namespace Vigil.Imaging.Tests.Dicom;

/// <summary>Every file of pydicom's test corpus: decodes to the independent reference or fails with a clear message.</summary>
public sealed class DicomCorpusTests
{
    private static readonly DicomReader Reader = new();

    public static TheoryData<string> EveryFile()
    {
        var data = new TheoryData<string>();
        foreach (var file in DicomCorpus.AllFiles()) data.Add(file);
        return data;
    }

    public static TheoryData<string> ReferenceFiles()
    {
        var data = new TheoryData<string>();
        foreach (var r in DicomReferenceData.All) data.Add(r.File);
        return data;
    }

    public static TheoryData<string> WindowedFiles()
    {
        var data = new TheoryData<string>();
        foreach (var r in DicomReferenceData.Windowed) data.Add(r.File);
        return data;
    }

    [Fact]
    public void CorpusIsInstalledAndLarge()
    {
        var files = DicomCorpus.AllFiles();
        Assert.True(files.Count >= 150, $"only {files.Count} files under {DicomCorpus.Root}");
        Assert.Contains("CT_small.dcm", files);
    }

    [Fact]
    public void EveryCorpusFileIsClassified()
    {
        var unclassified = DicomCorpus.AllFiles()
            .Where(f => DicomCorpus.ReferenceFor(f) is null && DicomCorpus.ExpectedFailure(f) is null)
            .ToArray();
        Assert.True(unclassified.Length == 0,
            "files with neither a reference (make_reference.py) nor an expected failure (DicomCorpus): " + string.Join(", ", unclassified));
        var stale = DicomReferenceData.All.Select(r => r.File).Except(DicomCorpus.AllFiles()).ToArray();
        Assert.True(stale.Length == 0, "references for files no longer in the corpus: " + string.Join(", ", stale));
    }

    [Theory]
    [MemberData(nameof(EveryFile))]
    public async Task EveryFileDecodesOrFailsCleanly(string file)
    {
        var path = DicomCorpus.PathOf(file);
        var outcome = await Bounded.OutcomeAsync(() => Reader.Read(path, ImageReadOptions.Default).ToList(), TimeSpan.FromSeconds(120), file);
        var reference = DicomCorpus.ReferenceFor(file);
        var failure = DicomCorpus.ExpectedFailure(file);
        switch (outcome)
        {
            case List<DecodedImage> images:
                Assert.True(failure is null, $"{file} decoded but was expected to fail with '{failure}'");
                Assert.NotEmpty(images);
                if (reference is null) return;
                Assert.Equal(reference.Frames, images.Count);
                for (int i = 0; i < images.Count; i++)
                {
                    var frame = images[i].Frame;
                    Assert.Equal((reference.Columns, reference.Rows, reference.Samples), (frame.Width, frame.Height, frame.Channels));
                    Assert.Equal(reference.Frames > 1 ? $"frame-{i + 1:D4}" : "", images[i].Key);
                }
                Assert.Equal(ExpectedDepth(path), images[0].Frame.BitDepth);
                break;
            case ImageFormatException e:
                Assert.True(reference is null, $"{file} failed but has a reference: {e.Message}");
                Assert.Equal(path, e.Path);
                Assert.False(string.IsNullOrWhiteSpace(e.Message));
                if (failure is not null) Assert.Contains(failure, e.Message);
                break;
            case Exception other:
                Assert.Fail($"{file}: unexpected {other.GetType().Name}: {other}");
                break;
        }
    }

    // Windowed policy: colour is 8-bit RGB; grey is 16-bit when BitsStored > 8, else 8-bit.
    private static int ExpectedDepth(string path)
    {
        var file = DicomFile.Open(path);
        return file.Image.SamplesPerPixel == 3 || file.Image.PhotometricInterpretation == "PALETTE COLOR" || file.Image.BitsStored <= 8 ? 8 : 16;
    }

    [Theory]
    [MemberData(nameof(ReferenceFiles))]
    public void StoredValuesMatchIndependentDecoder(string file)
    {
        var reference = DicomCorpus.ReferenceFor(file)!;
        var dicom = DicomFile.Open(DicomCorpus.PathOf(file));
        Assert.Equal((reference.Rows, reference.Columns, reference.Frames, reference.Samples),
            (dicom.Image.Rows, dicom.Image.Columns, dicom.Image.Frames, dicom.Image.SamplesPerPixel));

        var first = dicom.ReadStoredValues(0);
        Assert.Equal((long)reference.Rows * reference.Columns * reference.Samples, first.LongLength);
        var points = Enumerable.Range(0, 8)
            .Select(k => first[(k * (first.Length / reference.Samples - 1) / 7) * reference.Samples + k % reference.Samples])
            .ToArray();
        var last = reference.Frames > 1 ? dicom.ReadStoredValues(reference.Frames - 1) : first;
        if (reference.Tolerance == 0)
        {
            Assert.Equal(reference.Sum, first.Sum());
            Assert.Equal(reference.Min, first.Min());
            Assert.Equal(reference.Max, first.Max());
            Assert.Equal(reference.Points, points);
            Assert.Equal(reference.LastFrameSum, last.Sum());
        }
        else
        {
            // Lossy: a different JPEG decoder may round differently; compare means, not bits.
            double meanDifference = Math.Abs(reference.Sum - first.Sum()) / (double)first.Length;
            Assert.True(meanDifference <= reference.Tolerance, $"{file}: mean differs by {meanDifference:F3}");
            double pointDifference = reference.Points.Zip(points, (a, b) => Math.Abs(a - b)).Average();
            Assert.True(pointDifference <= reference.Tolerance * 4, $"{file}: sample points differ by {pointDifference:F3} on average");
        }
        AssertStoredOutputMatches(dicom, first);
    }

    // The Stored-mode image must hold exactly the stored values, offset and shifted as its metadata says.
    private static void AssertStoredOutputMatches(DicomFile dicom, long[] stored)
    {
        var image = dicom.DecodeFrame(0, DicomValues.Stored);
        long offset = long.Parse(image.Metadata.Extra["dicom.stored_offset"]);
        int shift = int.Parse(image.Metadata.Extra["dicom.stored_shift"]);
        Assert.Equal("stored", image.Metadata.Extra["dicom.values"]);
        for (int i = 0; i < stored.Length; i++)
        {
            long actual = image.Frame.BitDepth == 8 ? image.Frame.Data[i] : image.Frame.Samples16[i];
            if (actual - offset != stored[i] >> shift)
                Assert.Fail($"stored output sample {i} is {actual} (offset {offset}, shift {shift}); stored value {stored[i]}");
        }
    }

    [Theory]
    [MemberData(nameof(WindowedFiles))]
    public void WindowedValuesMatchPydicomLuts(string file)
    {
        var reference = DicomReferenceData.Windowed.Single(r => r.File == file);
        var image = Reader.Read(DicomCorpus.PathOf(file), ImageReadOptions.Default).First();
        Assert.Equal(16, image.Frame.BitDepth);
        Assert.Contains("source=file", image.Metadata.Extra["dicom.window"]);
        var samples = image.Frame.Samples16.ToArray();
        var points = Enumerable.Range(0, 8).Select(k => (long)samples[k * (samples.Length - 1) / 7]).ToArray();
        // Same formula, different float order: allow one unit of rounding per pixel.
        Assert.True(Math.Abs(reference.Sum - samples.Sum(s => (long)s)) <= samples.Length, $"{file}: windowed sum {samples.Sum(s => (long)s)} vs {reference.Sum}");
        Assert.All(reference.Points.Zip(points), p => Assert.InRange(p.Second, p.First - 1, p.First + 1));
    }
}
