using Vigil.Imaging;
using Vigil.ML.Inference;

namespace Vigil.ML.Tests.Inference;

/// <summary>An input decoded once for several models (a repository's router and route model) reads as the original would.</summary>
public sealed class DecodedOnceTests
{
    private static readonly ImageReaderRegistry Registry = ImageReaderRegistry.CreateDefault();

    [Fact]
    public void The_same_options_get_the_images_decoded_once_and_other_options_decode_the_original()
    {
        var pixels = Enumerable.Range(0, 3 * 4 * 5).Select(i => (byte)(i * 4)).ToArray();
        DetectorInput original = DetectorInput.Pixels("scan", pixels, 3, 4, 5);
        var options = ImageReadOptions.Default;
        DetectorInput once = original.DecodedOnce(Registry, options, CancellationToken.None);

        Assert.Equal("scan", once.Name);
        var first = once.Decode(Registry, options, CancellationToken.None);
        Assert.Same(first, once.Decode(Registry, options with { }, CancellationToken.None)); // equal options: no second decoding
        var other = once.Decode(Registry, options with { SliceAxis = SliceAxis.Sagittal }, CancellationToken.None);
        Assert.NotSame(first, other);
        Assert.Equal(first.Single().Frame.Data, other.Single().Frame.Data);
    }

    [Fact]
    public void An_input_that_cannot_be_read_keeps_its_failure_for_every_reader()
    {
        DetectorInput broken = DetectorInput.Encoded("broken.png", "not an image at all"u8.ToArray());
        var direct = Assert.ThrowsAny<Exception>(() => broken.Decode(Registry, ImageReadOptions.Default, CancellationToken.None));
        DetectorInput once = broken.DecodedOnce(Registry, ImageReadOptions.Default, CancellationToken.None);
        var first = Assert.ThrowsAny<Exception>(() => once.Decode(Registry, ImageReadOptions.Default, CancellationToken.None));
        var second = Assert.ThrowsAny<Exception>(() => once.Decode(Registry, ImageReadOptions.Default, CancellationToken.None));
        Assert.Equal(direct.GetType(), first.GetType());
        Assert.Equal(first.Message, second.Message);
        var prepared = ImageBatcher.Prepare(Registry, once, ImageReadOptions.Default, 8, 1).Single();
        Assert.Null(prepared.Pixels);
        Assert.False(string.IsNullOrEmpty(prepared.Error));
    }

    [Fact]
    public void Cancellation_is_not_kept_as_a_failure()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        DetectorInput input = DetectorInput.Encoded("image.png", "x"u8.ToArray());
        Assert.ThrowsAny<OperationCanceledException>(() => input.DecodedOnce(Registry, ImageReadOptions.Default, cancelled.Token));
    }
}
