using System.Globalization;
using Vigil.Imaging.Nifti;
using Vigil.Imaging.Tests.Png;
using Vigil.Imaging.Tests.Support;

namespace Vigil.Imaging.Tests.Nifti;

/// <summary>
/// NiftiReader against values computed independently (struct + numpy, gzip by hand) in make_nifti_fixtures.py,
/// on hand-packed fixtures (both byte orders, 4D, gzip, .hdr/.img pairs, every mapping rule) and on real
/// MRI templates from Debian's mricron-data.
/// </summary>
public sealed class NiftiReaderTests
{
    private static string Fixture(string name) => Path.Combine(TestCorpora.RepositoryRoot, "tests", "Vigil.Imaging.Tests", "Nifti", "Fixtures", name);
    private static string Template(string name) => TestCorpora.File("/usr/share/mricron/templates", name);
    private static readonly NiftiReader Reader = new();

    // file ("#1" = VolumeIndex 1), key, width, height, bit depth, SHA-256 of the slice (from make_nifti_fixtures.py)
    public static TheoryData<string, string, int, int, int, string> FixtureSlices => new()
    {
        { "be_int16_4d.nii", "axial-000", 7, 5, 16, "369f44881df304a05a5c6cd5ac82ef002966168a928f10ea351b4b65cf8827c4" },
        { "be_int16_4d.nii", "axial-001", 7, 5, 16, "8a7673bf0f4f5b386157cc7ee4585a8a51c81806206dba0c3c4419197457f9a2" },
        { "be_int16_4d.nii", "axial-002", 7, 5, 16, "2098056746069a4c1039b49a8dcbed4dc3fa3d1f464b3939e3597adec54f81b3" },
        { "be_int16_4d.nii", "axial-003", 7, 5, 16, "b91a2dca7064d059908c03b4aaaf5865394e7abdfc64265f2bcf71ad912d03eb" },
        { "be_int16_4d.nii#1", "axial-000", 7, 5, 16, "46974e513cbe65824cd4faeb79b735f6401a06c4efcbe9232ea7e09278a22afd" },
        { "be_int16_4d.nii#1", "axial-001", 7, 5, 16, "2759ebbfcfd73355c87eee21680963e4dc3c1d407d0bf2b756dbda68332e787f" },
        { "be_int16_4d.nii#1", "axial-002", 7, 5, 16, "9253e07a29a1d41ae9fed2f159e158fb442619dae1043c0be586c3ddbe319116" },
        { "be_int16_4d.nii#1", "axial-003", 7, 5, 16, "9857cd8992bf84b6d3b19de0a9727a2e0caf35412826db15aad69eed8c4b9b94" },
        { "le_float64.nii.gz", "coronal-000", 6, 3, 16, "2700b9846d5a6e6ca8c3622c9050c9d8ac3ac7bc4f6df89bfe9dad8ce70edf9f" },
        { "le_float64.nii.gz", "coronal-001", 6, 3, 16, "5408c10944f07348145b0ddb79cc764e601a7a8ec35ec859f01bbb0ee0ca61c3" },
        { "le_float64.nii.gz", "coronal-002", 6, 3, 16, "e8d03731fb37c8ba988e31cbd4e4c5d7d3163f5c00c880572c0e0ca9117761b1" },
        { "le_float64.nii.gz", "coronal-003", 6, 3, 16, "f0061f8bb5bb6979b217c23a96714688638053b6de0d2a2f63b2d309f9a65a84" },
        { "le_float64.nii.gz", "coronal-004", 6, 3, 16, "546525ee10c3177732983a8ffa227e5b0b2e7e3967da4fd2e66a9f3091e80a0d" },
        { "pair_uint16.hdr", "sagittal-000", 4, 3, 16, "c1537efced538b28e0e26927378d7ae9115bf0e0abcc43ca667bdfd50f5f8980" },
        { "pair_uint16.hdr", "sagittal-001", 4, 3, 16, "05e6777612db81ea3eeec31db052c53048460c87ab7fd3b5c2a2b841d0709728" },
        { "pair_uint16.hdr", "sagittal-002", 4, 3, 16, "322388775b01ea4f54f6da71e2cad03e60288ded1af911e16cce533ab7075095" },
        { "pair_uint16.hdr", "sagittal-003", 4, 3, 16, "a433b89e5ebb0e109fb06ae176abd2fbad76347823a53e7fcaf87bbc8fc0e1de" },
        { "pair_uint16.hdr", "sagittal-004", 4, 3, 16, "78ca38763ec6cdd6c0fc8d03a25f19a9239ef8ce6172347ab089407d1a74bb57" },
        { "uint8_empty_ends.nii", "axial-001", 4, 3, 8, "ec6bc8f01d0e953fd66bcbd4cd6d756a31e4e252ee5c05a03e1d8fbdee6d1fed" },
        { "uint8_empty_ends.nii", "axial-002", 4, 3, 8, "d92fd1f9f71a7da72b05abaa51a74e2e485354460e67b0d0594edbca287fa364" },
        { "uint8_empty_ends.nii", "axial-003", 4, 3, 8, "44bf976364f9610ad58f4a3a361e37f59151bb4f4c5ce4f043555752e30658c0" },
        { "uint32_wide.nii", "axial-000", 3, 4, 16, "e88b6dfc437d56b1ff1c44fd64757749b9274ef44821736f34fe70c026dcf943" },
        { "uint32_wide.nii", "axial-001", 3, 4, 16, "a08829396b7fc264f76276a5b2ed4a8e471a3b95a8bdc13dd62ba1383d6e4f16" },
        { "int8.nii", "axial-000", 3, 3, 16, "6656452cb6c6f00c84ecf0065a26395bf9d925bfcf6ce21ee27227a3a1f8fb3a" },
        { "int8.nii", "axial-001", 3, 3, 16, "121295f2069c78b2459bc22892db89be45cf6867f4fa0bc7288f9ebdafb19785" },
    };

    [Theory]
    [InlineData("be_int16_4d.nii", SliceAxis.Axial, 0)]
    [InlineData("be_int16_4d.nii#1", SliceAxis.Axial, 1)]
    [InlineData("le_float64.nii.gz", SliceAxis.Coronal, 0)]
    [InlineData("pair_uint16.hdr", SliceAxis.Sagittal, 0)]
    [InlineData("uint8_empty_ends.nii", SliceAxis.Axial, 0)]
    [InlineData("uint32_wide.nii", SliceAxis.Axial, 0)]
    [InlineData("int8.nii", SliceAxis.Axial, 0)]
    public void Fixture_slices_match_numpy(string file, SliceAxis axis, int volume)
    {
        var expected = FixtureSlices.Select(r => ((string)r[0], (string)r[1], (int)r[2], (int)r[3], (int)r[4], (string)r[5]))
            .Where(r => r.Item1 == file).ToList();
        var options = new ImageReadOptions { SliceAxis = axis, VolumeIndex = volume };
        var images = Reader.Read(Fixture(file.Split('#')[0]), options).ToList();
        Assert.Equal(expected.Select(r => r.Item2), images.Select(i => i.Key));
        foreach (var (row, image) in expected.Zip(images))
        {
            PngFiles.AssertFrame(image.Frame, row.Item3, row.Item4, 1, row.Item5, row.Item6);
            Assert.Equal(volume.ToString(CultureInfo.InvariantCulture), image.Metadata.Extra["volume_index"]);
        }
    }

    [Fact]
    public void Mapping_and_geometry_are_recorded()
    {
        var first = Reader.Read(Fixture("be_int16_4d.nii"), ImageReadOptions.Default).First();
        var extra = first.Metadata.Extra;
        // int16 range -291..: offset by the minimum; physical = 2 * stored - 10 (scl_slope/scl_inter).
        Assert.Equal("-592", extra["intensity_offset"]);
        Assert.Equal("2", extra["intensity_scale"]);
        Assert.Equal("axial", extra["slice_axis"]);
        Assert.Equal("0", extra["slice_index"]);
        Assert.Equal("7x5x4x2", extra["volume_shape"]);
        Assert.Equal("int16", extra["datatype"]);

        var floats = Reader.Read(Fixture("le_float64.nii.gz"), ImageReadOptions.Default).First().Metadata.Extra;
        Assert.Equal("0.5x0.75x2", floats["voxel_size"]);
        Assert.Equal(7.800390913810425, double.Parse(floats["intensity_offset"], CultureInfo.InvariantCulture));
        Assert.Equal(1 / 821.4487921607645, double.Parse(floats["intensity_scale"], CultureInfo.InvariantCulture), 15);
    }

    [Fact]
    public void Empty_slices_are_kept_when_asked()
    {
        var options = new ImageReadOptions { SkipEmptySlices = false };
        var keys = Reader.Read(Fixture("uint8_empty_ends.nii"), options).Select(i => i.Key).ToList();
        Assert.Equal(["axial-000", "axial-001", "axial-002", "axial-003", "axial-004"], keys);
    }

    [Fact]
    public void Ch2_axial_slices_match_numpy()
    {
        // ch2.nii.gz: 181x217x181 uint8; numpy finds 176 non-empty axial slices; axial-090 sums to 2,326,396.
        var images = Reader.Read(Template("ch2.nii.gz"), ImageReadOptions.Default).ToList();
        Assert.Equal(176, images.Count);
        var slice = images.Single(i => i.Key == "axial-090");
        Assert.Equal((181, 217, 1, 8), (slice.Frame.Width, slice.Frame.Height, slice.Frame.Channels, slice.Frame.BitDepth));
        Assert.Equal(2326396, slice.Frame.Data.Sum(b => (long)b));
        Assert.Equal(0, slice.Frame.Data.Min());
        Assert.Equal(171, slice.Frame.Data.Max());
        Assert.Equal(46, slice.Frame.Data[100 * 181 + 80]); // voxel i=80, j=116, k=90
        Assert.Equal("181x217x181", slice.Metadata.Extra["volume_shape"]);
        Assert.Equal("1x1x1", slice.Metadata.Extra["voxel_size"]);
        Assert.Equal("uint8", slice.Metadata.Extra["datatype"]);
    }

    [Theory]
    [InlineData(SliceAxis.Coronal, 215, "coronal-108", 181, 181, 2171323L, 191, 30, 70, 65)]
    [InlineData(SliceAxis.Sagittal, 181, "sagittal-090", 217, 181, 1952803L, 190, 40, 100, 46)]
    public void Ch2_other_axes_match_numpy(SliceAxis axis, int count, string key, int width, int height, long sum, int max, int row, int col, int pixel)
    {
        var images = Reader.Read(Template("ch2.nii.gz"), new ImageReadOptions { SliceAxis = axis }).ToList();
        Assert.Equal(count, images.Count);
        var frame = images.Single(i => i.Key == key).Frame;
        Assert.Equal((width, height), (frame.Width, frame.Height));
        Assert.Equal(sum, frame.Data.Sum(b => (long)b));
        Assert.Equal(max, frame.Data.Max());
        Assert.Equal(pixel, frame.Data[row * width + col]);
    }

    [Fact]
    public void Float_template_is_stretched_to_16_bits_as_numpy_computes()
    {
        // inia19-t1-brain.nii.gz: 168x206x128 float32, 0.5 mm voxels; min 0, factor 65535/max.
        var images = Reader.Read(Template("inia19-t1-brain.nii.gz"), ImageReadOptions.Default).ToList();
        Assert.Equal(115, images.Count);
        var slice = images.Single(i => i.Key == "axial-064");
        Assert.Equal(16, slice.Frame.BitDepth);
        var samples = slice.Frame.Samples16.ToArray();
        Assert.Equal(204249367L, samples.Sum(s => (long)s));
        Assert.Equal(32768, samples.Max());
        Assert.Equal(16745, samples[100 * 168 + 80]);
        Assert.Equal("0.5x0.5x0.5", slice.Metadata.Extra["voxel_size"]);
        Assert.Equal(1 / 171.03127327591756, double.Parse(slice.Metadata.Extra["intensity_scale"], CultureInfo.InvariantCulture), 15);
    }

    [Fact]
    public void Signature_is_found_inside_gzip()
    {
        var head = File.ReadAllBytes(Template("ch2.nii.gz")).AsSpan(0, 512);
        Assert.True(Reader.MatchesSignature(head));
        Assert.True(Reader.MatchesSignature(File.ReadAllBytes(Fixture("int8.nii")).AsSpan(0, 352)));
        Assert.False(Reader.MatchesSignature(File.ReadAllBytes(Path.Combine(PngFiles.Fixtures, "grey8_13x11.png"))));
    }

    [Theory]
    [InlineData("complex64.nii", "datatype 32 (complex64) is not supported")]
    [InlineData("huge_dims.nii.gz", "exceed the limit")]
    [InlineData("more_than_data.nii", "truncated")]
    [InlineData("more_than_data.nii.gz", "truncated")]
    public void Bad_files_fail_clearly(string file, string message)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<ImageFormatException>(() => Reader.Read(Fixture(file), ImageReadOptions.Default).ToList());
        Assert.Contains(message, e.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20, "allocated too much for a bad file");
    }

    [Fact]
    public void Huge_dims_are_rejected_even_with_a_generous_pixel_limit()
    {
        var options = new ImageReadOptions { MaxPixelsPerImage = long.MaxValue };
        var e = Assert.Throws<ImageFormatException>(() => Reader.Read(Fixture("huge_dims.nii.gz"), options).ToList());
        Assert.Contains("too large", e.Message);
    }

    [Fact]
    public void Missing_volume_index_is_rejected()
    {
        var e = Assert.Throws<ImageFormatException>(() => Reader.Read(Fixture("int8.nii"), new ImageReadOptions { VolumeIndex = 1 }).ToList());
        Assert.Contains("volume 1", e.Message);
    }

    [Theory]
    [InlineData("be_int16_4d.nii")]
    [InlineData("le_float64.nii.gz")]
    [InlineData("int8.nii")]
    public void Mutated_fixtures_fail_cleanly(string file)
    {
        using var dir = new TempDir();
        var bytes = File.ReadAllBytes(Fixture(file));
        ReaderMutations.Truncations(Reader, bytes, dir.Path, file);
        ReaderMutations.ByteFlips(Reader, bytes, dir.Path, file);
        ReaderMutations.RandomBodies(Reader, bytes, 4, dir.Path, file);
    }

    [Fact]
    public void Truncated_real_volume_fails_cleanly()
    {
        using var dir = new TempDir();
        var bytes = File.ReadAllBytes(Template("ch2bet.nii.gz"));
        ReaderMutations.Truncations(Reader, bytes, dir.Path, "ch2bet.nii.gz", 12);
    }
}
