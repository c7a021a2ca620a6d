namespace Vigil.ML.Models.EfficientNet;

/// <summary>What to build: variant, input channels, classes, and the normalisation the model applies to its input.</summary>
public sealed record EfficientNetOptions
{
    /// <summary>The variant; default B0.</summary>
    public EfficientNetScaling Scaling { get; init; } = EfficientNetScaling.B0;

    /// <summary>Image channels: 1 (grey) or 3 (RGB).</summary>
    public int InputChannels { get; init; } = 3;

    /// <summary>Number of output logits.</summary>
    public int NumClasses { get; init; } = 1000;

    /// <summary>Input statistics; null means <see cref="InputNormalization.DefaultFor"/> the channel count. The trainer may store dataset statistics here.</summary>
    public InputNormalization? Normalization { get; init; }

    /// <summary>Classifier dropout; null means the variant's (<see cref="EfficientNetScaling.Dropout"/>).</summary>
    public double? Dropout { get; init; }

    /// <summary>Final drop-path probability; null means the variant's (<see cref="EfficientNetScaling.StochasticDepth"/>).</summary>
    public double? StochasticDepth { get; init; }

    /// <summary>The normalisation actually used.</summary>
    public InputNormalization ResolvedNormalization => Normalization ?? InputNormalization.DefaultFor(InputChannels);

    /// <summary>Checks the values; throws <see cref="ArgumentException"/> with the reason.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Scaling);
        if (InputChannels is not (1 or 3))
            throw new ArgumentException($"EfficientNet takes 1 or 3 input channels, not {InputChannels}");
        if (NumClasses < 1) throw new ArgumentException($"the number of classes must be at least 1, not {NumClasses}");
        if (Dropout is { } d && (d < 0 || d >= 1 || double.IsNaN(d))) throw new ArgumentException($"dropout must be in [0, 1), not {d}");
        if (StochasticDepth is { } p && (p < 0 || p >= 1 || double.IsNaN(p))) throw new ArgumentException($"stochastic depth must be in [0, 1), not {p}");
        ResolvedNormalization.Validate(InputChannels);
    }
}
