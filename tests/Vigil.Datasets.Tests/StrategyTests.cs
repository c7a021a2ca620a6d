using Vigil.Datasets.Tests.Support;

namespace Vigil.Datasets.Tests;

public class StrategyTests
{
    private static OrganizeResult WithLabeledShare(TempFolder tmp, int labeled, int unlabeled, int size = 16)
    {
        var src = tmp.Sub("src");
        TestImages.Pngs(Path.Combine(src, "normal"), labeled / 2, 1, size);
        TestImages.Pngs(Path.Combine(src, "tumor"), labeled - labeled / 2, 1000, size);
        if (unlabeled > 0) TestImages.Pngs(Path.Combine(src, "unlabeled"), unlabeled, 5000, size);
        return Organize.Run(tmp.Sub("out"), "ds", src);
    }

    [Theory]
    [InlineData(80, 20, "supervised", 0.8)]   // exactly 80% → supervised-led
    [InlineData(95, 5, "supervised", 0.8)]
    [InlineData(79, 21, "balanced", 0.6)]     // just under 80%
    [InlineData(50, 50, "balanced", 0.6)]
    [InlineData(21, 79, "balanced", 0.6)]
    [InlineData(20, 80, "unsupervised", 0.5)] // exactly 20% → VAE-led
    [InlineData(6, 94, "unsupervised", 0.5)]
    public void Strategy_follows_the_labeled_share(int labeled, int unlabeled, string ledBy, double supervisedWeight)
    {
        using var tmp = new TempFolder();
        var config = WithLabeledShare(tmp, labeled, unlabeled).TrainingConfig;

        Assert.Equal("hybrid", config.Strategy);
        Assert.Equal(ledBy, config.LedBy);
        Assert.Equal(supervisedWeight, config.EnsembleWeights.Supervised, 6);
        Assert.Equal(1 - supervisedWeight, config.EnsembleWeights.Unsupervised, 6);
        Assert.Equal(["normal", "tumor"], config.Classes);
        Assert.Equal("normal", config.NormalClass);
        Assert.Contains("%", config.Reason);
        Assert.Equal(["supervised", "unsupervised", "hybrid"], config.PhaseOrder);
    }

    [Fact]
    public void No_labels_means_unsupervised_only()
    {
        using var tmp = new TempFolder();
        var src = tmp.Sub("src");
        TestImages.Pngs(src, 12, 1);

        var config = Organize.Run(tmp.Sub("out"), "ds", src).TrainingConfig;

        Assert.Equal("unsupervised", config.Strategy);
        Assert.Equal(new Manifest.EnsembleWeights(0, 1), config.EnsembleWeights);
        Assert.Empty(config.Classes);
    }

    [Fact]
    public void Size_channels_and_batch_are_suggested_from_the_images()
    {
        using var tmp = new TempFolder();
        var small = WithLabeledShare(tmp, 10, 0, 28).TrainingConfig;
        Assert.Equal(28, small.ImageSize); // native for small images
        Assert.Equal(1, small.Channels);
        Assert.Equal(128, small.BatchSize);

        using var tmp2 = new TempFolder();
        var large = WithLabeledShare(tmp2, 6, 0, 300).TrainingConfig;
        Assert.Equal(224, large.ImageSize);
        Assert.Equal(32, large.BatchSize);
        Assert.True(large.Epochs > 0);
    }

    [Fact]
    public void Training_config_json_uses_the_contract_keys()
    {
        using var tmp = new TempFolder();
        var result = WithLabeledShare(tmp, 10, 2);

        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(result.DatasetPath, "training_config.json")));
        var root = json.RootElement;
        Assert.Equal("hybrid", root.GetProperty("strategy").GetString());
        Assert.Equal(0.8, root.GetProperty("ensemble_weights").GetProperty("supervised").GetDouble());
        Assert.Equal(0.2, root.GetProperty("ensemble_weights").GetProperty("unsupervised").GetDouble(), 6);
        foreach (var key in new[] { "classes", "normal_class", "image_size", "channels", "batch_size", "epochs", "reason", "led_by" })
            Assert.True(root.TryGetProperty(key, out _), key);
    }
}
