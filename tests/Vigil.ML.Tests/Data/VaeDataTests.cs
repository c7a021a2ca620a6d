using Vigil.ML.Data;

namespace Vigil.ML.Tests.Data;

public sealed class VaeDataTests
{
    /// <summary>A training split: labeled normal, labeled pneumonia, then unlabeled rows (mostly pneumonia in truth).</summary>
    private static SplitSource Split(int normals, int anomalies, int unlabeled)
    {
        DatasetRow Row(string name, string? label) => new($"/d/{name}.png", $"{name}.png", label, null, "chest", "X-ray", null);
        var rows = Enumerable.Range(0, normals).Select(i => Row($"n{i}", "normal"))
            .Concat(Enumerable.Range(0, anomalies).Select(i => Row($"p{i}", "pneumonia")))
            .Concat(Enumerable.Range(0, unlabeled).Select(i => Row($"u{i}", null)))
            .ToArray();
        return new SplitSource("train", rows, ["normal", "pneumonia"], "normal", "test rows");
    }

    [Fact]
    public void With_enough_labeled_normals_the_vae_never_sees_the_unlabeled_pool()
    {
        var split = Split(normals: 20, anomalies: 40, unlabeled: 500);
        var rows = split.VaeRows(VaeData.Auto);
        Assert.Equal(20, rows.Count);
        Assert.All(rows, r => Assert.Equal("normal", split.Rows[r].Label));
        var (data, why) = VaeData.Auto.Resolve(split);
        Assert.Equal(VaeData.Normal, data);
        Assert.Contains("not from the 500 unlabeled ones", why);
        // The default is auto: a plain request keeps the contaminated pool out too.
        Assert.Equal(VaeData.Auto, new Vigil.ML.Runs.TrainRequest { Dataset = null!, Output = "", Compute = null! }.VaeData);
    }

    [Fact]
    public void With_too_few_labeled_normals_the_unlabeled_images_are_used_and_said_to_be()
    {
        var split = Split(normals: VaeDataNames.MinLabeledNormals - 1, anomalies: 3, unlabeled: 50);
        var rows = split.VaeRows(VaeData.Auto);
        Assert.Equal(VaeDataNames.MinLabeledNormals - 1 + 50, rows.Count);
        Assert.DoesNotContain(rows, r => split.Rows[r].Label == "pneumonia");
        Assert.Contains("also learns from the 50 unlabeled images", VaeData.Auto.Resolve(split).Reason);
    }

    [Fact]
    public void An_explicit_choice_is_kept() =>
        Assert.Equal(520, Split(normals: 20, anomalies: 40, unlabeled: 500).VaeRows(VaeData.Both).Count);
}
