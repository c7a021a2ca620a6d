using Vigil.Imaging.Numpy;
using Vigil.Imaging.Tests.Support;

namespace Vigil.Imaging.Tests.Numpy;

/// <summary>Arrays from scikit-image's sample data (Debian python3-skimage), reference values computed with numpy.</summary>
public sealed class NumpyRealFileTests
{
    [Fact]
    public void Lfw_faces_in_unit_floats_become_8_bit()
    {
        // lfw_subset.npy: (200, 25, 25) float64 in [0, 1]; numpy: floor(v*255+0.5) sums to 65844 (image 0), 6890 (image 199).
        var images = new NpyReader().Read(TestCorpora.File(TestCorpora.Skimage, "lfw_subset.npy"), ImageReadOptions.Default).ToList();
        Assert.Equal(200, images.Count);
        Assert.All(images, i => Assert.Equal((25, 25, 1, 8), (i.Frame.Width, i.Frame.Height, i.Frame.Channels, i.Frame.BitDepth)));
        Assert.Equal(65844, images[0].Frame.Data.Sum(b => (long)b));
        Assert.Equal(6890, images[199].Frame.Data.Sum(b => (long)b));
        Assert.Equal(142, images[0].Frame.Data[10 * 25 + 12]);
        Assert.Equal(12021236, images.Sum(i => i.Frame.Data.Sum(b => (long)b)));
        Assert.Equal("image-00199", images[199].Key);
    }

    [Fact]
    public void Single_array_npz_is_one_rgb_image()
    {
        // chessboard_RGB_U8.npz holds arr_0 (200, 200, 3) uint8, summing to 15,300,000.
        var image = Assert.Single(new NpzReader().Read(TestCorpora.File(TestCorpora.Skimage, "chessboard_RGB_U8.npz"), ImageReadOptions.Default));
        Assert.Equal((200, 200, 3), (image.Frame.Width, image.Frame.Height, image.Frame.Channels));
        Assert.Equal(15300000, image.Frame.Data.Sum(b => (long)b));
        Assert.Null(image.Metadata.Label);
        Assert.Null(image.Metadata.OfficialSplit);
    }

    [Fact]
    public void Single_grey_npy_is_one_image_with_an_empty_key()
    {
        var image = Assert.Single(new NpyReader().Read(TestCorpora.File(TestCorpora.Skimage, "chessboard_GRAY_U8.npy"), ImageReadOptions.Default));
        Assert.Equal("", image.Key);
        Assert.Equal(5100000, image.Frame.Data.Sum(b => (long)b));
        Assert.Equal(0, image.Frame.Data[30 * 200 + 70]);
    }
}
