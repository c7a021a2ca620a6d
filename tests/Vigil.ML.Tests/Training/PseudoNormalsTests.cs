using Vigil.ML.Data;
using Vigil.ML.Models.EfficientNet;
using Vigil.ML.Runs;
using Vigil.ML.Tests.Data;
using static TorchSharp.torch;

namespace Vigil.ML.Tests.Training;

[Collection(TorchCollection.Name)]
public sealed class PseudoNormalsTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void OnlyUnlabeledImagesTheClassifierConfidentlyCallsNormalAreChosen()
    {
        var dataset = DataFixtures.OrganizedDataset(_folder.Path, normal: 12, tumor: 4, unlabeled: 10);
        var spec = DatasetSpec.FromFolder(dataset);
        using var train = SplitCache.Load(spec.Split("train"), new CacheOptions { ImageSize = 16, Channels = 1, Folder = spec.CacheFolder });
        var unlabeled = train.PositionsOf(train.Split.VaeRows(VaeData.Unlabeled));
        Assert.NotEmpty(unlabeled);
        int normal = spec.Classes.ToList().IndexOf("normal"), tumor = spec.Classes.ToList().IndexOf("tumor");

        using var classifier = new EfficientNetModel(new EfficientNetOptions { Scaling = EfficientNetScaling.Tiny, InputChannels = 1, NumClasses = 2 });
        void Favour(int cls, double logit)
        {
            using var _ = no_grad();
            classifier.Classifier.weight!.zero_();
            classifier.Classifier.bias!.zero_();
            classifier.Classifier.bias![cls] = tensor((float)logit);
        }

        // P(normal) = sigmoid(10) ≈ 0.99995 for every image: all the unlabeled images, and never a labeled one.
        Favour(normal, 10);
        Assert.Equal(unlabeled.Order(), PseudoNormals.Select(classifier, train, normal, 0.95, 4, CPU).Order());
        // P(normal) = sigmoid(1) ≈ 0.73: not confident enough.
        Favour(normal, 1);
        Assert.Empty(PseudoNormals.Select(classifier, train, normal, 0.95, 4, CPU));
        // The classifier is sure of the other class.
        Favour(tumor, 10);
        Assert.Empty(PseudoNormals.Select(classifier, train, normal, 0.95, 4, CPU));
        // Without a normal class there is nothing to choose.
        Favour(normal, 10);
        Assert.Empty(PseudoNormals.Select(classifier, train, -1, 0.95, 4, CPU));
    }
}
