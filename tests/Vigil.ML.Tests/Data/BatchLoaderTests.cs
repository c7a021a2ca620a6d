using TorchSharp;
using Vigil.ML.Data;
using static TorchSharp.torch;

namespace Vigil.ML.Tests.Data;

public sealed class BatchLoaderTests(CachedTrainFixture fixture) : IClassFixture<CachedTrainFixture>
{
    private static AugmentOptions NoAugment => new() { MinCropScale = 1, MaxRotationDegrees = 0, Brightness = 0, Contrast = 0 };

    private static List<int> Order(BatchLoader loader, int epoch)
    {
        var rows = new List<int>();
        foreach (var batch in loader.Epoch(epoch)) using (batch) rows.AddRange(batch.Rows);
        return rows;
    }

    private static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    /// <summary>The cached images of these rows as floats in [0,1], independently of the loader.</summary>
    private Tensor Raw(IReadOnlyList<int> rows)
    {
        var positions = fixture.Train.PositionsOf(rows).Select(p => (long)p).ToArray();
        return fixture.Train.Images.index_select(0, torch.tensor(positions)).to_type(ScalarType.Float32) / 255f;
    }

    [Fact]
    public void The_same_seed_gives_the_same_order_another_seed_or_epoch_another()
    {
        var options = LoaderOptions.Training(batchSize: 8, seed: 1) with { Augment = null };
        var a = Order(new BatchLoader(fixture.Train, options), epoch: 0);
        var b = Order(new BatchLoader(fixture.Train, options), epoch: 0);
        var otherSeed = Order(new BatchLoader(fixture.Train, options with { Seed = 2 }), epoch: 0);
        var otherEpoch = Order(new BatchLoader(fixture.Train, options), epoch: 1);

        Assert.Equal(a, b);
        Assert.NotEqual(a, otherSeed);
        Assert.NotEqual(a, otherEpoch);
        // Shuffling without balancing draws each image at most once (drop_last may leave a few out).
        Assert.Equal(a.Count, a.Distinct().Count());
        Assert.Equal(fixture.Train.Count / 8 * 8, a.Count);
    }

    [Fact]
    public void Prefetching_changes_nothing_in_the_batches()
    {
        var options = LoaderOptions.Training(batchSize: 8, seed: 5, balanced: true, augment: AugmentOptions.Default with { HorizontalFlip = true });
        var prefetched = new BatchLoader(fixture.Train, options with { Prefetch = 2 }).Epoch(3).ToList();
        var onDemand = new BatchLoader(fixture.Train, options with { Prefetch = 0 }).Epoch(3).ToList();
        try
        {
            Assert.Equal(onDemand.Count, prefetched.Count);
            Assert.True(prefetched.Count >= 3);
            for (int i = 0; i < prefetched.Count; i++)
            {
                Assert.Equal(onDemand[i].Rows, prefetched[i].Rows);
                Assert.Equal(i, prefetched[i].Index);
                Assert.True(Same(onDemand[i].Images, prefetched[i].Images), $"images of batch {i} differ");
                Assert.True(Same(onDemand[i].Labels, prefetched[i].Labels), $"labels of batch {i} differ");
            }
        }
        finally
        {
            foreach (var batch in prefetched.Concat(onDemand)) batch.Dispose();
        }
    }

    [Fact]
    public void Balanced_sampling_draws_each_class_about_equally_shuffling_keeps_the_natural_ratio()
    {
        var labeled = fixture.Train.PositionsOf(fixture.Train.Split.LabeledRows());
        var labels = labeled.Select(p => fixture.Train.Labels[p]).ToList();
        double naturalTumor = labels.Count(l => l == 1) / (double)labels.Count;
        Assert.InRange(naturalTumor, 0.15, 0.35); // the fixture is 3:1 normal:tumor

        double Fraction(Sampling sampling)
        {
            var loader = new BatchLoader(fixture.Train, new LoaderOptions { BatchSize = 7, Sampling = sampling, Seed = 11, Prefetch = 0 }, labeled);
            long tumor = 0, all = 0;
            for (int epoch = 0; epoch < 40; epoch++)
                foreach (var batch in loader.Epoch(epoch))
                    using (batch)
                    {
                        tumor += batch.Labels.eq(1).sum().item<long>();
                        all += batch.Size;
                        Assert.True(batch.Labels.ge(0).all().item<bool>()); // the selection holds labeled images only
                    }
            return tumor / (double)all;
        }

        Assert.InRange(Fraction(Sampling.Balanced), 0.45, 0.55);
        Assert.Equal(naturalTumor, Fraction(Sampling.Shuffle), 6);
    }

    [Fact]
    public void Evaluation_batches_are_the_cached_images_in_order_scaled_to_unit_range()
    {
        var loader = new BatchLoader(fixture.Train, LoaderOptions.Evaluation(batchSize: 8));
        var batches = loader.Epoch(0).ToList();
        try
        {
            Assert.Equal((fixture.Train.Count + 7) / 8, batches.Count);
            Assert.Equal(fixture.Train.Count % 8 == 0 ? 8 : fixture.Train.Count % 8, batches[^1].Size); // nothing dropped
            var rows = batches.SelectMany(b => b.Rows).ToList();
            Assert.Equal(fixture.Train.Rows, rows);
            using var all = torch.cat(batches.Select(b => b.Images).ToList(), 0);
            using var raw = Raw(rows);
            Assert.True(Same(raw, all));
            Assert.Equal(ScalarType.Float32, all.dtype);
            Assert.Equal([fixture.Train.Count, 1, 16, 16], all.shape);
            Assert.Equal(fixture.Train.Labels, batches.SelectMany(b => b.Labels.data<long>().ToArray()));
        }
        finally
        {
            foreach (var batch in batches) batch.Dispose();
        }
    }

    [Fact]
    public void Training_augmentation_changes_the_images_within_range_and_is_the_same_for_the_same_seed()
    {
        Batch First(long seed, AugmentOptions? augment) =>
            new BatchLoader(fixture.Train, LoaderOptions.Training(8, seed, augment: augment) with { Prefetch = 0 }).Epoch(0).First();

        using var a = First(7, AugmentOptions.Default);
        using var b = First(7, AugmentOptions.Default);
        using var c = First(8, AugmentOptions.Default);
        using var off = First(7, NoAugment);
        using var raw = Raw(a.Rows);

        Assert.True(Same(a.Images, b.Images));
        Assert.False(Same(a.Images, raw));
        Assert.True(Same(off.Images, raw)); // every transform off: the images as cached
        Assert.Equal(a.Rows, off.Rows);    // augmentation does not touch the order
        Assert.NotEqual(a.Rows, c.Rows);
        Assert.True(a.Images.ge(0).all().item<bool>() && a.Images.le(1).all().item<bool>());
        // Mild transforms: the augmented image stays close to the original on average.
        Assert.InRange((a.Images - raw).abs().mean().item<float>(), 0.01f, 0.35f);
    }

    [Fact]
    public void Flips_happen_only_when_allowed_and_mirror_the_image_exactly()
    {
        var flipOnly = NoAugment with { HorizontalFlip = true };
        var loader = new BatchLoader(fixture.Train, LoaderOptions.Training(8, 3, augment: flipOnly) with { Prefetch = 0 });
        int flipped = 0, kept = 0;
        foreach (var batch in loader.Epoch(0))
            using (batch)
            {
                using var raw = Raw(batch.Rows);
                for (int i = 0; i < batch.Size; i++)
                {
                    using var image = batch.Images[i];
                    using var original = raw[i];
                    using var mirrored = original.flip(2);
                    if (image.allclose(original, rtol: 0, atol: 1e-5)) kept++;
                    else if (image.allclose(mirrored, rtol: 0, atol: 1e-5)) flipped++;
                    else Assert.Fail($"image {i} of batch {batch.Index} is neither the original nor its mirror");
                }
            }
        Assert.True(flipped > 0 && kept > 0, $"{flipped} flipped, {kept} kept");
    }

    [Fact]
    public void Random_erasing_blacks_out_one_box_per_erased_image_and_leaves_the_rest_as_cached()
    {
        var eraseOnly = NoAugment with { EraseProbability = 0.5 };
        int erased = 0, kept = 0;
        foreach (var batch in new BatchLoader(fixture.Train, LoaderOptions.Training(8, 11, augment: eraseOnly) with { Prefetch = 0 }).Epoch(0))
            using (batch)
            {
                using var raw = Raw(batch.Rows);
                using var changed = batch.Images.ne(raw).squeeze(1); // [B,S,S]
                for (int i = 0; i < batch.Size; i++)
                {
                    using var image = batch.Images[i];
                    using var mask = changed[i];
                    if (!mask.any().item<bool>()) { kept++; continue; }
                    erased++;
                    // The changed pixels are all black and lie inside one box holding at most a third of the image.
                    using var values = image.squeeze(0).masked_select(mask);
                    Assert.True(values.eq(0).all().item<bool>());
                    using var nz = mask.nonzero();
                    var r = nz[.., 0]; var c = nz[.., 1];
                    long h = r.max().item<long>() - r.min().item<long>() + 1, w = c.max().item<long>() - c.min().item<long>() + 1;
                    Assert.InRange(h * w, 1, (long)(0.34 * mask.numel()));
                }
            }
        Assert.True(erased > 0 && kept > 0, $"{erased} erased, {kept} kept");
    }

    [Fact]
    public void Resuming_from_a_saved_state_continues_with_the_same_batches()
    {
        var options = LoaderOptions.Training(8, seed: 21);
        var loader = new BatchLoader(fixture.Train, options);
        var whole = loader.Epoch(4).ToList();
        LoaderState saved = whole[1].NextState;
        var resumed = new BatchLoader(fixture.Train, options).Resume(saved).ToList();
        try
        {
            Assert.Equal(new LoaderState(21, 4, 2), saved);
            Assert.Equal(whole.Count - 2, resumed.Count);
            for (int i = 0; i < resumed.Count; i++)
            {
                Assert.Equal(whole[i + 2].Index, resumed[i].Index);
                Assert.True(Same(whole[i + 2].Images, resumed[i].Images));
            }
            Assert.Throws<ArgumentException>(() => loader.Resume(saved with { Seed = 22 }));
        }
        finally
        {
            foreach (var batch in whole.Concat(resumed)) batch.Dispose();
        }
    }

    [Fact]
    public void Drop_last_drops_only_a_partial_batch_and_never_the_only_one()
    {
        int n = fixture.Train.Count;
        int size = Enumerable.Range(5, 10).First(b => n % b != 0);
        Assert.Equal(n / size, new BatchLoader(fixture.Train, new LoaderOptions { BatchSize = size, DropLast = true }).BatchesPerEpoch);
        Assert.Equal(n / size + 1, new BatchLoader(fixture.Train, new LoaderOptions { BatchSize = size, DropLast = false }).BatchesPerEpoch);
        var tiny = new BatchLoader(fixture.Train, new LoaderOptions { BatchSize = n + 5, DropLast = true });
        Assert.Equal(1, tiny.BatchesPerEpoch);
        using var only = tiny.Epoch(0).Single();
        Assert.Equal(n, only.Size);
    }

    [Fact]
    public void Stopping_early_or_cancelling_ends_the_background_producer()
    {
        var loader = new BatchLoader(fixture.Train, LoaderOptions.Training(4, 1) with { Prefetch = 1 });
        foreach (var batch in loader.Epoch(0))
        {
            batch.Dispose();
            break; // the iterator's finally stops the producer and frees the batches it prepared
        }
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => loader.Epoch(1, 0, cancelled.Token).ToList());
        Assert.Throws<DataPipelineException>(() => new BatchLoader(fixture.Train, new LoaderOptions(), []));
    }
}
