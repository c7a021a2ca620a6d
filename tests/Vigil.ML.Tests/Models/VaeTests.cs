using TorchSharp;
using Vigil.ML.Models.Vae;
using static TorchSharp.torch;

namespace Vigil.ML.Tests.Models;

[Collection(TorchCollection.Name)]
public sealed class VaeTests
{
    private static VaeModel Small(int channels, int size, VaeScoreKind score = VaeScoreKind.MeanSquaredError) =>
        new(new VaeOptions { Channels = channels, ImageSize = size, LatentDim = 16, BaseWidth = 8, MaxWidth = 32, Score = score });

    [Theory]
    [InlineData(8, 1, 4, 0, 0)]
    [InlineData(28, 2, 7, 0, 0)]
    [InlineData(32, 3, 4, 0, 0)]
    [InlineData(64, 4, 4, 0, 0)]
    [InlineData(128, 5, 4, 0, 0)]
    [InlineData(224, 5, 7, 0, 0)]
    [InlineData(60, 3, 8, 2, 2)]
    [InlineData(100, 4, 7, 6, 6)]
    [InlineData(9, 1, 5, 0, 1)]
    public void GeometryPadsToAMultipleOfTheDownsampling(int size, int stages, int side, int before, int after)
    {
        VaeGeometry g = VaeGeometry.For(size);
        Assert.Equal((stages, side, before, after), (g.Downsamplings, g.BottleneckSide, g.PadBefore, g.PadAfter));
        Assert.Equal(size + before + after, g.PaddedSize);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Training_gradients_of_the_full_size_model_match_a_float64_copy(int channels)
    {
        // The default widths at 64×64, as vigil train builds it. On AVX-512 machines libtorch's float32 convolution
        // returns wrong input gradients when a 3×3 convolution has fewer than 16 output channels (see
        // VaeModel.OutputConvChannels); float64 takes another code path, so it is the reference here.
        torch.manual_seed(3);
        var options = new VaeOptions { Channels = channels, ImageSize = 64 };
        using var single = new VaeModel(options);
        using var reference = new VaeModel(options);
        reference.load_state_dict(single.state_dict());
        reference.to(ScalarType.Float64);
        single.eval();
        reference.eval(); // μ decoded, no sampling: the two runs see the same numbers
        using var images = torch.rand(4, channels, 64, 64);
        foreach (var (model, input) in new[] { (single, images), (reference, images.to(ScalarType.Float64)) })
        {
            var (reconstruction, mu, logVar) = model.forward(input);
            VaeModel.Loss(input, reconstruction, mu, logVar, beta: 0.5).Total.backward();
        }
        GradientCheck.AssertMatches(single, reference);
    }

    [Fact]
    public void TooSmallImagesAreRejected() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => VaeGeometry.For(7));

    [Theory]
    [InlineData(1, 28)]
    [InlineData(3, 28)]
    [InlineData(1, 32)]
    [InlineData(3, 32)]
    [InlineData(1, 64)]
    [InlineData(1, 60)]
    public void ShapesFollowTheInput(int channels, int size)
    {
        using var vae = new VaeModel(new VaeOptions { Channels = channels, ImageSize = size, LatentDim = 16, BaseWidth = 8, MaxWidth = 32, AnomalyHead = true });
        using var scope = NewDisposeScope();
        Tensor x = rand(3, channels, size, size);
        var (recon, mu, logVar) = vae.forward(x);
        Assert.Equal(x.shape, recon.shape);
        Assert.Equal(new long[] { 3, 16 }, mu.shape);
        Assert.Equal(new long[] { 3, 16 }, logVar.shape);
        Assert.True(recon.min().item<float>() >= 0 && recon.max().item<float>() <= 1);
        Assert.Equal(new long[] { 3, 1, size, size }, vae.ErrorMap(x).shape);
        vae.FitLatentStatistics([rand(8, channels, size, size)]);
        vae.MarkHeadFitted(); // untrained, but every kind's shapes can be checked
        vae.FitHeadStatistics([rand(8, channels, size, size)]);
        foreach (VaeScoreKind kind in Enum.GetValues<VaeScoreKind>())
        {
            var (score, map) = vae.Score(x, kind);
            Assert.Equal(new long[] { 3 }, score.shape);
            Assert.Equal(new long[] { 3, 1, size, size }, map.shape);
            // Standardised scores may be negative; every other score is a non-negative error or distance.
            bool standardised = kind is VaeScoreKind.ErrorPlusLatent or VaeScoreKind.LearnedMapOrLatent;
            Assert.True(score.isfinite().all().item<bool>() && (standardised || score.min().item<float>() >= 0), kind.ToString());
        }
    }

    [Fact]
    public void LatentScoresNeedFittedStatisticsAndFallBackUntilThen()
    {
        using var vae = Small(1, 32, VaeScoreKind.ErrorPlusLatent);
        using var scope = NewDisposeScope();
        Tensor x = rand(4, 1, 32, 32);
        Assert.False(vae.HasLatentStatistics);
        Assert.Equal(VaeScoreKind.ErrorPlusKl, vae.EffectiveScore);
        Assert.True(vae.ReconstructionError(x).allclose(vae.ReconstructionError(x, VaeScoreKind.ErrorPlusKl)));
        Assert.Contains("FitLatentStatistics", Assert.Throws<InvalidOperationException>(() => vae.ReconstructionError(x, VaeScoreKind.LatentMahalanobis)).Message);
        Assert.Throws<ArgumentException>(() => vae.FitLatentStatistics([rand(1, 1, 32, 32)]));
        Assert.Equal(VaeScoreKind.ErrorPlusLatent, new VaeOptions().Score);
    }

    [Fact]
    public void LatentMahalanobisMatchesAnIndependentComputationAndSurvivesSaving()
    {
        manual_seed(3);
        using var vae = Small(1, 32, VaeScoreKind.ErrorPlusLatent);
        using var scope = NewDisposeScope();
        Tensor normals = SyntheticImages.Blobs(40, 32, seed: 4);
        vae.FitLatentStatistics([normals[..20], normals[20..]]); // two batches: the fit must pool them
        Assert.True(vae.HasLatentStatistics);
        Assert.Equal(VaeScoreKind.ErrorPlusLatent, vae.EffectiveScore);

        // Reference: the same definition in float64, written out here.
        Tensor mu = vae.Encode(normals).Mu.to(ScalarType.Float64);
        Tensor mean = mu.mean([0]);
        Tensor c = mu - mean;
        Tensor cov = c.t().mm(c) / 40.0;
        Tensor precision = linalg.inv(cov + eye(16, dtype: ScalarType.Float64) * (0.1 * cov.diagonal().mean().item<double>()));
        Tensor x = rand(5, 1, 32, 32);
        Tensor d = vae.Encode(x).Mu.to(ScalarType.Float64) - mean;
        Tensor expected = (d.mm(precision) * d).sum(1);
        Tensor actual = vae.ReconstructionError(x, VaeScoreKind.LatentMahalanobis).to(ScalarType.Float64);
        Assert.True(actual.allclose(expected, rtol: 1e-3, atol: 1e-3), $"{actual.str()} vs {expected.str()}");

        // The fitted statistics are buffers: a saved and reloaded model scores the same.
        var path = Path.Combine(Path.GetTempPath(), $"vae-{Guid.NewGuid():N}.bin");
        try
        {
            vae.save(path);
            using var copy = Small(1, 32, VaeScoreKind.ErrorPlusLatent);
            Assert.False(copy.HasLatentStatistics);
            copy.load(path);
            Assert.True(copy.HasLatentStatistics);
            Assert.True(copy.ReconstructionError(x).allclose(vae.ReconstructionError(x), rtol: 1e-5, atol: 1e-6));
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void ErrorPlusKlIsTheMeanErrorPlusKlPerPixel()
    {
        using var vae = Small(3, 32);
        using var scope = NewDisposeScope();
        Tensor x = rand(2, 3, 32, 32);
        (Tensor mu, Tensor logVar) = vae.Encode(x);
        Tensor kl = -0.5 * (1 + logVar - mu * mu - logVar.exp()).sum(1);
        Tensor expected = vae.ErrorMap(x).mean([1, 2, 3]) + kl / (3 * 32 * 32);
        Assert.True(vae.ReconstructionError(x, VaeScoreKind.ErrorPlusKl).allclose(expected, rtol: 1e-5, atol: 1e-7));
        Assert.True(vae.ReconstructionError(x, VaeScoreKind.MeanSquaredError).allclose(vae.ErrorMap(x).mean([1, 2, 3]), rtol: 1e-5, atol: 1e-8));
    }

    [Fact]
    public void SmoothedMaxFindsASmallBlobThatTheMeanDilutes()
    {
        using var scope = NewDisposeScope();
        // Two error maps with the same mean: one spread evenly, one concentrated in a 4×4 patch.
        Tensor even = full(1, 1, 32, 32, 0.01f);
        Tensor focal = zeros(1, 1, 32, 32);
        focal[TensorIndex.Colon, TensorIndex.Colon, TensorIndex.Slice(10, 14), TensorIndex.Slice(10, 14)] = 0.64f;
        Assert.Equal(even.mean().item<float>(), focal.mean().item<float>(), 6);
        float evenPeak = GaussianBlurProbe.MaxAfterBlur(even, 1.0), focalPeak = GaussianBlurProbe.MaxAfterBlur(focal, 1.0);
        Assert.Equal(0.01f, evenPeak, 5);          // replicate padding: a flat map stays flat, no dark border
        Assert.True(focalPeak > 10 * evenPeak, $"focal {focalPeak} vs even {evenPeak}");
    }

    [Fact]
    public void WrongSizeIsRejectedClearly()
    {
        using var vae = Small(1, 32);
        using var scope = NewDisposeScope();
        var error = Assert.Throws<ArgumentException>(() => vae.forward(rand(1, 1, 28, 28)));
        Assert.Contains("[B, 1, 32, 32]", error.Message);
    }

    [Fact]
    public void LossMatchesHandComputation()
    {
        using var scope = NewDisposeScope();
        Tensor x = zeros(1, 1, 2, 2);
        Tensor recon = full(1, 1, 2, 2, 0.5f);
        Tensor mu = tensor(new float[] { 1f, 0f }).view(1, 2);
        Tensor logVar = tensor(new float[] { 0f, MathF.Log(2f) }).view(1, 2);
        VaeLoss loss = VaeModel.Loss(x, recon, mu, logVar, beta: 0.5);
        // Reconstruction: 4 pixels × 0.25. KL: −½[(1 + 0 − 1 − 1) + (1 + ln2 − 0 − 2)] = 1 − ln2 / 2.
        double kl = 1 - Math.Log(2) / 2;
        Assert.Equal(1.0, loss.Reconstruction.item<float>(), 6);
        Assert.Equal(kl, loss.Kl.item<float>(), 5);
        Assert.Equal(1 + 0.5 * kl, loss.Total.item<float>(), 5);
        Assert.Empty(loss.Total.shape);
    }

    [Fact]
    public void BetaWarmsUpLinearly()
    {
        var warmup = new BetaWarmup(Beta: 2.0, WarmupSteps: 100);
        Assert.Equal(0.0, warmup.At(0));
        Assert.Equal(1.0, warmup.At(50), 12);
        Assert.Equal(2.0, warmup.At(100));
        Assert.Equal(2.0, warmup.At(10_000));
        Assert.Equal(0.7, new BetaWarmup(0.7, 0).At(0));
    }

    [Fact]
    public void ScoresAreDeterministicEvenInTrainingMode()
    {
        using var vae = Small(1, 32);
        vae.train();
        using var scope = NewDisposeScope();
        Tensor x = rand(2, 1, 32, 32);
        Assert.True(vae.ErrorMap(x).eq(vae.ErrorMap(x)).all().item<bool>());
        Assert.True(vae.ReconstructionError(x).eq(vae.ReconstructionError(x)).all().item<bool>());
        // forward samples the code in training mode, so two passes differ.
        Assert.False(vae.forward(x).Reconstruction.eq(vae.forward(x).Reconstruction).all().item<bool>());
    }

    [Fact]
    public void LossFallsAndABrightSquareStandsOutAfterTrainingOnNormals()
    {
        manual_seed(21);
        using var vae = Small(1, 32);
        var optimizer = optim.Adam(vae.parameters(), lr: 3e-3);
        using Tensor normals = SyntheticImages.Blobs(64, 32, seed: 1);
        var warmup = new BetaWarmup(1.0, 20);
        var losses = new List<float>();
        vae.train();
        for (int step = 0; step < 40; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var (recon, mu, logVar) = vae.forward(normals);
            VaeLoss loss = VaeModel.Loss(normals, recon, mu, logVar, warmup.At(step));
            loss.Total.backward();
            optimizer.step();
            losses.Add(loss.Reconstruction.item<float>());
        }
        Assert.True(losses.TakeLast(5).Average() < 0.5 * losses.Take(5).Average(), $"reconstruction loss went from {losses[0]} to {losses[^1]}");

        vae.eval();
        using var evalScope = NewDisposeScope();
        Tensor test = SyntheticImages.Blobs(8, 32, seed: 2);
        Tensor anomalous = SyntheticImages.WithSquare(test, top: 4, left: 20, side: 6);
        Tensor square = vae.ErrorMap(anomalous)[.., .., TensorIndex.Slice(4, 10), TensorIndex.Slice(20, 26)];
        Tensor sameRegionNormal = vae.ErrorMap(test)[.., .., TensorIndex.Slice(4, 10), TensorIndex.Slice(20, 26)];
        float inSquare = square.mean().item<float>(), normalThere = sameRegionNormal.mean().item<float>();
        Assert.True(inSquare > 5 * normalThere, $"error in the square {inSquare} vs normal {normalThere}");
        vae.FitLatentStatistics([normals]);
        foreach (VaeScoreKind kind in Enum.GetValues<VaeScoreKind>().Where(k => k != VaeScoreKind.LatentMahalanobis && vae.CanScore(k)))
        {
            // (The code alone need not move for a small square; the combined score must, through the error.)
            Tensor a = vae.ReconstructionError(anomalous, kind), n = vae.ReconstructionError(test, kind);
            Assert.True(a.gt(n).all().item<bool>(), $"{kind}: every anomalous copy should score above its normal original");
        }
    }
}

[Collection(TorchCollection.Name)]
public sealed class VaeInitTests
{
    [Fact]
    public void GroupNormStartsAsIdentityAffine()
    {
        // TorchSharp 0.107 leaves GroupNorm's weight and bias uninitialised; the model must set them.
        using var vae = new VaeModel(new VaeOptions { Channels = 1, ImageSize = 32, LatentDim = 8, BaseWidth = 8, MaxWidth = 16 });
        var norms = vae.named_parameters().Where(p => System.Text.RegularExpressions.Regex.IsMatch(p.name, @"^(encoder|decoder)\.\d+\.1\.(weight|bias)$")).ToList();
        Assert.Equal(2 * 6, norms.Count);   // 3 encoder and 3 decoder stages at 32×32
        foreach (var (name, p) in norms)
            Assert.Equal(name.EndsWith("weight", StringComparison.Ordinal) ? 1f : 0f, p.mean().item<float>());
    }
}
