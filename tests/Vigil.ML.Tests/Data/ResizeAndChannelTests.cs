using Vigil.Imaging;
using Vigil.ML.Data;

namespace Vigil.ML.Tests.Data;

public sealed class ResizeAndChannelTests
{
    private static byte[] Convert(ImageFrame frame, int size, int channels)
    {
        var output = new byte[channels * size * size];
        PixelConverter.Convert(frame, size, channels, output);
        return output;
    }

    private static ImageFrame Grey(int width, int height, Func<int, int, byte> pixel)
    {
        var data = new byte[width * height];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++) data[y * width + x] = pixel(x, y);
        return ImageFrame.Grey8(width, height, data);
    }

    [Theory]
    [InlineData(37, 16)] // area averaging, non-integer factor
    [InlineData(37, 64)] // bilinear
    [InlineData(16, 16)]
    public void A_constant_square_image_stays_constant(int side, int size)
    {
        var output = Convert(Grey(side, side, (_, _) => 173), size, 1);
        Assert.All(output, v => Assert.Equal(173, v));
    }

    [Fact]
    public void Shrinking_averages_areas_a_one_pixel_checker_becomes_its_mean_and_aligned_blocks_stay_exact()
    {
        Assert.Equal([128], Convert(Grey(2, 2, (x, y) => (x + y) % 2 == 0 ? (byte)0 : (byte)255), 1, 1)); // 127.5 rounds up
        Assert.All(Convert(Grey(8, 8, (x, y) => (x + y) % 2 == 0 ? (byte)0 : (byte)255), 4, 1), v => Assert.Equal(128, v));

        // 2×2 cells of 8×8 → 4×4: each output pixel covers exactly one cell.
        var blocks = Convert(Grey(8, 8, (x, y) => (x / 2 + y / 2) % 2 == 0 ? (byte)10 : (byte)200), 4, 1);
        for (int y = 0; y < 4; y++)
            for (int x = 0; x < 4; x++) Assert.Equal((x + y) % 2 == 0 ? 10 : 200, blocks[y * 4 + x]);

        // 3 → 2 (factor 1.5): output 0 = (a + b/2) / 1.5, output 1 = (b/2 + c) / 1.5.
        var third = Convert(Grey(3, 3, (x, _) => x switch { 0 => 0, 1 => 90, _ => 240 }), 2, 1);
        Assert.Equal([30, 190, 30, 190], third);
    }

    [Fact]
    public void Enlarging_interpolates_bilinearly_between_pixel_centres()
    {
        // Output centres sit at source x = -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1).
        var output = Convert(Grey(2, 2, (x, _) => x == 0 ? (byte)0 : (byte)255), 4, 1);
        for (int y = 0; y < 4; y++) Assert.Equal([0, 64, 191, 255], output.AsSpan(y * 4, 4).ToArray());
    }

    [Fact]
    public void A_non_square_image_is_padded_to_a_centred_square_with_black()
    {
        var wide = Convert(Grey(8, 4, (_, _) => 255), 8, 1);
        for (int y = 0; y < 8; y++)
            Assert.All(wide.AsSpan(y * 8, 8).ToArray(), v => Assert.Equal(y is >= 2 and < 6 ? 255 : 0, v));

        var tall = Convert(Grey(2, 4, (_, _) => 100), 4, 1);
        for (int y = 0; y < 4; y++) Assert.Equal([0, 100, 100, 0], tall.AsSpan(y * 4, 4).ToArray());
    }

    [Fact]
    public void Rgb_to_one_channel_uses_bt601_luminance_and_three_channels_keep_the_colours()
    {
        var rgb = new ImageFrame(3, 1, 3, 8, [255, 0, 0, 0, 255, 0, 0, 0, 255]);
        // 1×3 padded to 3×3, kept at size 3: the middle row holds red, green, blue.
        var grey = Convert(rgb, 3, 1);
        Assert.Equal([76, 150, 29], grey.AsSpan(3, 3).ToArray()); // 0.299·255, 0.587·255, 0.114·255
        Assert.Equal(0, grey[0]);

        var colour = Convert(rgb, 3, 3);
        Assert.Equal([255, 0, 0], colour.AsSpan(3, 3).ToArray());     // R plane
        Assert.Equal([0, 255, 0], colour.AsSpan(9 + 3, 3).ToArray()); // G plane
        Assert.Equal([0, 0, 255], colour.AsSpan(18 + 3, 3).ToArray()); // B plane
    }

    [Fact]
    public void Grey_to_three_channels_replicates_the_plane()
    {
        var output = Convert(Grey(4, 4, (x, y) => (byte)(x * 40 + y * 7)), 4, 3);
        Assert.Equal(output.AsSpan(0, 16).ToArray(), output.AsSpan(16, 16).ToArray());
        Assert.Equal(output.AsSpan(0, 16).ToArray(), output.AsSpan(32, 16).ToArray());
        Assert.Equal(40 + 7, output[1 * 4 + 1]);
    }

    [Fact]
    public void Sixteen_bit_samples_scale_by_255_over_65535_with_rounding()
    {
        ushort[] samples = [0, 257, 128 * 257, 255 * 257, 65535, 128, 129, 32767, 32768];
        var frame = ImageFrame.Grey16(samples.Length, 1, samples);
        // Padded to a 9×9 square: the image is the middle row (index 4).
        var output = Convert(frame, samples.Length, 1).AsSpan(4 * samples.Length, samples.Length).ToArray();
        Assert.Equal([0, 1, 128, 255, 255, 0, 1, 127, 128], output);
    }
}
