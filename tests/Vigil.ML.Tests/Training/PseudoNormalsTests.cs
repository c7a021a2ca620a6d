using Vigil.Core.Runs;
using Vigil.ML.Compute;
using Vigil.ML.Training;
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

[Collection(TorchCollection.Name)]
public sealed class PseudoNormalsInTrainingTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void The_VAE_trained_after_the_classifier_learns_from_its_pseudo_normals_too()
    {
        var dataset = DataFixtures.OrganizedDataset(_folder.Path, normal: 12, tumor: 6, unlabeled: 12);
        var spec = DatasetSpec.FromFolder(dataset);
        var events = new List<RunEvent>();
        var log = new List<string>();
        // A threshold near 0 makes every unlabeled image the barely trained classifier does not rule out a pseudo-normal.
        var request = new TrainRequest
        {
            Dataset = spec, Phase = PhaseSelection.All, Output = System.IO.Path.Combine(_folder.Path, "run"), EpochsSupervised = 1, EpochsUnsupervised = 1,
            AnomalyHeadEpochs = 0, ImageSize = 16, Channels = 1, BatchSize = 4, Variant = EfficientNetScaling.Tiny, LatentDim = 16,
            VaeData = VaeData.Normal, SemiSupervised = new ConsistencyOptions(Threshold: 1e-4), Compute = ComputeResolver.Resolve("cpu", null),
        };
        var result = TrainingRun.Run(request, new Recorder(events), new TrainingControl(), log.Add, CancellationToken.None);
        Assert.NotNull(result.ModelPath);

        var chosen = log.Select(l => System.Text.RegularExpressions.Regex.Match(l, @"^unsupervised: (\d+) of the (\d+) unlabeled training images are normal for the classifier.*the VAE learns from them"))
            .Single(m => m.Success);
        int pseudo = int.Parse(chosen.Groups[1].Value), unlabeled = int.Parse(chosen.Groups[2].Value);
        Assert.True(pseudo > 0 && unlabeled > 0, chosen.Value);
        var started = events.OfType<RunStarted>().ToList();
        // The classifier first, then the VAE on the labeled training normals and the pseudo-normals.
        Assert.Equal([TrainingPhase.Supervised, TrainingPhase.Unsupervised], started.Select(s => s.Phase).Distinct());
        int labeledNormals = DataFixtures.CsvRows(System.IO.Path.Combine(dataset, "splits", "train.csv")).Count(r => r["label"] == "normal");
        Assert.Equal(labeledNormals + pseudo, started.Single(s => s.Phase == TrainingPhase.Unsupervised).TrainImages);
    }

    private sealed class Recorder(List<RunEvent> events) : IRunObserver
    {
        public void OnEvent(RunEvent e) { lock (events) events.Add(e); }
    }
}
