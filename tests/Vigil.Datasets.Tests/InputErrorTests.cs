using Vigil.Core;
using Vigil.Datasets.Tests.Support;

namespace Vigil.Datasets.Tests;

public class InputErrorTests
{
    private static DatasetInputException Fails(TempFolder tmp, OrganizeOptions options)
    {
        var e = Assert.Throws<DatasetInputException>(() => Organize.Run(options));
        Assert.IsAssignableFrom<UserInputException>(e);
        Assert.DoesNotContain('\n', e.Message);
        // Nothing was created for a failed run.
        var output = Path.Combine(tmp.Path, "out");
        Assert.False(Directory.Exists(output) && Directory.EnumerateDirectories(output).Any(d => !Path.GetFileName(d).StartsWith('.')));
        return e;
    }

    private static OrganizeOptions Options(TempFolder tmp, params string[] sources) =>
        new() { Sources = sources, Name = "ds", OutputRoot = Path.Combine(tmp.Path, "out") };

    [Fact]
    public void Missing_source()
    {
        using var tmp = new TempFolder();
        var e = Fails(tmp, Options(tmp, tmp.File("nope")));
        Assert.Contains("does not exist", e.Message);
        Assert.Contains("nope", e.Message);
    }

    [Fact]
    public void Source_without_images()
    {
        using var tmp = new TempFolder();
        tmp.Sub("src");
        File.WriteAllText(tmp.File("src", "x.txt"), "text");
        var e = Fails(tmp, Options(tmp, tmp.File("src")));
        Assert.Contains("contains no images", e.Message);
        Assert.Contains(".png", e.Message);
    }

    [Fact]
    public void No_sources()
    {
        using var tmp = new TempFolder();
        Assert.Contains("no --source", Fails(tmp, Options(tmp)).Message);
    }

    [Fact]
    public void Csv_without_path_column_names_the_columns_found()
    {
        using var tmp = new TempFolder();
        File.WriteAllText(tmp.File("m.csv"), "file_name_here,diagnosis\na.png,normal\n");
        var e = Fails(tmp, Options(tmp, tmp.File("m.csv")));
        Assert.Contains("no 'path' column", e.Message);
        Assert.Contains("file_name_here, diagnosis", e.Message);
    }

    [Fact]
    public void Empty_csv()
    {
        using var tmp = new TempFolder();
        File.WriteAllText(tmp.File("m.csv"), "");
        Assert.Contains("is empty", Fails(tmp, Options(tmp, tmp.File("m.csv"))).Message);
    }

    [Theory]
    [InlineData("70/20/20", "sums to 110")]
    [InlineData("70/15", "three whole percentages")]
    [InlineData("a/b/c", "three whole percentages")]
    [InlineData("0/50/50", "nothing for training")]
    public void Split_must_be_three_percentages_summing_to_100(string text, string expected)
    {
        var e = Assert.Throws<DatasetInputException>(() => SplitRatios.Parse(text));
        Assert.Contains(expected, e.Message);
        Assert.Contains("70/15/15", e.Message);
    }

    [Fact]
    public void Split_parses_common_forms()
    {
        Assert.Equal(new SplitRatios(80, 10, 10), SplitRatios.Parse("80/10/10"));
        Assert.Equal(new SplitRatios(60, 20, 20), SplitRatios.Parse(" 60 , 20 , 20 "));
        Assert.Equal(new SplitRatios(90, 0, 10), SplitRatios.Parse("90:0:10"));
    }

    [Theory]
    [InlineData("a/b", "path separator")]
    [InlineData("..", "starts with a dot")]
    [InlineData(".hidden", "starts with a dot")]
    [InlineData("has space", "not allowed")]
    [InlineData("semi;colon", "not allowed")]
    [InlineData("", "no dataset name")]
    public void Bad_dataset_names(string name, string expected)
    {
        using var tmp = new TempFolder();
        TestImages.Png(tmp.File("src", "a.png"), 1);
        var e = Fails(tmp, Options(tmp, tmp.File("src")) with { Name = name });
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Unknown_balance_mode()
    {
        var e = Assert.Throws<DatasetInputException>(() => BalanceModes.Parse("smote"));
        Assert.Contains("none, undersample or oversample", e.Message);
        Assert.Equal(BalanceMode.Oversample, BalanceModes.Parse("Oversample"));
    }

    [Fact]
    public void Normal_class_that_does_not_exist()
    {
        using var tmp = new TempFolder();
        TestImages.Pngs(tmp.File("src", "good"), 2, 1);
        TestImages.Pngs(tmp.File("src", "bad"), 2, 10);
        var e = Fails(tmp, Options(tmp, tmp.File("src")) with { NormalClass = "healthy" });
        Assert.Contains("--normal-class 'healthy'", e.Message);
        Assert.Contains("bad, good", e.Message);
    }

    [Fact]
    public void Normal_class_option_wins_over_names()
    {
        using var tmp = new TempFolder();
        TestImages.Pngs(tmp.File("src", "normal"), 2, 1);
        TestImages.Pngs(tmp.File("src", "Trouser"), 2, 10);
        var result = Organize.Run(Options(tmp, tmp.File("src")) with { NormalClass = "trouser" });
        Assert.Equal("Trouser", result.Metadata.NormalClass);
        Assert.Equal("option", result.Metadata.NormalClassSource);
    }

    [Fact]
    public void Source_inside_the_dataset_being_replaced()
    {
        using var tmp = new TempFolder();
        TestImages.Pngs(tmp.File("src", "normal"), 2, 1);
        var first = Organize.Run(Options(tmp, tmp.File("src")));
        var e = Assert.Throws<DatasetInputException>(() => Organize.Run(Options(tmp, Path.Combine(first.DatasetPath, "labeled.csv"))));
        Assert.Contains("inside dataset 'ds'", e.Message);
    }

    [Fact]
    public void All_files_unreadable()
    {
        using var tmp = new TempFolder();
        Directory.CreateDirectory(tmp.File("src"));
        File.WriteAllText(tmp.File("src", "a.png"), "not a png");
        var e = Fails(tmp, Options(tmp, tmp.File("src")));
        Assert.Contains("could be read", e.Message);
        Assert.Contains("a.png", e.Message);
    }
}
