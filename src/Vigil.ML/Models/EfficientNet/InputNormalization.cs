namespace Vigil.ML.Models.EfficientNet;

/// <summary>
/// Per-channel mean and standard deviation that a model subtracts and divides by inside its forward pass, so a saved
/// model takes the same [0, 1] images in training and inference and cannot be fed differently normalised input.
/// </summary>
/// <param name="Mean">One value per input channel.</param>
/// <param name="Std">One positive value per input channel.</param>
public sealed record InputNormalization(IReadOnlyList<float> Mean, IReadOnlyList<float> Std)
{
    /// <summary>ImageNet's RGB statistics, which pretrained torchvision/timm weights expect.</summary>
    public static InputNormalization ImageNet { get; } = new([0.485f, 0.456f, 0.406f], [0.229f, 0.224f, 0.225f]);

    /// <summary>
    /// Grey-scale default: the average of ImageNet's three channels. A pretrained stem collapsed to one channel (its
    /// weights summed over RGB) then sees inputs normalised about as it did on a grey image replicated to RGB.
    /// </summary>
    public static InputNormalization Grey { get; } = new([0.449f], [0.226f]);

    /// <summary>The default for a channel count: <see cref="Grey"/> for 1, <see cref="ImageNet"/> for 3.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Any other count: give explicit statistics.</exception>
    public static InputNormalization DefaultFor(int channels) => channels switch
    {
        1 => Grey,
        3 => ImageNet,
        _ => throw new ArgumentOutOfRangeException(nameof(channels), channels, "no default normalisation for this channel count; give mean and std per channel"),
    };

    /// <summary>Checks that there is one finite mean and one positive, finite std per channel.</summary>
    /// <exception cref="ArgumentException">They do not fit <paramref name="channels"/>.</exception>
    public void Validate(int channels)
    {
        if (Mean.Count != channels || Std.Count != channels)
            throw new ArgumentException($"normalisation has {Mean.Count} mean and {Std.Count} std values for {channels} input channels");
        if (Mean.Any(m => !float.IsFinite(m)) || Std.Any(s => !float.IsFinite(s) || s <= 0))
            throw new ArgumentException("normalisation means must be finite and stds finite and positive");
    }
}
