using Vigil.Imaging.Dicom;
using Vigil.Imaging.Tests.Support;

namespace Vigil.Imaging.Tests.Dicom;

/// <summary>DICOM in the default registry: found by signature (any name) and by extension.</summary>
public sealed class DicomRegistryTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("CT_small.dcm")]
    [InlineData("dicomdirtests/77654033/CR1/6154")] // no extension
    [InlineData("MR_truncated.dcm")]                // preamble holds a TIFF header: DICOM must win
    [InlineData("rtstruct.dcm")]                    // no preamble, implicit VR
    [InlineData("ExplVR_BigEndNoMeta.dcm")]         // no preamble, explicit big endian
    public void DefaultRegistryPicksTheDicomReader(string file)
    {
        Assert.IsType<DicomReader>(ImageReaderRegistry.CreateDefault().Resolve(DicomCorpus.PathOf(file)));
    }

    [Fact]
    public void ExtensionlessCopyDecodesThroughTheRegistry()
    {
        var copy = _dir.File("scan");
        File.Copy(DicomCorpus.PathOf("MR_small.dcm"), copy);
        var image = ImageReaderRegistry.CreateDefault().Read(copy).Single();
        Assert.Equal((64, 64, 16), (image.Frame.Width, image.Frame.Height, image.Frame.BitDepth));
        Assert.Equal("MR", image.Metadata.Modality);
    }

    [Fact]
    public void ExtensionsAreClaimed()
    {
        var registry = ImageReaderRegistry.CreateDefault();
        foreach (var name in new[] { "a.dcm", "b.DICOM", "c.dic" })
            Assert.IsType<DicomReader>(registry.FindByExtension(name));
    }

    [Fact]
    public void MetadataOfARealFile()
    {
        // Values as pydicom reads them from CR1/6154 and CT_small.
        var cr = new DicomReader().Read(DicomCorpus.PathOf("dicomdirtests/77654033/CR1/6154"), ImageReadOptions.Default).Single().Metadata;
        Assert.Equal(("CR", "CSPINE", "77654033", "Cervical LAT"), (cr.Modality, cr.BodyPart, cr.PatientId, cr.SeriesDescription));
        Assert.Equal("1.3.6.1.4.1.5962.1.1.0.0.0.1196527414.5534.0.1", cr.StudyInstanceUid);
        Assert.Equal("1.3.6.1.4.1.5962.1.1.0.0.0.1196527414.5534.0.10", cr.SeriesInstanceUid);
        Assert.Equal("slope=0.684 intercept=200", cr.Extra["dicom.rescale"]);
        Assert.Equal("center=1600 width=2800 function=LINEAR source=file", cr.Extra["dicom.window"]);
        Assert.Equal("MONOCHROME1", cr.Extra["dicom.photometric"]);
        Assert.Equal("12", cr.Extra["dicom.bits_stored"]);

        var ct = new DicomReader().Read(DicomCorpus.PathOf("CT_small.dcm"), ImageReadOptions.Default).Single().Metadata;
        Assert.Equal(("CT", "1CT1"), (ct.Modality, ct.PatientId));
        Assert.Null(ct.BodyPart);
        Assert.Equal("1.2.840.10008.5.1.4.1.1.2", ct.Extra["dicom.sop_class_uid"]);
        Assert.Equal("0.661468\\0.661468", ct.Extra["dicom.pixel_spacing"]);
        Assert.Equal("Explicit VR Little Endian", ct.Extra["dicom.transfer_syntax"]);
        Assert.Equal("1", ct.Extra["dicom.frames"]);
    }
}
