using System.Text.Json;
using TorchSharp;
using Vigil.Core;
using Vigil.Core.Json;
using Vigil.Core.Metrics;
using Vigil.ML.Inference;
using Vigil.ML.Models.Vae;
using static TorchSharp.torch;

namespace Vigil.ML.Tests.Models;

/// <summary>The VAE's anomaly head, its synthetic anomalies, the structural score and the score kind in the package.</summary>
[Collection(TorchCollection.Name)]
public sealed class AnomalyHeadTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static VaeModel WithHead(VaeScoreKind score = VaeScoreKind.LearnedAnomalyMap) =>
        ModelFactory.Vae(1, 32, 16, 8, CPU, score, anomalyHead: true);

    [Fact]
    public void SyntheticAnomaliesChangeOnlyTheMaskedPixelsOfAboutHalfTheImages()
    {
        using var scope = NewDisposeScope();
        Tensor normals = SyntheticImages.Blobs(200, 32, seed: 5);
        using var generator = new Generator(7);
        var (images, masks) = SyntheticAnomalies.Apply(normals, generator);
        Assert.Equal(normals.shape, images.shape);
        Assert.Equal(new long[] { 200, 1, 32, 32 }, masks.shape);
        Assert.True((masks.eq(0) | masks.eq(1)).all().item<bool>(), "masks are 0 or 1");
        Assert.True((images - normals).abs().mul(1 - masks).max().item<float>() == 0, "pixels outside the mask are untouched");
        Assert.True(images.min().item<float>() >= 0 && images.max().item<float>() <= 1, "images stay in [0, 1]");
        long withAnomaly = (long)masks.flatten(1).amax([1]).sum().item<float>();
        Assert.InRange(withAnomaly, 60, 140);
        // Local: no anomaly covers more than the disc it is cut from (radius ≤ 30 % of the side).
        Assert.True(masks.flatten(1).mean([1]).max().item<float>() < 0.3f);

        using var again = new Generator(7);
        Assert.True(SyntheticAnomalies.Apply(normals, again).Masks.eq(masks).all().item<bool>(), "same seed, same anomalies");
    }

    [Fact]
    public void TheTrainedHeadRanksImagesWithALesionAboveTheirNormalOriginals()
    {
        manual_seed(11);
        using var vae = WithHead();
        using Tensor normals = SyntheticImages.Blobs(64, 32, seed: 1);
        TrainVae(vae, normals, steps: 40);
        Assert.False(vae.CanScore(VaeScoreKind.LearnedAnomalyMap));
        Assert.Equal(VaeScoreKind.ErrorPlusKl, vae.EffectiveScore); // untrained head: the fallback
        using (var fitter = new AnomalyHeadFitter(vae, 2e-3, seed: 3))
        {
            var losses = new List<double>();
            for (int step = 0; step < 120; step++) losses.Add(fitter.Step(normals));
            Assert.True(losses.TakeLast(10).Average() < losses.Take(10).Average(), $"head loss went from {losses[0]} to {losses[^1]}");
            fitter.Complete();
        }
        Assert.True(vae.HasFittedHead);
        Assert.Equal(VaeScoreKind.LearnedAnomalyMap, vae.EffectiveScore);

        using var scope = NewDisposeScope();
        Tensor test = SyntheticImages.Blobs(16, 32, seed: 2);
        Tensor lesion = SyntheticImages.WithSquare(test, top: 6, left: 18, side: 5);
        Tensor a = vae.ReconstructionError(lesion), n = vae.ReconstructionError(test);
        double wins = a.gt(n).to_type(ScalarType.Float32).mean().item<float>();
        Assert.True(wins >= 0.9, $"lesion copies above their originals: {wins:P0} (scores {a.str()} vs {n.str()})");
        // The map responds where the lesion is: there it is higher than at the same place in the normal originals.
        Tensor Region(Tensor images) => vae.Score(images).ErrorMaps[.., .., TensorIndex.Slice(6, 11), TensorIndex.Slice(18, 23)].mean();
        float onLesion = Region(lesion).item<float>(), onNormal = Region(test).item<float>();
        Assert.True(onLesion > 1.5 * onNormal, $"head's map on the lesion {onLesion} vs the same place without it {onNormal}");
    }

    [Fact]
    public void LabeledAnomaliesRaiseTheScoreOfUnseenAnomaliesOfTheirKind()
    {
        // Deep SAD's claim, on the head: a few labeled anomalies of one kind (a faint full-image grating, unlike the
        // local patches the head learns from) lift other anomalies of that kind above the normals.
        manual_seed(21);
        using var vae = WithHead();
        using Tensor normals = SyntheticImages.Blobs(32, 32, seed: 31);
        TrainVae(vae, normals, steps: 30);
        var initial = vae.Head!.state_dict().ToDictionary(p => p.Key, p => p.Value.clone());
        using Tensor labeled = Grating(SyntheticImages.Blobs(8, 32, seed: 32));
        using Tensor testNormals = SyntheticImages.Blobs(24, 32, seed: 33);
        using Tensor testAnomalies = Grating(SyntheticImages.Blobs(24, 32, seed: 34));

        double AurocAfter(Tensor? anomalies)
        {
            vae.Head!.load_state_dict(initial);
            using (var fitter = new AnomalyHeadFitter(vae, 2e-3, seed: 5))
            {
                for (int step = 0; step < 40; step++) fitter.Step(normals, anomalies);
                fitter.Complete();
            }
            using var scope = NewDisposeScope();
            var a = vae.ReconstructionError(testAnomalies).data<float>().Select(v => (double)v);
            var n = vae.ReconstructionError(testNormals).data<float>().Select(v => (double)v);
            return BinaryMetrics.Auroc([.. n, .. a], [.. Enumerable.Repeat(0, 24), .. Enumerable.Repeat(1, 24)]);
        }

        double normalOnly = AurocAfter(null), withLabels = AurocAfter(labeled);
        Assert.True(withLabels >= 0.9 && withLabels > normalOnly + 0.05,
            $"AUROC of unseen gratings: {withLabels:F3} with 8 labeled ones, {normalOnly:F3} from normals only");
    }

    // A faint vertical grating over the whole image (period 4 pixels, amplitude 0.05).
    private static Tensor Grating(Tensor images)
    {
        using var scope = NewDisposeScope();
        Tensor stripes = (torch.arange(images.shape[3]).remainder(4) < 2).to(ScalarType.Float32) * 0.05f;
        return (images + stripes.view(1, 1, 1, -1)).clamp(0, 1).MoveToOuterDisposeScope();
    }

    [Fact]
    public void StructuralErrorIsZeroForAPerfectCopyAndPeaksOnAChangedPatch()
    {
        using var scope = NewDisposeScope();
        Tensor x = SyntheticImages.Blobs(2, 32, seed: 3);
        Assert.True(VaeModel.StructuralErrorMap(x, x).abs().max().item<float>() < 1e-4f, "an exact reconstruction has no structural error");
        Tensor map = VaeModel.StructuralErrorMap(SyntheticImages.WithSquare(x, top: 4, left: 4, side: 6), x);
        Assert.True(map.min().item<float>() >= 0 && map.max().item<float>() <= 1, "(1 − SSIM) / 2 lies in [0, 1]");
        float inside = map[.., .., TensorIndex.Slice(4, 10), TensorIndex.Slice(4, 10)].mean().item<float>();
        float far = map[.., .., TensorIndex.Slice(20, 32), TensorIndex.Slice(20, 32)].mean().item<float>();
        Assert.True(inside > 10 * far + 0.05f, $"error on the patch {inside} vs far from it {far}");
    }

    [Fact]
    public void TheScoreKindAndTheHeadRoundTripThroughThePackage()
    {
        manual_seed(4);
        using var vae = WithHead();
        using Tensor normals = SyntheticImages.Blobs(32, 32, seed: 8);
        vae.FitLatentStatistics([normals]);
        using (var fitter = new AnomalyHeadFitter(vae, seed: 1)) { fitter.Step(normals); fitter.Complete(); }
        string path = _folder.File("model.vigil");
        ModelPackage.Save(path, Manifest(VaeScoreKind.LearnedAnomalyMap, head: true), new Dictionary<string, nn.Module> { ["vae"] = vae });

        var loaded = DetectorLoader.Load(path, CPU);
        var copy = loaded.Parts.Vae!;
        Assert.Equal(VaeScoreKind.LearnedAnomalyMap, copy.EffectiveScore);
        Assert.True(copy.HasFittedHead);
        using var scope = NewDisposeScope();
        Tensor x = SyntheticImages.WithSquare(normals[..4], 2, 2, 5);
        Assert.True(copy.ReconstructionError(x).allclose(vae.ReconstructionError(x), rtol: 1e-5, atol: 1e-6));
        // The detector reports the head's map, the one its score reads.
        var result = loaded.Detector.DetectAnomaly(x, 0.5)[0];
        var expected = vae.Score(x[..1]).ErrorMaps.flatten().data<float>().ToArray();
        Assert.Equal(expected, result.ErrorMap!, new ToleranceComparer(1e-5f));

        // Another kind on the same weights, as 'vigil evaluate --scorer' asks for it.
        var other = DetectorLoader.Load(path, CPU, VaeScoreKind.StructuralError).Parts.Vae!;
        Assert.Equal(VaeScoreKind.StructuralError, other.EffectiveScore);
        Assert.True(other.ReconstructionError(x).allclose(vae.ReconstructionError(x, VaeScoreKind.StructuralError), rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void TheCombinedScoreIsTheLargerStandardisedPartAndNeedsTheHeadsStatistics()
    {
        manual_seed(6);
        using var vae = ModelFactory.Vae(1, 32, 16, 8, CPU, VaeScoreKind.LearnedMapOrLatent, anomalyHead: true);
        using Tensor normals = SyntheticImages.Blobs(32, 32, seed: 12);
        vae.FitLatentStatistics([normals]);
        using (var fitter = new AnomalyHeadFitter(vae, seed: 2)) { fitter.Step(normals); fitter.Complete(); }
        Assert.False(vae.CanScore(VaeScoreKind.LearnedMapOrLatent)); // head trained, its spread not yet fitted
        Assert.Equal(VaeScoreKind.ErrorPlusKl, vae.EffectiveScore);
        vae.FitHeadStatistics([normals]);
        Assert.Equal(VaeScoreKind.LearnedMapOrLatent, vae.EffectiveScore);

        using var scope = NewDisposeScope();
        Tensor x = SyntheticImages.WithSquare(normals[..6], 3, 3, 6);
        // max(z of the head's logit, error-plus-latent / √(its terms)): at least each part, and equal to one of them.
        Tensor combined = vae.ReconstructionError(x), latent = vae.ReconstructionError(x, VaeScoreKind.ErrorPlusLatent) / Math.Sqrt(vae.HasLatentNeighbours ? 3 : 2);
        Assert.True(combined.ge(latent - 1e-5).all().item<bool>(), $"{combined.str()} vs {latent.str()}");
        Assert.True(combined.gt(latent + 1e-5).any().item<bool>() || combined.allclose(latent, atol: 1e-5), "the head's part can win");
        // The head's part orders images as the head's own score does.
        Tensor head = vae.ReconstructionError(x, VaeScoreKind.LearnedAnomalyMap);
        var headWins = combined.gt(latent + 1e-5);
        if (headWins.sum().item<long>() >= 2)
        {
            var order = combined.masked_select(headWins).argsort();
            Assert.True(order.eq(head.masked_select(headWins).argsort()).all().item<bool>());
        }

        // Saved and loaded, the statistics travel; a package from before them loads without and falls back.
        string path = _folder.File("combined.vigil");
        ModelPackage.Save(path, Manifest(VaeScoreKind.LearnedMapOrLatent, head: true), new Dictionary<string, nn.Module> { ["vae"] = vae });
        var copy = DetectorLoader.Load(path, CPU).Parts.Vae!;
        Assert.Equal(VaeScoreKind.LearnedMapOrLatent, copy.EffectiveScore);
        Assert.True(copy.ReconstructionError(x).allclose(combined, rtol: 1e-5, atol: 1e-5));

        using var older = ModelFactory.Vae(1, 32, 16, 8, CPU, VaeScoreKind.LearnedAnomalyMap, anomalyHead: true, headStatistics: false, latentBank: 0);
        string oldPath = _folder.File("head-without-statistics.vigil");
        ModelPackage.Save(oldPath, Manifest(VaeScoreKind.LearnedAnomalyMap, head: true) with
        {
            Models = new PackageModels { Vae = new PackageVae { LatentDim = 16, BaseWidth = 8, Score = nameof(VaeScoreKind.LearnedAnomalyMap), AnomalyHead = true } },
        }, new Dictionary<string, nn.Module> { ["vae"] = older });
        var loadedOld = DetectorLoader.Load(oldPath, CPU).Parts.Vae!;
        Assert.False(loadedOld.HasHeadStatisticsBuffer);
        Assert.False(loadedOld.CanScore(VaeScoreKind.LearnedMapOrLatent));
    }

    [Fact]
    public void APackageWithoutTheHeadStillLoadsAndRefusesTheHeadsScoreInUserTerms()
    {
        using var vae = ModelFactory.Vae(1, 32, 16, 8, CPU, VaeScoreKind.SmoothedMaxError);
        string path = _folder.File("old.vigil");
        // As written before the head existed: no anomaly_head field, no head weights.
        ModelPackage.Save(path, Manifest(VaeScoreKind.SmoothedMaxError, head: false), new Dictionary<string, nn.Module> { ["vae"] = vae });
        var loaded = DetectorLoader.Load(path, CPU);
        Assert.Null(loaded.Parts.Vae!.Head);
        Assert.Equal(VaeScoreKind.SmoothedMaxError, loaded.Parts.Vae.EffectiveScore);
        var e = Assert.Throws<UserInputException>(() => DetectorLoader.Load(path, CPU, VaeScoreKind.LearnedAnomalyMap));
        Assert.Contains("no anomaly head", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("learned-anomaly-map", VaeScoreKind.LearnedAnomalyMap)]
    [InlineData("ErrorPlusLatent", VaeScoreKind.ErrorPlusLatent)]
    [InlineData("structural_error", VaeScoreKind.StructuralError)]
    public void ScoreNamesParseInTheirCommandLineAndEnumSpellings(string text, VaeScoreKind kind)
    {
        Assert.Equal(kind, VaeScoreNames.Parse(text, "--scorer"));
        Assert.Equal(kind, VaeScoreNames.Parse(kind.ToText(), "--scorer"));
        var e = Assert.Throws<UserInputException>(() => VaeScoreNames.Parse("sharpest", "--scorer"));
        Assert.Contains("learned-anomaly-map", e.Message, StringComparison.Ordinal);
    }

    private static void TrainVae(VaeModel vae, Tensor normals, int steps)
    {
        var optimizer = optim.Adam(vae.parameters(), lr: 3e-3);
        vae.train();
        for (int step = 0; step < steps; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var (recon, mu, logVar) = vae.forward(normals);
            VaeModel.Loss(normals, recon, mu, logVar, 0.1).Total.backward();
            optimizer.step();
        }
        vae.eval();
    }

    private static ModelPackageManifest Manifest(VaeScoreKind score, bool head) => new()
    {
        Classes = ["normal"], NormalClass = "normal", ImageSize = 32, Channels = 1,
        HybridWeights = new PackageHybridWeights(0, 1),
        Calibration = JsonSerializer.SerializeToElement(RobustLogisticCalibration.Fit([0.1, 0.2, 0.3, 0.4]), VigilJson.Options),
        Normalization = new PackageNormalization([0.5], [0.25]),
        Models = new PackageModels { Vae = new PackageVae { LatentDim = 16, BaseWidth = 8, Score = score.ToString(), AnomalyHead = head, HeadStatistics = head, LatentBank = new VaeOptions().LatentBank } },
    };

    private sealed class ToleranceComparer(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float a, float b) => Math.Abs(a - b) <= tolerance;
        public int GetHashCode(float value) => 0;
    }
}
