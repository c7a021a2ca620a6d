using System.Text.RegularExpressions;
using TorchSharp;
using Vigil.ML.Data;

namespace Vigil.ML.Tests.Data;

public sealed class SplitCacheTests
{
    private static CacheOptions Options(string folder, int size = 16, Action<string>? beforeCommit = null) =>
        new() { ImageSize = size, Channels = 1, Folder = folder, MaxDegreeOfParallelism = 2, BeforeCommit = beforeCommit };

    [Fact]
    public void Read_options_other_than_trainings_get_their_own_cache_and_trainings_keep_the_old_key()
    {
        using var tmp = new TempFolder();
        var train = DatasetSpec.FromFolder(DataFixtures.OrganizedDataset(tmp.Path, normal: 6, tumor: 3, unlabeled: 0)).Split("train");

        byte[] plain = CacheKey.Compute(train, 16, 1);
        Assert.Equal(plain, CacheKey.Compute(train, 16, 1, InputConversion.ReadOptions));
        Assert.NotEqual(plain, CacheKey.Compute(train, 16, 1, Vigil.Imaging.ImageReadOptions.Default with { SliceAxis = Vigil.Imaging.SliceAxis.Coronal }));
    }

    [Fact]
    public void The_first_load_decodes_and_writes_a_cache_the_second_reads_the_same_tensor_back()
    {
        using var tmp = new TempFolder();
        var spec = DatasetSpec.FromFolder(DataFixtures.OrganizedDataset(tmp.Path));
        var train = spec.Split("train");

        using var first = SplitCache.Load(train, Options(spec.CacheFolder));
        using var second = SplitCache.Load(train, Options(spec.CacheFolder));

        Assert.False(first.FromCache);
        Assert.True(second.FromCache);
        Assert.Equal(first.CachePath, second.CachePath);
        Assert.Matches(new Regex(@"^train-16px-1ch-[0-9a-f]{16}\.vtc$"), Path.GetFileName(first.CachePath));
        Assert.Equal(Path.Combine(spec.CacheFolder, Path.GetFileName(first.CachePath)!), first.CachePath);
        Assert.Equal([train.Rows.Count, 1, 16, 16], first.Images.shape);
        Assert.Equal(torch.ScalarType.Byte, second.Images.dtype);
        Assert.True(first.Images.eq(second.Images).all().item<bool>());
        Assert.Equal(first.Labels, second.Labels);
        Assert.Equal(Enumerable.Range(0, train.Rows.Count), second.Rows);
        Assert.Equal(train.Rows.Select(train.ClassId), second.Labels);
        Assert.Contains(-1L, second.Labels); // the unlabeled rows of the split are cached too
        Assert.Empty(second.Issues);
        Assert.Empty(first.Notes);
        // The pixels are the images' own: not all equal, not all black.
        Assert.True(second.Images.to_type(torch.ScalarType.Float32).std().item<float>() > 10);
    }

    [Fact]
    public void A_changed_image_gets_a_new_cache_and_the_old_one_is_removed()
    {
        using var tmp = new TempFolder();
        var dataset = DataFixtures.OrganizedDataset(tmp.Path, normal: 6, tumor: 3, unlabeled: 0);
        var cacheFolder = tmp.File("cache");
        var before = DatasetSpec.FromFolder(dataset).Split("train");
        using var old = SplitCache.Load(before, Options(cacheFolder));
        using var otherSize = SplitCache.Load(before, Options(cacheFolder, size: 8));

        // New pixels in one file; re-organizing records its new content_hash in the CSVs.
        var changed = before.Rows[0];
        DataFixtures.SavePng(changed.Path, Vigil.Imaging.ImageFrame.Grey8(20, 16, Enumerable.Repeat((byte)77, 320).ToArray()));
        DataFixtures.Organize(tmp.Path);
        var after = DatasetSpec.FromFolder(dataset).Split("train");
        Assert.NotEqual(changed.ContentHash, after.Rows.Single(r => r.Path == changed.Path).ContentHash);

        using var rebuilt = SplitCache.Load(after, Options(cacheFolder));

        Assert.False(rebuilt.FromCache);
        Assert.NotEqual(old.CachePath, rebuilt.CachePath);
        Assert.False(File.Exists(old.CachePath));
        Assert.True(File.Exists(otherSize.CachePath)); // another size is another cache, kept
        int position = rebuilt.PositionsOf([after.Rows.ToList().FindIndex(r => r.Path == changed.Path)]).Single();
        Assert.All(rebuilt.Images[position].data<byte>().ToArray().Skip(2 * 16).Take(12 * 16), v => Assert.Equal(77, v));
    }

    [Fact]
    public void The_cache_file_appears_only_complete_through_an_atomic_rename()
    {
        using var tmp = new TempFolder();
        var train = DatasetSpec.FromFolder(DataFixtures.OrganizedDataset(tmp.Path, normal: 6, tumor: 3, unlabeled: 0)).Split("train");
        var folder = tmp.File("cache");
        string? seenTemp = null;

        using var loaded = SplitCache.Load(train, Options(folder, beforeCommit: temp =>
        {
            seenTemp = temp;
            Assert.Empty(Directory.GetFiles(folder, "*.vtc"));               // nothing visible under the final name yet
            Assert.StartsWith(".", Path.GetFileName(temp));                    // the temporary file is hidden
            Assert.True(new FileInfo(temp).Length >= 4096 + train.Rows.Count * 256); // and already complete
        }));

        Assert.NotNull(seenTemp);
        Assert.False(File.Exists(seenTemp));
        Assert.Equal([loaded.CachePath!], Directory.GetFiles(folder));
    }

    [Fact]
    public void A_failed_write_leaves_no_file_and_the_split_is_still_served_from_memory()
    {
        using var tmp = new TempFolder();
        var train = DatasetSpec.FromFolder(DataFixtures.OrganizedDataset(tmp.Path, normal: 6, tumor: 3, unlabeled: 0)).Split("train");
        var folder = tmp.File("cache");

        using var loaded = SplitCache.Load(train, Options(folder, beforeCommit: _ => throw new IOException("disk full")));

        Assert.Null(loaded.CachePath);
        Assert.Equal(train.Rows.Count, loaded.Count);
        Assert.Contains(loaded.Notes, n => n.Contains("disk full", StringComparison.Ordinal));
        Assert.Empty(Directory.GetFiles(folder));
    }

    [Fact]
    public void A_corrupt_image_is_skipped_and_reported_also_on_a_cache_hit()
    {
        using var tmp = new TempFolder();
        var dataset = DataFixtures.OrganizedDataset(tmp.Path);
        var train = DatasetSpec.FromFolder(dataset).Split("train");
        int broken = 1;
        // Plain PNGs are referenced where they are: damaging the source damages the dataset.
        File.WriteAllBytes(train.Rows[broken].Path, File.ReadAllBytes(train.Rows[broken].Path)[..40]);

        using var built = SplitCache.Load(train, Options(tmp.File("cache")));
        using var hit = SplitCache.Load(train, Options(tmp.File("cache")));

        foreach (var cached in new[] { built, hit })
        {
            Assert.Equal(train.Rows.Count - 1, cached.Count);
            Assert.DoesNotContain(broken, cached.Rows);
            var issue = Assert.Single(cached.Issues);
            Assert.Equal(train.Rows[broken].Path, issue.Path);
            Assert.True(issue.Skipped);
            Assert.False(string.IsNullOrWhiteSpace(issue.Message));
            Assert.Empty(cached.PositionsOf([broken]));
            Assert.Equal([0, 1], cached.PositionsOf([0, 2]));
        }
        Assert.True(hit.FromCache);
        Assert.True(built.Images.eq(hit.Images).all().item<bool>());
    }

    [Fact]
    public void A_split_with_no_readable_image_is_an_input_error_naming_the_split()
    {
        using var tmp = new TempFolder();
        var train = DatasetSpec.FromFolder(DataFixtures.OrganizedDataset(tmp.Path, normal: 6, tumor: 3, unlabeled: 0)).Split("train");
        foreach (var row in train.Rows) File.WriteAllText(row.Path, "not a png");

        var error = Assert.Throws<DataPipelineException>(() => SplitCache.Load(train, Options(tmp.File("cache"))));

        Assert.Contains("split 'train' has no readable image", error.Message);
        Assert.Contains("re-run vigil organize", error.Message);
        Assert.False(Directory.Exists(tmp.File("cache")) && Directory.GetFiles(tmp.File("cache")).Length > 0);
        Assert.Throws<DataPipelineException>(() => SplitCache.Load(train, Options(tmp.File("cache"), size: 4)));
    }

    [Fact]
    public void A_damaged_cache_file_is_rebuilt_with_a_note()
    {
        using var tmp = new TempFolder();
        var train = DatasetSpec.FromFolder(DataFixtures.OrganizedDataset(tmp.Path, normal: 6, tumor: 3, unlabeled: 0)).Split("train");
        string path;
        using (var first = SplitCache.Load(train, Options(tmp.File("cache")))) path = first.CachePath!;
        using (var stream = new FileStream(path, FileMode.Open)) stream.SetLength(stream.Length - 5);

        using var rebuilt = SplitCache.Load(train, Options(tmp.File("cache")));

        Assert.False(rebuilt.FromCache);
        Assert.Contains(rebuilt.Notes, n => n.Contains("truncated", StringComparison.Ordinal) && n.Contains("rebuilt", StringComparison.Ordinal));
        using var again = SplitCache.Load(train, Options(tmp.File("cache")));
        Assert.True(again.FromCache);
    }
}
