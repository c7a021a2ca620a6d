using System.Text.RegularExpressions;
using TorchSharp;
using Vigil.ML.Models.EfficientNet;
using static TorchSharp.torch;

namespace Vigil.ML.Tests.Models;

[Collection(TorchCollection.Name)]
public sealed class EfficientNetWeightsTests
{
    private static EfficientNetModel Tiny(int channels = 3, int classes = 5, InputNormalization? norm = null, EfficientNetScaling? scaling = null) =>
        new(new EfficientNetOptions { Scaling = scaling ?? EfficientNetScaling.Tiny, InputChannels = channels, NumClasses = classes, Normalization = norm });

    /// <summary>A source model whose BatchNorm statistics are not the defaults, so loading them is visible.</summary>
    private static EfficientNetModel Source(int seed, int channels = 3, int classes = 5, InputNormalization? norm = null)
    {
        manual_seed(seed);
        EfficientNetModel model = Tiny(channels, classes, norm);
        using var noGrad = no_grad();
        foreach (var (name, buffer) in model.named_buffers())
        {
            if (name.EndsWith("running_mean", StringComparison.Ordinal)) buffer.copy_(randn_like(buffer) * 0.1);
            if (name.EndsWith("running_var", StringComparison.Ordinal)) buffer.copy_(rand_like(buffer) + 0.5);
        }
        return model;
    }

    private static string? TorchvisionName(string name) =>
        name is EfficientNetModel.MeanBufferName or EfficientNetModel.StdBufferName ? null : name;

    [Fact]
    public void TorchvisionNamedFileReproducesOutputsExactly()
    {
        using var temp = new TempFolder();
        using var source = Source(seed: 1);
        string path = temp.File("tv.safetensors");
        SafetensorsTestWriter.Write(path, SafetensorsTestWriter.FromState(source, TorchvisionName));

        manual_seed(2);
        using var target = Tiny();
        PretrainedLoadReport report = EfficientNetWeights.LoadSafetensors(target, path);

        Assert.Equal(PretrainedNaming.Torchvision, report.Naming);
        Assert.Empty(report.Missing);
        Assert.Empty(report.Reinitialised);
        Assert.True(report.IsComplete);
        Assert.All(report.Skipped, s => Assert.EndsWith("num_batches_tracked", s.Name));
        int expectedLoaded = source.state_dict().Keys.Count(k => TorchvisionName(k) is not null && !k.EndsWith("num_batches_tracked", StringComparison.Ordinal));
        Assert.Equal(expectedLoaded, report.Loaded.Count);

        source.eval();
        target.eval();
        using var scope = NewDisposeScope();
        Tensor x = rand(3, 3, 32, 32);
        Assert.True(source.forward(x).eq(target.forward(x)).all().item<bool>(), "outputs differ after loading");
    }

    [Fact]
    public void TimmNamedFileLoadsTheSameWeights()
    {
        using var temp = new TempFolder();
        using var source = Source(seed: 3);
        string path = temp.File("timm.safetensors");
        var entries = SafetensorsTestWriter.FromState(source, name => TorchvisionName(name) is null ? null : TimmStyle(name, source.Layout.Stages.Count + 1)).ToList();
        SafetensorsTestWriter.Write(path, entries);
        // Names as timm's efficientnet_b0 state dict spells them.
        var written = entries.Select(e => e.Name).ToHashSet();
        Assert.Subset(written, new HashSet<string>
        {
            "conv_stem.weight", "bn1.running_mean", "blocks.0.0.conv_dw.weight", "blocks.0.0.bn1.weight", "blocks.0.0.se.conv_reduce.bias",
            "blocks.0.0.conv_pw.weight", "blocks.1.0.conv_pwl.weight", "blocks.1.0.bn3.running_var", "blocks.6.0.se.conv_expand.weight",
            "conv_head.weight", "bn2.bias", "classifier.weight",
        });

        manual_seed(4);
        using var target = Tiny();
        PretrainedLoadReport report = EfficientNetWeights.LoadSafetensors(target, path);
        Assert.Equal(PretrainedNaming.Timm, report.Naming);
        Assert.Empty(report.Missing);

        source.eval();
        target.eval();
        using var scope = NewDisposeScope();
        Tensor x = rand(2, 3, 32, 32);
        Assert.True(source.forward(x).eq(target.forward(x)).all().item<bool>());
    }

    [Fact]
    public void RgbStemIsSummedForAGreyModel()
    {
        using var temp = new TempFolder();
        var rgbNorm = new InputNormalization([0.45f, 0.45f, 0.45f], [0.25f, 0.25f, 0.25f]);
        using var source = Source(seed: 5, norm: rgbNorm);
        string path = temp.File("rgb.safetensors");
        SafetensorsTestWriter.Write(path, SafetensorsTestWriter.FromState(source, TorchvisionName));

        using var grey = Tiny(channels: 1, norm: new InputNormalization([0.45f], [0.25f]));
        PretrainedLoadReport report = EfficientNetWeights.LoadSafetensors(grey, path);
        Assert.True(report.StemSummedToOneChannel);
        Assert.Empty(report.Missing);

        using var scope = NewDisposeScope();
        Tensor expectedStem = source.get_parameter("features.0.0.weight")!.sum(1, keepdim: true);
        Assert.True(grey.get_parameter("features.0.0.weight")!.allclose(expectedStem, rtol: 0, atol: 1e-6));
        // A grey image replicated to RGB gives the same logits as the grey model on the grey image.
        source.eval();
        grey.eval();
        Tensor image = rand(2, 1, 32, 32);
        Tensor rgbLogits = source.forward(image.expand(2, 3, 32, 32));
        Assert.True(grey.forward(image).allclose(rgbLogits, rtol: 1e-4, atol: 1e-4));
    }

    [Fact]
    public void ClassifierIsReinitialisedWhenClassCountDiffers()
    {
        using var temp = new TempFolder();
        using var source = Source(seed: 6, classes: 11);
        string path = temp.File("head.safetensors");
        SafetensorsTestWriter.Write(path, SafetensorsTestWriter.FromState(source, TorchvisionName));

        using var target = Tiny(classes: 2);
        PretrainedLoadReport report = EfficientNetWeights.LoadSafetensors(target, path);
        Assert.Equal(new[] { "classifier.1.bias", "classifier.1.weight" }, report.Reinitialised.Order());
        Assert.Contains(report.Skipped, s => s.Name == "classifier.1.weight" && s.Reason.Contains("re-initialised"));
        Assert.Empty(report.Missing);
        Assert.Equal(0f, target.Classifier.bias!.abs().sum().item<float>());

        source.eval();
        target.eval();
        using var scope = NewDisposeScope();
        Tensor x = rand(2, 3, 32, 32);
        Assert.True(source.ForwardFeatures(x).eq(target.ForwardFeatures(x)).all().item<bool>());
        Assert.Equal(new long[] { 2, 2 }, target.forward(x).shape);
    }

    [Fact]
    public void HalfPrecisionFileLoadsRoundedWeights()
    {
        using var temp = new TempFolder();
        using var source = Source(seed: 8);
        string path = temp.File("bf16.safetensors");
        SafetensorsTestWriter.Write(path, SafetensorsTestWriter.FromState(source, TorchvisionName, dtype: "BF16"));
        using var target = Tiny();
        EfficientNetWeights.LoadSafetensors(target, path);
        using var scope = NewDisposeScope();
        Tensor original = source.get_parameter("features.8.0.weight")!;
        Tensor loaded = target.get_parameter("features.8.0.weight")!;
        Assert.True(loaded.allclose(original, rtol: 1f / 128, atol: 1e-6));
        Assert.True(loaded.to_type(ScalarType.BFloat16).to_type(ScalarType.Float32).eq(loaded).all().item<bool>(), "values are exactly bf16");
    }

    [Fact]
    public void OtherVariantsWeightsAreRejectedWithShapes()
    {
        using var temp = new TempFolder();
        using var source = Source(seed: 9);
        string path = temp.File("tiny.safetensors");
        SafetensorsTestWriter.Write(path, SafetensorsTestWriter.FromState(source, TorchvisionName));
        using var wider = Tiny(scaling: new EfficientNetScaling("wider", 0.5, 0.25, 0.2, 0.2));
        var error = Assert.Throws<PretrainedWeightsException>(() => EfficientNetWeights.LoadSafetensors(wider, path));
        Assert.Contains("features.0.0.weight", error.Message);
        Assert.Contains("[16, 3, 3, 3]", error.Message);
    }

    [Fact]
    public void UnrecognisedNamesAreRejected()
    {
        using var temp = new TempFolder();
        string path = temp.File("other.safetensors");
        SafetensorsTestWriter.Write(path, [new("encoder.layer.0.weight", "F32", [1], new byte[4])]);
        using var model = Tiny();
        var error = Assert.Throws<PretrainedWeightsException>(() => EfficientNetWeights.LoadSafetensors(model, path));
        Assert.Contains("encoder.layer.0.weight", error.Message);
    }

    [Fact]
    public void MissingTensorsAreReported()
    {
        using var temp = new TempFolder();
        using var source = Source(seed: 10);
        string path = temp.File("partial.safetensors");
        SafetensorsTestWriter.Write(path, SafetensorsTestWriter.FromState(source, n => n.StartsWith("features.1.", StringComparison.Ordinal) ? null : TorchvisionName(n)));
        using var target = Tiny();
        PretrainedLoadReport report = EfficientNetWeights.LoadSafetensors(target, path);
        Assert.False(report.IsComplete);
        Assert.Contains("features.1.0.block.0.0.weight", report.Missing);
        Assert.All(report.Missing, m => Assert.StartsWith("features.1.", m));
    }

    /// <summary>timm's names, from a table written for this test (independent of the loader's translation).</summary>
    private static string TimmStyle(string name, int headIndex)
    {
        if (name.StartsWith("classifier.1.", StringComparison.Ordinal)) return "classifier." + name["classifier.1.".Length..];
        if (name == "features.0.0.weight") return "conv_stem.weight";
        if (name.StartsWith("features.0.1.", StringComparison.Ordinal)) return "bn1." + name["features.0.1.".Length..];
        if (name == $"features.{headIndex}.0.weight") return "conv_head.weight";
        if (name.StartsWith($"features.{headIndex}.1.", StringComparison.Ordinal)) return "bn2." + name[$"features.{headIndex}.1.".Length..];
        Match m = Regex.Match(name, @"^features\.(\d+)\.(\d+)\.block\.(.+)$");
        Assert.True(m.Success, name);
        int stage = int.Parse(m.Groups[1].Value) - 1;
        // Stage 0 has expand ratio 1: timm's DepthwiseSeparableConv; the others are InvertedResidual.
        var table = stage == 0
            ? new Dictionary<string, string> { ["0.0."] = "conv_dw.", ["0.1."] = "bn1.", ["1.fc1."] = "se.conv_reduce.", ["1.fc2."] = "se.conv_expand.", ["2.0."] = "conv_pw.", ["2.1."] = "bn2." }
            : new Dictionary<string, string> { ["0.0."] = "conv_pw.", ["0.1."] = "bn1.", ["1.0."] = "conv_dw.", ["1.1."] = "bn2.", ["2.fc1."] = "se.conv_reduce.", ["2.fc2."] = "se.conv_expand.", ["3.0."] = "conv_pwl.", ["3.1."] = "bn3." };
        string rest = m.Groups[3].Value;
        var (from, to) = table.Single(p => rest.StartsWith(p.Key, StringComparison.Ordinal));
        return $"blocks.{stage}.{m.Groups[2].Value}.{to}{rest[from.Length..]}";
    }
}
