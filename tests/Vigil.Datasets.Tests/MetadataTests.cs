using System.Text.Json;
using Vigil.Datasets.Tests.Support;

namespace Vigil.Datasets.Tests;

public class MetadataTests
{
    [Fact]
    public void Metadata_json_has_the_contract_fields_in_snake_case()
    {
        using var tmp = new TempFolder();
        var src = tmp.Sub("brain");
        TestImages.Pngs(Path.Combine(src, "normal"), 6, 1, 20);
        TestImages.Pngs(Path.Combine(src, "tumor"), 4, 100, 30);
        TestImages.Pngs(Path.Combine(src, "unlabeled"), 2, 200, 10);
        var clock = new FixedClock(new DateTimeOffset(2025, 3, 4, 5, 6, 7, TimeSpan.Zero));

        var result = new DatasetOrganizer(Readers.Registry(), clock).Organize(new OrganizeOptions { Sources = [src], Name = "brain_set", OutputRoot = tmp.Sub("out") });

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(result.DatasetPath, "metadata.json")));
        var root = json.RootElement;
        Assert.Equal("brain_set", root.GetProperty("name").GetString());
        Assert.Equal("2025-03-04T05:06:07Z", root.GetProperty("created").GetString());
        Assert.Equal(Path.GetFullPath(src), root.GetProperty("source")[0].GetProperty("path").GetString());
        Assert.Equal(12, root.GetProperty("num_images").GetInt32());
        Assert.Equal(10, root.GetProperty("num_labeled").GetInt32());
        Assert.Equal(2, root.GetProperty("num_unlabeled").GetInt32());
        Assert.Equal("normal", root.GetProperty("normal_class").GetString());
        Assert.Equal(6, root.GetProperty("class_counts").GetProperty("all").GetProperty("normal").GetInt32());
        Assert.Equal(12, root.GetProperty("regions").GetProperty("brain").GetInt32());
        Assert.Equal(12, root.GetProperty("modalities").GetProperty("unknown").GetInt32());
        var size = root.GetProperty("image_size");
        Assert.Equal(10, size.GetProperty("width").GetProperty("min").GetInt32());
        Assert.Equal(30, size.GetProperty("width").GetProperty("max").GetInt32());
        Assert.Equal(20, size.GetProperty("width").GetProperty("median").GetInt32());
        Assert.Equal(12, size.GetProperty("channels").GetProperty("1").GetInt32());
        Assert.Equal(0, root.GetProperty("duplicates").GetProperty("count").GetInt32());
        Assert.Equal("rejected.csv", root.GetProperty("rejected").GetProperty("file").GetString());
        Assert.Equal("stratified", root.GetProperty("split_method").GetString());
        Assert.Equal(42, root.GetProperty("seed").GetInt32());
        Assert.Equal(70, root.GetProperty("split").GetProperty("train").GetInt32());
        Assert.Equal(Vigil.Core.VigilInfo.Version, root.GetProperty("vigil_version").GetString());
    }

    [Fact]
    public void Catalog_lists_datasets_with_their_counts_and_skips_unfinished_ones()
    {
        using var tmp = new TempFolder();
        var src = tmp.Sub("src");
        TestImages.Pngs(Path.Combine(src, "normal"), 3, 1);
        TestImages.Pngs(Path.Combine(src, "tumor"), 3, 10);
        var output = tmp.Sub("out");
        Organize.Run(output, "beta", src);
        Organize.Run(output, "alpha", src);
        Directory.CreateDirectory(Path.Combine(output, ".gamma.tmp-123"));
        Directory.CreateDirectory(Path.Combine(output, "not_a_dataset"));
        Directory.CreateDirectory(Path.Combine(output, "broken"));
        File.WriteAllText(Path.Combine(output, "broken", "metadata.json"), "{ not json");

        var list = DatasetCatalog.List(output);

        Assert.Equal(["alpha", "beta", "broken"], list.Select(d => d.Name).ToArray());
        Assert.Equal(6, list[0].Metadata!.NumImages);
        Assert.Equal(["normal", "tumor"], list[0].Metadata!.Classes);
        Assert.Equal(3, list[0].Metadata!.ClassCounts["all"]["tumor"]);
        Assert.Equal("hybrid", list[0].Strategy);
        Assert.Null(list[2].Metadata);
        Assert.NotNull(list[2].Error);
        Assert.Empty(DatasetCatalog.List(tmp.File("missing")));
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
