using Vigil.Datasets.Tests.Support;

namespace Vigil.Datasets.Tests;

public class BalanceTests
{
    private static OrganizeResult Run(TempFolder tmp, BalanceMode mode)
    {
        var src = tmp.Sub("src");
        TestImages.Pngs(Path.Combine(src, "normal"), 40, 1);
        TestImages.Pngs(Path.Combine(src, "tumor"), 10, 100);
        return Organize.Run(new OrganizeOptions { Sources = [src], Name = "ds", OutputRoot = tmp.Sub("out"), Balance = mode });
    }

    [Fact]
    public void Undersampling_trims_train_to_the_smallest_class_and_leaves_the_rest()
    {
        using var tmp = new TempFolder();
        var result = Run(tmp, BalanceMode.Undersample);

        var train = Organize.Rows(result, "splits/train.csv");
        Assert.Equal(7, train.Count(r => r["label"] == "normal"));
        Assert.Equal(7, train.Count(r => r["label"] == "tumor"));
        Assert.Equal(28, result.Metadata.Balance.TrainBefore["normal"]);
        Assert.Equal(7, result.Metadata.Balance.TrainAfter["normal"]);
        Assert.Equal("undersample", result.Metadata.Balance.Mode);
        Assert.Equal(50, Organize.Rows(result, "labeled.csv").Count);         // the inventory keeps every image
        Assert.Equal(result.Metadata.ClassCounts["val"].Values.Sum(), Organize.Rows(result, "splits/val.csv").Count);
    }

    [Fact]
    public void Oversampling_repeats_minority_rows_up_to_the_largest_class()
    {
        using var tmp = new TempFolder();
        var result = Run(tmp, BalanceMode.Oversample);

        var train = Organize.Rows(result, "splits/train.csv");
        Assert.Equal(28, train.Count(r => r["label"] == "normal"));
        var tumor = train.Where(r => r["label"] == "tumor").ToList();
        Assert.Equal(28, tumor.Count);
        // 7 distinct images repeated 4 times each: as even as possible.
        Assert.All(tumor.GroupBy(r => r["path"]), g => Assert.Equal(4, g.Count()));
        Assert.Equal(28, result.Metadata.Balance.TrainAfter["tumor"]);
        Assert.Equal(50, result.Metadata.NumImages);
    }
}
