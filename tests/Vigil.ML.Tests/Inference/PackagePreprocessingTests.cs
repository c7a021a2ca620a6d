using System.Text.Json;
using Vigil.Core.Json;
using Vigil.Imaging;
using Vigil.Imaging.Dicom;
using Vigil.ML.Inference;

namespace Vigil.ML.Tests.Inference;

/// <summary>The manifest's preprocessing section: what it records, how it reads back, and what a package without it means.</summary>
public sealed class PackagePreprocessingTests
{
    [Fact]
    public void Packages_without_the_section_read_images_as_every_earlier_Vigil_did()
    {
        Assert.Equal(ImageReadOptions.Default, PackagePreprocessing.Default.ToReadOptions("old.vigil"));
        Assert.Equal(PackagePreprocessing.Default, PackagePreprocessing.Current); // training has not changed how it reads yet
    }

    [Fact]
    public void The_section_is_written_in_the_manifests_spelling()
    {
        var json = JsonSerializer.SerializeToElement(PackagePreprocessing.Current, VigilJson.Options);
        Assert.Equal("axial", json.GetProperty("slice_axis").GetString());
        Assert.True(json.GetProperty("skip_empty_slices").GetBoolean());
        Assert.Equal(0, json.GetProperty("volume_index").GetInt32());
        Assert.Equal("windowed", json.GetProperty("dicom_values").GetString());
        Assert.Equal("bt601-luminance", json.GetProperty("channel_policy").GetString());
        Assert.Equal("pad-to-square", json.GetProperty("resize").GetString());
    }

    [Fact]
    public void Recorded_values_become_the_reader_options()
    {
        var recorded = PackagePreprocessing.Current with { SliceAxis = "sagittal", DicomValues = "stored", SkipEmptySlices = false, VolumeIndex = 2 };
        var options = recorded.ToReadOptions("m.vigil");
        Assert.Equal(SliceAxis.Sagittal, options.SliceAxis);
        Assert.Equal(DicomValues.Stored, options.DicomValues);
        Assert.False(options.SkipEmptySlices);
        Assert.Equal(2, options.VolumeIndex);
    }

    [Theory]
    [InlineData("slice_axis")]
    [InlineData("dicom_values")]
    [InlineData("resize")]
    public void A_value_this_Vigil_does_not_know_refuses_the_package(string field)
    {
        var recorded = field switch
        {
            "slice_axis" => PackagePreprocessing.Current with { SliceAxis = "oblique" },
            "dicom_values" => PackagePreprocessing.Current with { DicomValues = "hounsfield" },
            _ => PackagePreprocessing.Current with { Resize = "crop" },
        };
        var e = Assert.Throws<ModelPackageException>(() => recorded.ToReadOptions("m.vigil"));
        Assert.Contains($"preprocessing.{field}", e.Message);
    }
}
