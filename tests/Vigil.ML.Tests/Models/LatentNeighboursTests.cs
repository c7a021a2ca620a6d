using TorchSharp;
using Vigil.Core;
using Vigil.Core.Json;
using Vigil.Core.Metrics;
using Vigil.ML.Inference;
using Vigil.ML.Models.Vae;
using static TorchSharp.torch;

namespace Vigil.ML.Tests.Models;

[Collection(TorchCollection.Name)]
public sealed class LatentNeighboursTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static VaeModel Small(int bank) =>
        new(new VaeOptions { Channels = 1, ImageSize = 32, LatentDim = 16, BaseWidth = 8, MaxWidth = 32, Score = VaeScoreKind.ErrorPlusLatent, LatentBank = bank });

    [Fact]
    public void TheNeighbourScoreIsTheMeanDistanceToTheNearestBankedNormalCodes()
    {
        manual_seed(11);
        using var vae = Small(bank: 16);
        using var scope = NewDisposeScope();
        Tensor normals = SyntheticImages.Blobs(40, 32, seed: 5);
        Assert.False(vae.CanScore(VaeScoreKind.LatentNeighbours));
        vae.FitLatentStatistics([normals[..25], normals[25..]]);
        Assert.True(vae.HasLatentNeighbours);

        // Reference written out here: 40 codes into a bank of 16 keeps every 3rd (14 codes); k = min(20, 14 − 1).
        Tensor mu = vae.Encode(normals).Mu.to(ScalarType.Float64);
        Tensor bank = mu.index_select(0, tensor(Enumerable.Range(0, 14).Select(i => 3L * i).ToArray()));
        Tensor x = rand(6, 1, 32, 32);
        Tensor distances = cdist(vae.Encode(x).Mu.to(ScalarType.Float64), bank);
        Tensor expected = distances.topk(13, largest: false).values.mean([1]);
        Tensor actual = vae.ReconstructionError(x, VaeScoreKind.LatentNeighbours).to(ScalarType.Float64);
        Assert.True(actual.allclose(expected, rtol: 1e-4, atol: 1e-4), $"{actual.str()} vs {expected.str()}");
    }

    [Fact]
    public void ErrorPlusLatentGainsTheNeighbourTermOnlyWhereTheModelKeepsABank()
    {
        manual_seed(12);
        using var scope = NewDisposeScope();
        Tensor normals = SyntheticImages.Blobs(30, 32, seed: 6);
        var (withBank, without) = FittedTwins(bank: 64, normals);
        using var _ = withBank;
        using var __ = without;
        Assert.False(without.CanScore(VaeScoreKind.LatentNeighbours));

        // Same weights, same error and Mahalanobis terms: the difference is z(log neighbour distance), which rises with it.
        Tensor x = cat([rand(5, 1, 32, 32), SyntheticImages.Blobs(5, 32, seed: 7)], 0);
        double[] extra = (withBank.ReconstructionError(x) - without.ReconstructionError(x)).data<float>().Select(v => (double)v).ToArray();
        double[] neighbour = withBank.ReconstructionError(x, VaeScoreKind.LatentNeighbours).data<float>().Select(v => (double)v).ToArray();
        var byNeighbour = Enumerable.Range(0, 10).OrderBy(i => neighbour[i]).ToArray();
        Assert.Equal(byNeighbour, Enumerable.Range(0, 10).OrderBy(i => extra[i]).ToArray());
        Assert.Contains(extra, v => Math.Abs(v) > 1e-3);
    }

    [Fact]
    public void TheNeighbourTermIsStandardisedOnTheTrainingNormalsEachLeftOutOfItsOwnNeighbours()
    {
        manual_seed(13);
        using var scope = NewDisposeScope();
        Tensor normals = SyntheticImages.Blobs(30, 32, seed: 8);
        var (withBank, without) = FittedTwins(bank: 64, normals);
        using var _ = withBank;
        using var __ = without;

        // All 30 codes are banked; each training code's distance is the mean to its 20 nearest *other* codes (a new
        // normal image is never in the bank), and their log's mean and spread standardise the term.
        Tensor mu = withBank.Encode(normals).Mu.to(ScalarType.Float64);
        Tensor others = cdist(mu, mu) + eye(30, dtype: ScalarType.Float64) * 1e9;
        Tensor logLeftOut = others.topk(20, largest: false).values.mean([1]).log();
        double mean = logLeftOut.mean().item<double>(), spread = logLeftOut.std().item<double>();

        Tensor x = SyntheticImages.Blobs(6, 32, seed: 9);
        Tensor term = withBank.ReconstructionError(x) - without.ReconstructionError(x);
        Tensor expected = (withBank.ReconstructionError(x, VaeScoreKind.LatentNeighbours).to(ScalarType.Float64).log() - mean) / spread;
        Assert.True(term.to(ScalarType.Float64).allclose(expected, rtol: 1e-3, atol: 1e-3), $"{term.str()} vs {expected.str()}");
    }

    // Two models with the same weights, one keeping a bank of codes and one not, both fitted on the same normals.
    private static (VaeModel WithBank, VaeModel Without) FittedTwins(int bank, Tensor normals)
    {
        var withBank = Small(bank);
        var without = Small(bank: 0);
        using (no_grad())
            foreach (var (name, p) in without.named_parameters()) p.copy_(withBank.get_parameter(name)!);
        withBank.FitLatentStatistics([normals]);
        without.FitLatentStatistics([normals]);
        return (withBank, without);
    }

    [Fact]
    public void TheBankTravelsInAPackageAndAPackageWithoutOneLoadsWithout()
    {
        manual_seed(14);
        using var vae = ModelFactory.Vae(1, 32, 16, 8, CPU, VaeScoreKind.LatentNeighbours);
        Assert.Equal(new VaeOptions().LatentBank, vae.Options.LatentBank);
        using var scope = NewDisposeScope();
        Tensor normals = SyntheticImages.Blobs(24, 32, seed: 10);
        vae.FitLatentStatistics([normals]);
        Tensor x = rand(4, 1, 32, 32);

        string path = _folder.File("bank.vigil");
        ModelPackage.Save(path, Manifest(VaeScoreKind.LatentNeighbours, vae.Options.LatentBank), new Dictionary<string, nn.Module> { ["vae"] = vae });
        var copy = DetectorLoader.Load(path, CPU).Parts.Vae!;
        Assert.Equal(VaeScoreKind.LatentNeighbours, copy.EffectiveScore);
        Assert.True(copy.ReconstructionError(x).allclose(vae.ReconstructionError(x), rtol: 1e-5, atol: 1e-5));

        // As written before the bank existed: no latent_bank field, no bank weights; the two-term score still works.
        using var older = ModelFactory.Vae(1, 32, 16, 8, CPU, VaeScoreKind.ErrorPlusLatent, latentBank: 0);
        older.FitLatentStatistics([normals]);
        string oldPath = _folder.File("no-bank.vigil");
        ModelPackage.Save(oldPath, Manifest(VaeScoreKind.ErrorPlusLatent, bank: 0), new Dictionary<string, nn.Module> { ["vae"] = older });
        var loadedOld = DetectorLoader.Load(oldPath, CPU).Parts.Vae!;
        Assert.False(loadedOld.CanScore(VaeScoreKind.LatentNeighbours));
        Assert.True(loadedOld.ReconstructionError(x).allclose(older.ReconstructionError(x), rtol: 1e-5, atol: 1e-5));
        Assert.Throws<UserInputException>(() => DetectorLoader.Load(oldPath, CPU, VaeScoreKind.LatentNeighbours));
    }

    private static ModelPackageManifest Manifest(VaeScoreKind score, int bank) => new()
    {
        Classes = ["normal"], NormalClass = "normal", ImageSize = 32, Channels = 1,
        HybridWeights = new PackageHybridWeights(0, 1),
        Calibration = System.Text.Json.JsonSerializer.SerializeToElement(RobustLogisticCalibration.Fit([0.1, 0.2, 0.3, 0.4]), VigilJson.Options),
        Normalization = new PackageNormalization([0.5], [0.25]),
        Models = new PackageModels { Vae = new PackageVae { LatentDim = 16, BaseWidth = 8, Score = score.ToString(), LatentBank = bank } },
    };
}
