using static TorchSharp.torch;
using Vigil.ML.Native;

namespace Vigil.ML.Models.EfficientNet;

/// <summary>
/// The classifier's class probabilities for a batch, optionally averaged with those of the horizontally mirrored
/// images (test-time augmentation). One place, so that validation during training, <c>vigil evaluate</c> and
/// <c>vigil detect</c> compute them identically.
/// </summary>
public static class ClassifierProbabilities
{
    /// <summary>Softmax probabilities [B, classes] of <paramref name="model"/> for <paramref name="images"/> [B, C, H, W].</summary>
    /// <param name="model">The classifier (the caller sets eval mode and no-grad).</param>
    /// <param name="images">The batch on the model's device.</param>
    /// <param name="averageHorizontalFlip">
    /// Also run the left-right mirrored batch and average the two probability sets: the prediction becomes exactly
    /// invariant to mirroring, at twice the cost. Only meaningful for a model trained with horizontal flips.
    /// </param>
    public static Tensor Of(EfficientNetModel model, Tensor images, bool averageHorizontalFlip)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(images);
        var probabilities = nn.functional.softmax(model.forward(images), 1);
        if (!averageHorizontalFlip) return probabilities;
        using var mirrored = images.flip(3);
        using var mirroredProbabilities = nn.functional.softmax(model.forward(mirrored), 1);
        return probabilities.add_(mirroredProbabilities).div_(KeptScalars.Of(2));
    }
}
