using TorchSharp;
using Vigil.ML.Models.EfficientNet;
using static TorchSharp.torch;

namespace Vigil.ML.Tests.Models;

[Collection(TorchCollection.Name)]
public sealed class EfficientNetTests
{
    private static EfficientNetModel Tiny(int channels = 3, int classes = 5) =>
        new(new EfficientNetOptions { Scaling = EfficientNetScaling.Tiny, InputChannels = channels, NumClasses = classes });

    [Fact]
    public void B0_gradients_match_a_float64_copy()
    {
        // Guards against libtorch kernels that return wrong float32 gradients on this CPU (as its 3×3 convolutions with
        // fewer than 16 output channels do on AVX-512; see VaeModel.OutputConvChannels): float64 takes other code paths.
        torch.manual_seed(5);
        var options = new EfficientNetOptions { InputChannels = 1, NumClasses = 4 };
        using var single = new EfficientNetModel(options);
        using var reference = new EfficientNetModel(options);
        reference.load_state_dict(single.state_dict());
        reference.to(ScalarType.Float64);
        single.eval(); // running BatchNorm statistics, no dropout: both see the same function
        reference.eval();
        using var images = torch.rand(2, 1, 64, 64);
        using var labels = torch.tensor(new long[] { 1, 3 });
        foreach (var (model, input) in new[] { (single, images), (reference, images.to(ScalarType.Float64)) })
            nn.functional.cross_entropy(model.forward(input), labels).backward();
        GradientCheck.AssertMatches(single, reference);
    }

    [Fact]
    public void B0ParameterCountMatchesTorchvision()
    {
        using var model = new EfficientNetModel(new EfficientNetOptions());
        Assert.Equal(5_288_548, model.ParameterCount);
    }

    [Theory]
    [InlineData("b1", 7_794_184)]
    [InlineData("b2", 9_109_994)]
    [InlineData("b3", 12_233_232)]
    public void ScaledVariantsMatchTorchvisionCounts(string name, long expected)
    {
        using var model = new EfficientNetModel(new EfficientNetOptions { Scaling = EfficientNetScaling.FromName(name) });
        Assert.Equal(expected, model.ParameterCount);
    }

    [Fact]
    public void TinyAndVaeCountsMatchTheDocumentedOnes()
    {
        // docs/models.md lists these; an independent Python transcription of the rules gives the same numbers.
        using var tiny = new EfficientNetModel(new EfficientNetOptions { Scaling = EfficientNetScaling.Tiny });
        Assert.Equal(444_612, tiny.ParameterCount);
        using var vae28 = new Vigil.ML.Models.Vae.VaeModel(new() { ImageSize = 28 });
        Assert.Equal(4_908_432, vae28.ParameterCount);
        using var vae64 = new Vigil.ML.Models.Vae.VaeModel(new() { ImageSize = 64 });
        Assert.Equal(7_695_824, vae64.ParameterCount);
    }

    [Fact]
    public void B0LayoutIsThePapersTable()
    {
        EfficientNetLayout layout = EfficientNetBuilder.Build(EfficientNetScaling.B0);
        Assert.Equal(32, layout.StemChannels);
        Assert.Equal(new[] { 1, 2, 2, 3, 3, 4, 1 }, layout.Stages.Select(s => s.Count));
        Assert.Equal(new[] { 16, 24, 40, 80, 112, 192, 320 }, layout.Stages.Select(s => s[0].OutChannels));
        Assert.Equal(1280, layout.HeadChannels);
        MBConvBlockSpec first = layout.Stages[0][0];
        Assert.False(first.HasExpansion);
        Assert.Equal(8, first.SqueezeChannels);
        MBConvBlockSpec second = layout.Stages[1][0];
        Assert.Equal((16, 96, 4, 2, false), (second.InChannels, second.ExpandedChannels, second.SqueezeChannels, second.Stride, second.HasResidual));
        Assert.True(layout.Stages[1][1].HasResidual);
        // Drop path grows linearly from 0 over 16 blocks: block 15 gets 0.2·15/16.
        Assert.Equal(0.0, layout.Blocks.First().DropPathProbability);
        Assert.Equal(0.2 * 15 / 16, layout.Blocks.Last().DropPathProbability, 12);
    }

    [Theory]
    [InlineData(32 * 1.1, 32)]   // rounds to nearest multiple of 8
    [InlineData(16 * 0.25, 8)]   // never below the divisor
    [InlineData(20, 24)]         // 20 + 4 = 24
    [InlineData(19.9, 24)]       // 16 would be more than 10% below 19.9: one divisor more
    [InlineData(35, 32)]         // 32 ≥ 0.9·35: rounded down, kept
    [InlineData(320 * 1.1, 352)]
    [InlineData(40 * 1.2, 48)]
    public void MakeDivisibleFollowsTorchvision(double value, int expected) =>
        Assert.Equal(expected, EfficientNetBuilder.MakeDivisible(value));

    [Fact]
    public void DepthRoundsUp()
    {
        Assert.Equal(2, EfficientNetBuilder.RoundRepeats(1, 1.1));
        Assert.Equal(4, EfficientNetBuilder.RoundRepeats(3, 1.1));
        Assert.Equal(1, EfficientNetBuilder.RoundRepeats(4, 0.25));
    }

    [Theory]
    [InlineData(1, 32)]
    [InlineData(3, 32)]
    [InlineData(1, 64)]
    [InlineData(3, 224)]
    [InlineData(3, 37)]
    public void ForwardGivesOneLogitPerClass(int channels, int size)
    {
        using var model = Tiny(channels, classes: 4);
        model.eval();
        using var scope = NewDisposeScope();
        Tensor logits = model.forward(rand(2, channels, size, size));
        Assert.Equal(new long[] { 2, 4 }, logits.shape);
        Assert.True(logits.isfinite().all().item<bool>());
        Assert.Equal(new long[] { 2, model.Layout.HeadChannels }, model.ForwardFeatures(rand(2, channels, size, size)).shape);
    }

    [Fact]
    public void B0ForwardOnSmallImages()
    {
        using var model = new EfficientNetModel(new EfficientNetOptions { InputChannels = 1, NumClasses = 3 });
        model.eval();
        using var scope = NewDisposeScope();
        Assert.Equal(new long[] { 1, 3 }, model.forward(rand(1, 1, 32, 32)).shape);
    }

    [Fact]
    public void WrongChannelCountIsRejectedClearly()
    {
        using var model = Tiny(channels: 1);
        using var scope = NewDisposeScope();
        var error = Assert.Throws<ArgumentException>(() => model.forward(rand(1, 3, 32, 32)));
        Assert.Contains("[B, 1, H, W]", error.Message);
    }

    [Fact]
    public void NormalisationHappensInsideTheModel()
    {
        manual_seed(7);
        var stats = new InputNormalization([0.3f], [0.2f]);
        using var withStats = new EfficientNetModel(new EfficientNetOptions { Scaling = EfficientNetScaling.Tiny, InputChannels = 1, NumClasses = 2, Normalization = stats });
        using var identity = new EfficientNetModel(new EfficientNetOptions { Scaling = EfficientNetScaling.Tiny, InputChannels = 1, NumClasses = 2, Normalization = new([0f], [1f]) });
        CopyParameters(withStats, identity);
        withStats.eval();
        identity.eval();
        using var scope = NewDisposeScope();
        Tensor x = rand(2, 1, 32, 32);
        Tensor expected = identity.forward((x - 0.3f) / 0.2f);
        Assert.True(withStats.forward(x).allclose(expected, rtol: 1e-5, atol: 1e-5));
        // The statistics are state: they travel with the model's buffers.
        Assert.Equal(0.3f, withStats.get_buffer(EfficientNetModel.MeanBufferName)!.item<float>(), 6);
    }

    [Fact]
    public void DropPathIsIdentityInEvalAndDropsWholeSamplesInTraining()
    {
        using var dropPath = new StochasticDepth(0.5);
        using var scope = NewDisposeScope();
        Tensor x = ones(64, 3, 4, 4);
        dropPath.eval();
        Assert.True(dropPath.forward(x).eq(x).all().item<bool>());

        dropPath.train();
        manual_seed(3);
        Tensor y = dropPath.forward(x);
        float[] perSample = y.sum([1, 2, 3]).data<float>().ToArray();
        // Every sample is either dropped whole or kept and scaled by 1/(1−p) = 2.
        Assert.All(perSample, s => Assert.True(s == 0f || s == 2f * 48, $"sample sum {s}"));
        Assert.Contains(0f, perSample);
        Assert.Contains(96f, perSample);
    }

    [Fact]
    public void EvalModeIsDeterministicAndIgnoresDropPath()
    {
        using var model = new EfficientNetModel(new EfficientNetOptions { Scaling = EfficientNetScaling.Tiny, NumClasses = 3, StochasticDepth = 0.9 });
        model.eval();
        using var scope = NewDisposeScope();
        Tensor x = rand(2, 3, 32, 32);
        Assert.True(model.forward(x).eq(model.forward(x)).all().item<bool>());
    }

    [Fact]
    public void InitialisationFollowsTorchvision()
    {
        manual_seed(11);
        using var model = new EfficientNetModel(new EfficientNetOptions { NumClasses = 10 });
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        // The head starts at zero (our one departure): uniform probabilities, first loss ln 10.
        Assert.Equal(0f, parameters["classifier.1.weight"].abs().sum().item<float>());
        Assert.Equal(0f, parameters["classifier.1.bias"].abs().sum().item<float>());
        using (var scope = NewDisposeScope())
        {
            model.eval();
            Tensor probabilities = nn.functional.softmax(model.forward(rand(2, 3, 32, 32)), 1);
            Assert.True(probabilities.allclose(full_like(probabilities, 0.1f), atol: 1e-6));
        }
        // Conv: kaiming normal, fan_out: std √(2 / (out·k·k)); the head conv 320→1280 1×1 has std √(2/1280).
        float std = parameters["features.8.0.weight"].std().item<float>();
        Assert.InRange(std, 0.95f * MathF.Sqrt(2f / 1280), 1.05f * MathF.Sqrt(2f / 1280));
        Assert.Equal(1f, parameters["features.8.1.weight"].mean().item<float>());
        Assert.Equal(0f, parameters["features.8.1.bias"].abs().sum().item<float>());
    }

    [Fact]
    public void ParameterNamesAreTorchvisions()
    {
        using var model = new EfficientNetModel(new EfficientNetOptions());
        var names = model.state_dict().Keys.ToHashSet();
        Assert.Contains("features.0.0.weight", names);
        Assert.Contains("features.0.1.running_var", names);
        Assert.Contains("features.1.0.block.0.0.weight", names);   // depthwise (no expansion in stage 1)
        Assert.Contains("features.1.0.block.1.fc1.weight", names);
        Assert.Contains("features.2.0.block.3.1.bias", names);     // projection BN of an expanding block
        Assert.Contains("features.8.0.weight", names);
        Assert.Contains("classifier.1.weight", names);
        Assert.Contains(EfficientNetModel.MeanBufferName, names);
    }

    [Fact]
    public void TinyModelLearnsAFixedBatch()
    {
        manual_seed(5);
        using var model = Tiny(channels: 1, classes: 2);
        var optimizer = optim.Adam(model.parameters(), lr: 1e-2);
        using Tensor x = cat([SyntheticImages.Blobs(8, 32, seed: 3), SyntheticImages.WithSquare(SyntheticImages.Blobs(8, 32, seed: 4), 10, 10, 8)]);
        using Tensor y = cat([zeros(8, dtype: ScalarType.Int64), ones(8, dtype: ScalarType.Int64)]);
        model.train();
        var losses = new List<float>();
        for (int step = 0; step < 12; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            Tensor loss = nn.functional.cross_entropy(model.forward(x), y);
            loss.backward();
            optimizer.step();
            losses.Add(loss.item<float>());
        }
        Assert.All(losses, l => Assert.True(float.IsFinite(l)));
        Assert.True(losses.TakeLast(3).Average() < 0.5 * losses.Take(3).Average(), $"loss went from {losses[0]} to {losses[^1]}");
    }

    [Fact]
    public void VariantsAreFoundByName()
    {
        Assert.Same(EfficientNetScaling.B2, EfficientNetScaling.FromName("B2"));
        Assert.Contains("b0", Assert.Throws<ArgumentException>(() => EfficientNetScaling.FromName("b9")).Message);
    }

    internal static void CopyParameters(nn.Module from, nn.Module to)
    {
        using var noGrad = no_grad();
        var target = to.state_dict();
        foreach ((string name, Tensor value) in from.state_dict())
        {
            if (name is EfficientNetModel.MeanBufferName or EfficientNetModel.StdBufferName) continue;
            target[name].copy_(value);
        }
    }
}
