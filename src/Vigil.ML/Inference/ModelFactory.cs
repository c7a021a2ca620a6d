using TorchSharp;
using Vigil.ML.Models.EfficientNet;
using Vigil.ML.Models.Vae;

namespace Vigil.ML.Inference;

/// <summary>
/// Builds the classifier and the VAE from the facts a model package records, so training and loading construct
/// exactly the same modules (a mismatch would only show up as a weight-loading error).
/// </summary>
public static class ModelFactory
{
    /// <summary>An EfficientNet of <paramref name="variant"/> that normalises its [0,1] input with the dataset statistics.</summary>
    public static EfficientNetModel Classifier(EfficientNetScaling variant, int channels, int classes, PackageNormalization normalization, torch.Device device)
    {
        var model = new EfficientNetModel(new EfficientNetOptions
        {
            Scaling = variant, InputChannels = channels, NumClasses = classes,
            Normalization = new InputNormalization(normalization.Mean.Select(v => (float)v).ToArray(), normalization.Std.Select(v => (float)v).ToArray()),
        });
        return model.to(device);
    }

    /// <summary>
    /// A VAE for <paramref name="size"/>² images of <paramref name="channels"/> channels, with an anomaly head when
    /// asked and room for <paramref name="latentBank"/> normal codes (null: the default, for a new model).
    /// </summary>
    public static VaeModel Vae(int channels, int size, int latentDim, int baseWidth, torch.Device device, VaeScoreKind? score = null, bool anomalyHead = false,
        bool headStatistics = true, int? latentBank = null) =>
        new VaeModel(new VaeOptions
        {
            Channels = channels, ImageSize = size, LatentDim = latentDim, BaseWidth = baseWidth, Score = score ?? new VaeOptions().Score, AnomalyHead = anomalyHead,
            HeadStatistics = headStatistics, LatentBank = latentBank ?? new VaeOptions().LatentBank,
        }).to(device);
}
