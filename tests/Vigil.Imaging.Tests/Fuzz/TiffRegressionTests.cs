using Vigil.Imaging.Fuzzing;

namespace Vigil.Imaging.Tests.Fuzz;

/// <summary>
/// Mutations of scikit-image's TIFF files that once made the TIFF reader allocate gigabytes (LibTiff sizes its
/// buffers from tags before reading data), run out of memory, or name a .NET cast in its message. Each is
/// reproduced from its seed file and case number (image-fuzz, base seed 20261206).
/// </summary>
public sealed class TiffRegressionTests(MutatedSeeds seeds) : IClassFixture<MutatedSeeds>
{
    [Theory]
    // OutOfMemoryException (3 bytes 0xFE in the directory, 42 bytes removed): a tag declared ~2 GB of data.
    [InlineData("skimage/multipage.tif", -1043179773, "damaged TIFF")]
    [InlineData("skimage/multipage.tif", -1043179632, "damaged TIFF")]
    // A strip declaring 2,074,328,885 bytes in a 5 KB file: LibTiff allocated it before reading.
    [InlineData("skimage/multipage_rgb.tif", -1043180051, "damaged TIFF")]
    // Height set to 16,941,056 rows: LibTiff allocated strip tables for 16.9 M strips.
    [InlineData("skimage/multipage_rgb.tif", -1043178611, "damaged TIFF")]
    // SamplesPerPixel with a count of 2: LibTiff failed a cast and the message said "System.Int16[]".
    [InlineData("skimage/multipage.tif", -1043179173, "TIFF")]
    [InlineData("skimage/multipage.tif", -1043179227, "TIFF")]
    public void Damaged_tags_are_rejected_without_huge_allocations(string seedName, int caseSeed, string expected)
    {
        var result = seeds.Campaign().ReadOne(seeds.Named(seedName), caseSeed, seeds.Dir.Path);
        Assert.True(result.Outcome == Outcome.Rejected, result.ToString());
        Assert.Contains(expected, result.Error!.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", result.Error.Message, StringComparison.Ordinal);
    }
}
