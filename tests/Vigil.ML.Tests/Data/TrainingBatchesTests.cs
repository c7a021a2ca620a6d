using Vigil.ML.Data;
using static TorchSharp.torch;

namespace Vigil.ML.Tests.Data;

public sealed class TrainingBatchesTests
{
    /// <summary>A cached split of <paramref name="count"/> blank 4×4 images, every one labeled (class 0).</summary>
    private static CachedSplit Blank(int count)
    {
        Vigil.ML.Native.TorchNative.EnsureLoaded();
        var rows = Enumerable.Range(0, count).Select(i => new DatasetRow($"/x/{i}.png", $"{i}.png", "normal", null, "chest", "X-ray", null)).ToArray();
        var split = new SplitSource("train", rows, ["normal"], "normal", "test rows");
        return new CachedSplit(split, zeros(count, 1, 4, 4, ScalarType.Byte), new long[count], Enumerable.Range(0, count).ToArray(), [], [], null, false);
    }

    [Fact]
    public void A_small_labeled_set_is_seen_whole_every_epoch_in_several_steps()
    {
        // 235 labeled images at --batch-size 128: dropping the partial batch gave one step per epoch and left 107 images out.
        using var data = Blank(235);
        var options = TrainingBatches.Options(LoaderOptions.Training(128, seed: 3) with { Augment = null, Prefetch = 0 }, data.Count);
        var loader = new BatchLoader(data, options);
        Assert.True(loader.BatchesPerEpoch >= TrainingBatches.MinStepsPerEpoch, $"{loader.BatchesPerEpoch} batches per epoch");
        for (int epoch = 0; epoch < 3; epoch++)
        {
            var seen = new List<int>();
            foreach (var batch in loader.Epoch(epoch)) using (batch) seen.AddRange(batch.Rows);
            Assert.Equal(Enumerable.Range(0, 235), seen.Order());
        }
    }

    [Theory]
    [InlineData(235, 128, 30)]   // 8 batches: 7 of 30 and one of 25
    [InlineData(100, 128, 17)]   // 100 / 16 = 6 batches
    [InlineData(10, 128, 10)]    // too few for two batches of 16: one batch, all of them
    [InlineData(5000, 128, 125)] // already 40 batches: the requested size, evened out
    [InlineData(1024, 128, 128)]
    public void The_batch_size_adapts_only_when_the_images_would_make_few_steps(int images, int requested, int expected) =>
        Assert.Equal(expected, TrainingBatches.Size(images, requested));

    [Fact]
    public void A_lone_last_image_is_the_only_partial_batch_left_out()
    {
        // 5 images in batches of 2 would end with a batch of one, which BatchNorm cannot train on a 1×1 map.
        Assert.True(TrainingBatches.Options(LoaderOptions.Training(2, seed: 1), 5).DropLast);
        Assert.False(TrainingBatches.Options(LoaderOptions.Training(2, seed: 1), 6).DropLast);
        Assert.False(TrainingBatches.Options(LoaderOptions.Training(128, seed: 1), 235).DropLast);
    }
}
