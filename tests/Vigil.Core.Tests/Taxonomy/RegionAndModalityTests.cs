using Vigil.Core.Taxonomy;

namespace Vigil.Core.Tests.Taxonomy;

public class RegionAndModalityTests
{
    [Theory]
    [InlineData("MR", "MRI")]
    [InlineData("CT", "CT")]
    [InlineData("CR", "X-ray")]
    [InlineData("DX", "X-ray")]
    [InlineData("DR", "X-ray")]
    [InlineData("US", "ultrasound")]
    [InlineData("OP", "fundus")]
    [InlineData("OPT", "OCT")]
    [InlineData("MG", "mammography")]
    [InlineData("PT", "PET")]
    [InlineData("NM", "nuclear_medicine")]
    [InlineData("SM", "microscopy")]
    [InlineData("ct", "CT")]
    [InlineData("CT\\PT", "CT")]
    public void Dicom_modality_codes_map_to_canonical_modalities(string code, string expected)
    {
        Assert.Equal(expected, ImagingModality.FromDicomCode(code));
    }

    [Theory]
    [InlineData("OT")]
    [InlineData("SC")]
    [InlineData("SR")]
    [InlineData("")]
    [InlineData(null)]
    public void Uninformative_dicom_codes_say_nothing(string? code)
    {
        Assert.Null(ImagingModality.FromDicomCode(code));
    }

    [Theory]
    [InlineData("CHEST", "chest")]
    [InlineData("HEAD", "brain")]
    [InlineData("BRAIN", "brain")]
    [InlineData("LSPINE", "spine")]
    [InlineData("KNEE", "musculoskeletal")]
    [InlineData("ABDOMEN", "abdomen")]
    [InlineData("BREAST", "breast")]
    [InlineData("WHOLE BODY", "whole_body")]
    [InlineData("CHEST PA", "chest")]
    [InlineData("Head^Brain", "brain")]
    public void Dicom_body_parts_map_to_regions(string bodyPart, string expected)
    {
        Assert.Equal(expected, AnatomicalRegion.FromDicomBodyPart(bodyPart));
    }

    [Theory]
    [InlineData("PROJECTION")]
    [InlineData("")]
    [InlineData(null)]
    public void Unknown_body_parts_say_nothing(string? bodyPart)
    {
        Assert.Null(AnatomicalRegion.FromDicomBodyPart(bodyPart));
    }

    [Theory]
    [InlineData("Thorax", "chest")]
    [InlineData("lungs", "chest")]
    [InlineData("Head", "brain")]
    [InlineData("whole-body", "whole_body")]
    [InlineData("BRAIN", "brain")]
    public void User_spellings_normalise_to_canonical_regions(string given, string expected)
    {
        Assert.True(AnatomicalRegion.TryNormalize(given, out var region));
        Assert.Equal(expected, region);
    }

    [Theory]
    [InlineData("x-ray", "X-ray")]
    [InlineData("XRay", "X-ray")]
    [InlineData("mr", "MRI")]
    [InlineData("ct scan", "CT")]
    [InlineData("Ultrasound", "ultrasound")]
    [InlineData("oct", "OCT")]
    public void User_spellings_normalise_to_canonical_modalities(string given, string expected)
    {
        Assert.True(ImagingModality.TryNormalize(given, out var modality));
        Assert.Equal(expected, modality);
    }

    [Fact]
    public void Unknown_names_are_refused_and_every_canonical_name_normalises_to_itself()
    {
        Assert.False(AnatomicalRegion.TryNormalize("chset", out var r));
        Assert.Equal(AnatomicalRegion.Unknown, r);
        Assert.False(ImagingModality.TryNormalize("", out _));
        foreach (var name in AnatomicalRegion.All) Assert.True(AnatomicalRegion.TryNormalize(name, out var n) && n == name, name);
        foreach (var name in ImagingModality.All) Assert.True(ImagingModality.TryNormalize(name, out var n) && n == name, name);
    }
}
