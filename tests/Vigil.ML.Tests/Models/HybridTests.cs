using TorchSharp;
using Vigil.Core.Metrics;
using Vigil.ML.Models.EfficientNet;
using Vigil.ML.Models.Hybrid;
using Vigil.ML.Models.Vae;
using static TorchSharp.torch;

namespace Vigil.ML.Tests.Models;

[Collection(TorchCollection.Name)]
public sealed class HybridTests
{
    // Map(e) = logistic(e − 1): Map(1) = 0.5, Map(1 + ln 3) = 0.75.
    private static readonly RobustLogisticCalibration Unit = new(center: 1, scale: 1, slope: 1, bias: 0, sampleCount: 10);

    [Fact]
    public void ScoreIsTheWeightedSumByHand()
    {
        var scorer = new HybridScorer(0.7, 0.3, Unit);
        // 0.7 · (1 − 0.2) + 0.3 · 0.5
        Assert.Equal(0.71, scorer.Score(normalProbability: 0.2, reconstructionError: 1.0), 12);
        Assert.Equal(0.7 * 0.4 + 0.3 * 0.75, scorer.Score(0.6, 1 + Math.Log(3)), 12);
        Assert.Equal(0.8, HybridScorer.SupervisedScore(0.2), 12);
        Assert.Equal(0.5, scorer.ReconstructionScore(1.0), 12);
    }

    [Fact]
    public void WeightsAreNormalised()
    {
        var scorer = new HybridScorer(2, 2, Unit);
        Assert.Equal(0.5, scorer.SupervisedWeight);
        Assert.Equal(0.5, scorer.ReconstructionWeight);
        Assert.Throws<ArgumentException>(() => new HybridScorer(0, 0, Unit));
        Assert.Throws<ArgumentException>(() => new HybridScorer(-0.1, 1, Unit));
        Assert.Throws<ArgumentException>(() => new HybridScorer(double.NaN, 1, Unit));
    }

    [Fact]
    public void AMissingPartLeavesTheOtherWithWeightOne()
    {
        var scorer = new HybridScorer(0.9, 0.1, Unit);
        Assert.Equal(0.8, scorer.Score(0.2, null), 12);       // classifier only
        Assert.Equal(0.5, scorer.Score(null, 1.0), 12);       // VAE only
        Assert.Throws<ArgumentException>(() => scorer.Score(null, null));
        var classifierOnly = new HybridScorer(1, 0, calibration: null);
        Assert.Equal(0.25, classifierOnly.Score(0.75, null), 12);
        Assert.Throws<InvalidOperationException>(() => classifierOnly.Score(0.75, 1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => HybridScorer.SupervisedScore(1.5));
    }

    [Fact]
    public void FittingPrefersTheInformativePart()
    {
        // The classifier separates the classes with a small margin; the VAE score is unrelated noise.
        var random = new Random(5);
        var labels = Enumerable.Range(0, 40).Select(i => i % 2 == 1).ToList();
        var supervised = labels.Select(a => a ? 0.55 + 0.05 * random.NextDouble() : 0.40 + 0.05 * random.NextDouble()).ToList();
        var reconstruction = labels.Select(_ => random.NextDouble()).ToList();

        HybridWeightFit fit = HybridWeightFitter.Fit(supervised, reconstruction, labels);
        Assert.Equal(1.0, fit.Auroc);
        Assert.True(fit.SupervisedWeight > 0.5, $"w_sup {fit.SupervisedWeight}");
        Assert.Equal(1 - fit.SupervisedWeight, fit.ReconstructionWeight, 12);
        Assert.Equal(21, fit.Grid.Count);
        Assert.True(fit.Grid[0].Auroc < 0.8, $"VAE alone: {fit.Grid[0].Auroc}");

        HybridWeightFit mirrored = HybridWeightFitter.Fit(reconstruction, supervised, labels);
        Assert.Equal(1 - fit.SupervisedWeight, mirrored.SupervisedWeight, 12);
    }

    [Fact]
    public void FittingFindsTheMixtureWhenEachPartSeesDifferentAnomalies()
    {
        // Normals are low on both; one anomaly only the classifier sees, one only the VAE sees.
        double[] supervised = [0.1, 0.2, 0.9, 0.0];
        double[] reconstruction = [0.1, 0.2, 0.0, 0.9];
        bool[] anomaly = [false, false, true, true];
        HybridWeightFit fit = HybridWeightFitter.Fit(supervised, reconstruction, anomaly);
        // Either part alone ranks one anomaly below both normals: AUROC (2 + 0)/4 = 0.5. Only a mix ranks both above.
        Assert.Equal(0.5, fit.Grid[0].Auroc, 12);
        Assert.Equal(0.5, fit.Grid[^1].Auroc, 12);
        Assert.Equal(1.0, fit.Auroc);
        Assert.Equal(0.5, fit.SupervisedWeight);   // among the tied optima, the balanced one
        Assert.Contains(fit.Grid, t => Math.Abs(t.SupervisedWeight - 0.35) < 1e-15);
    }

    [Fact]
    public void FittingRejectsBadInput()
    {
        Assert.Throws<ArgumentException>(() => HybridWeightFitter.Fit([0.1], [0.2, 0.3], [true]));
        Assert.Throws<ArgumentException>(() => HybridWeightFitter.Fit([0.1], [0.2], [true], step: 0.3));
    }

    [Fact]
    public void DetectorCombinesBothPartsPerImage()
    {
        manual_seed(12);
        using var classifier = new EfficientNetModel(new EfficientNetOptions { Scaling = EfficientNetScaling.Tiny, InputChannels = 1, NumClasses = 3 });
        using var vae = new VaeModel(new VaeOptions { Channels = 1, ImageSize = 32, LatentDim = 8, BaseWidth = 8, MaxWidth = 16, Score = VaeScoreKind.MeanSquaredError });
        var scorer = new HybridScorer(0.6, 0.4, new RobustLogisticCalibration(0.05, 0.01, 1.5, -1, 20));
        var detector = new HybridDetector(classifier, vae, scorer, ["normal", "tumour", "cyst"], normalClassIndex: 0);
        using var scope = NewDisposeScope();
        Tensor images = rand(3, 1, 32, 32);

        IReadOnlyList<DetectionResult> results = detector.DetectAnomaly(images, threshold: 0.5);
        Assert.Equal(3, results.Count);
        Tensor probabilities = nn.functional.softmax(classifier.forward(images), 1);
        Tensor errors = vae.ReconstructionError(images);
        for (int i = 0; i < 3; i++)
        {
            DetectionResult r = results[i];
            double pNormal = probabilities[i, 0].item<float>();
            Assert.Equal(1 - pNormal, r.SupervisedScore!.Value, 5);
            Assert.Equal(errors[i].item<float>(), r.ReconstructionError!.Value, 6);
            Assert.Equal(scorer.Score(pNormal, errors[i].item<float>()), r.AnomalyScore, 5);
            Assert.Equal(r.AnomalyScore >= 0.5, r.IsAnomaly);
            Assert.Equal((int)probabilities[i].argmax().item<long>(), r.PredictedClass!.Value);
            Assert.Equal(detector.ClassNames[r.PredictedClass!.Value], r.PredictedClassName);
            Assert.Equal(probabilities[i].max().item<float>(), r.Confidence!.Value, 5);
            Assert.Equal(32 * 32, r.ErrorMap!.Length);
            Assert.Equal((32, 32), (r.ErrorMapHeight, r.ErrorMapWidth));
            Assert.Equal(r.ReconstructionError!.Value, r.ErrorMap.Average(), 5);   // the mean-squared-error score is the map's mean
        }
        Assert.All(detector.DetectAnomaly(images, threshold: 0), r => Assert.True(r.IsAnomaly));
        Assert.All(detector.DetectAnomaly(images, threshold: 1.01), r => Assert.False(r.IsAnomaly));
    }

    [Fact]
    public void CriticalRuleFlagsImagesTheScoreAloneWouldMiss()
    {
        manual_seed(5);
        using var classifier = new EfficientNetModel(new EfficientNetOptions { Scaling = EfficientNetScaling.Tiny, InputChannels = 1, NumClasses = 3 });
        using var scope = NewDisposeScope();
        Tensor images = rand(6, 1, 32, 32);
        classifier.eval(); // as the detector runs it
        Tensor probabilities = nn.functional.softmax(classifier.forward(images), 1);
        // A threshold between the images' P(cyst) values: those at or above it must be flagged even at threshold 1.01.
        var pCyst = Enumerable.Range(0, 6).Select(i => (double)probabilities[i, 2].item<float>()).Order().ToArray();
        double cut = pCyst[3];
        var detector = new HybridDetector(classifier, null, new HybridScorer(1, 0, null), ["normal", "tumour", "cyst"], 0,
            [new CriticalClassRule("cyst", 0.99, cut)]);
        var results = detector.DetectAnomaly(images, threshold: 1.01);
        for (int i = 0; i < 6; i++)
        {
            bool expected = probabilities[i, 2].item<float>() >= cut;
            Assert.Equal(expected, results[i].IsAnomaly);
            Assert.Equal(expected ? "cyst" : null, results[i].CriticalClass);
        }
        // The rule alone decides at threshold 1.01: nothing above the highest P(cyst), everything at the lowest.
        HybridDetector WithCut(double t) => new(classifier, null, new HybridScorer(1, 0, null), ["normal", "tumour", "cyst"], 0, [new CriticalClassRule("cyst", 0.99, t)]);
        Assert.All(WithCut(pCyst[^1] + 1e-4).DetectAnomaly(images, 1.01), r => Assert.False(r.IsAnomaly));
        Assert.All(WithCut(pCyst[0]).DetectAnomaly(images, 1.01), r => { Assert.True(r.IsAnomaly); Assert.Equal("cyst", r.CriticalClass); });
        Assert.All(WithCut(pCyst[^1] + 1e-4).DetectAnomaly(images, 0), r => { Assert.True(r.IsAnomaly); Assert.Null(r.CriticalClass); });
        Assert.Contains("need a classifier", Assert.Throws<ArgumentException>(() =>
            new HybridDetector(null, new VaeModel(new VaeOptions { Channels = 1, ImageSize = 32, LatentDim = 8, BaseWidth = 8, MaxWidth = 16 }),
                new HybridScorer(0, 1, Unit), [], 0, [new CriticalClassRule("cyst", 0.9, 0.5)])).Message);
        Assert.Contains("not one of the classes", Assert.Throws<ArgumentException>(() =>
            new HybridDetector(classifier, null, new HybridScorer(1, 0, null), ["normal", "tumour", "cyst"], 0, [new CriticalClassRule("cist", 0.9, 0.5)])).Message);
    }

    [Theory]
    [InlineData("Tumor=0.99,Hemorrhage=0.97", "Tumor", 0.99, 2)]
    [InlineData(" Retinal Detachment = 0.99 ", "Retinal Detachment", 0.99, 1)]
    [InlineData("a=b=1", "a=b", 1.0, 1)]
    public void CriticalRequirementsParse(string text, string name, double value, int count)
    {
        var parsed = CriticalClassRule.ParseRequirements(text);
        Assert.Equal(count, parsed.Count);
        Assert.Equal(value, parsed[name]);
    }

    [Theory]
    [InlineData("Tumor", "not CLASS=SENSITIVITY")]
    [InlineData("Tumor=high", "not CLASS=SENSITIVITY")]
    [InlineData("Tumor=1.5", "(0, 1]")]
    [InlineData("Tumor=0", "(0, 1]")]
    [InlineData("Tumor=0.9,Tumor=0.8", "given twice")]
    [InlineData(" , ", "no CLASS=SENSITIVITY")]
    public void BadCriticalRequirementsSayWhatIsWrong(string text, string message) =>
        Assert.Contains(message, Assert.Throws<FormatException>(() => CriticalClassRule.ParseRequirements(text)).Message);

    [Fact]
    public void DetectorWorksWithEitherPartAlone()
    {
        using var classifier = new EfficientNetModel(new EfficientNetOptions { Scaling = EfficientNetScaling.Tiny, InputChannels = 1, NumClasses = 2 });
        using var vae = new VaeModel(new VaeOptions { Channels = 1, ImageSize = 32, LatentDim = 8, BaseWidth = 8, MaxWidth = 16 });
        using var scope = NewDisposeScope();
        Tensor images = rand(2, 1, 32, 32);

        var vaeOnly = new HybridDetector(null, vae, new HybridScorer(0.5, 0.5, Unit), [], normalClassIndex: 0);
        DetectionResult v = vaeOnly.DetectAnomaly(images, 0.5)[0];
        Assert.Null(v.PredictedClass);
        Assert.Null(v.SupervisedScore);
        Assert.Equal(v.ReconstructionScore, v.AnomalyScore);

        var classifierOnly = new HybridDetector(classifier, null, new HybridScorer(0.5, 0.5, null), ["normal", "abnormal"], normalClassIndex: 0);
        DetectionResult c = classifierOnly.DetectAnomaly(images, 0.5)[0];
        Assert.Null(c.ErrorMap);
        Assert.Null(c.ReconstructionScore);
        Assert.Equal(c.SupervisedScore, c.AnomalyScore);
    }

    [Fact]
    public void TestTimeFlipAveragesAnImageWithItsMirrorSoPredictionsDoNotDependOnSide()
    {
        manual_seed(3);
        using var classifier = new EfficientNetModel(new EfficientNetOptions { Scaling = EfficientNetScaling.Tiny, InputChannels = 1, NumClasses = 3 });
        // Taught that brightness rising to the right is a tumour and falling a cyst: a model for which the side matters.
        static Tensor Rising(int n) => rand(n, 1, 32, 32).mul_(0.2).add_(linspace(0, 0.8, 32).reshape(1, 1, 1, 32));
        var optimizer = optim.AdamW(classifier.parameters(), lr: 0.003);
        classifier.train();
        for (int step = 0; step < 80; step++)
            using (NewDisposeScope())
            {
                Tensor rising = Rising(8);
                Tensor batch = cat([rising, rising.flip(3)], 0);
                Tensor labels = cat([full(8, 1, ScalarType.Int64), full(8, 2, ScalarType.Int64)], 0);
                optimizer.zero_grad();
                nn.functional.cross_entropy(classifier.forward(batch), labels).backward();
                optimizer.step();
            }
        using var scope = NewDisposeScope();
        Tensor images = Rising(4);
        Tensor mirrored = images.flip(3);
        string[] names = ["normal", "tumour", "cyst"];
        var plain = new HybridDetector(classifier, null, new HybridScorer(1, 0, null), names, normalClassIndex: 0);
        var averaged = new HybridDetector(classifier, null, new HybridScorer(1, 0, null), names, normalClassIndex: 0, testTimeFlip: true);
        Assert.True(averaged.TestTimeFlip);

        var plainOriginal = plain.DetectAnomaly(images, 0.5);
        var plainMirrored = plain.DetectAnomaly(mirrored, 0.5);
        var original = averaged.DetectAnomaly(images, 0.5);
        var mirror = averaged.DetectAnomaly(mirrored, 0.5);
        // Without the average the two sides disagree…
        Assert.All(Enumerable.Range(0, 4), i => Assert.NotEqual(plainOriginal[i].PredictedClass, plainMirrored[i].PredictedClass));
        using (no_grad())
        {
            // …with it, the probabilities are the mean of both sides', the same whichever side the image is shown.
            Tensor both = nn.functional.softmax(classifier.forward(images), 1).add(nn.functional.softmax(classifier.forward(mirrored), 1)).div(2);
            Tensor averagedOriginal = ClassifierProbabilities.Of(classifier, images, averageHorizontalFlip: true);
            Tensor averagedMirrored = ClassifierProbabilities.Of(classifier, mirrored, averageHorizontalFlip: true);
            Assert.True(averagedOriginal.allclose(both, rtol: 0, atol: 1e-6));
            Assert.True(averagedMirrored.allclose(both, rtol: 0, atol: 1e-6));
            for (int i = 0; i < 4; i++)
            {
                // The detector uses exactly these (what validation and evaluation use too).
                Assert.Equal(averagedOriginal[i].max().item<float>(), original[i].Confidence!.Value, 6);
                Assert.Equal(original[i].PredictedClass, mirror[i].PredictedClass);
                Assert.Equal(original[i].Confidence!.Value, mirror[i].Confidence!.Value, 5);
            }
        }
    }

    [Fact]
    public void DetectorRejectsPartsThatDoNotFit()
    {
        using var classifier = new EfficientNetModel(new EfficientNetOptions { Scaling = EfficientNetScaling.Tiny, InputChannels = 1, NumClasses = 2 });
        using var vae = new VaeModel(new VaeOptions { Channels = 1, ImageSize = 32, LatentDim = 8, BaseWidth = 8, MaxWidth = 16 });
        Assert.Throws<ArgumentException>(() => new HybridDetector(null, null, new HybridScorer(1, 0, null), [], 0));
        Assert.Contains("2 outputs", Assert.Throws<ArgumentException>(() => new HybridDetector(classifier, null, new HybridScorer(1, 0, null), ["a", "b", "c"], 0)).Message);
        Assert.Throws<ArgumentException>(() => new HybridDetector(classifier, null, new HybridScorer(1, 0, null), ["a", "b"], 2));
        Assert.Contains("calibration", Assert.Throws<ArgumentException>(() => new HybridDetector(null, vae, new HybridScorer(0, 1, null), [], 0)).Message);
    }
}
