namespace Vigil.ML.Models.EfficientNet;

/// <summary>
/// A compound-scaled EfficientNet variant: how the B0 table is widened and deepened, and the regularisation that goes
/// with it. The values are torchvision's (<c>efficientnet_b0</c> … <c>efficientnet_b3</c>).
/// </summary>
/// <param name="Name">Short name, e.g. <c>b0</c>; stored in model packages.</param>
/// <param name="WidthMultiplier">Scales every channel count, which is then rounded to a multiple of 8.</param>
/// <param name="DepthMultiplier">Scales every stage's block count, rounded up.</param>
/// <param name="Dropout">Dropout before the final linear layer, active only in training.</param>
/// <param name="StochasticDepth">Drop-path probability reached (linearly) by the last block, active only in training.</param>
public sealed record EfficientNetScaling(string Name, double WidthMultiplier, double DepthMultiplier, double Dropout, double StochasticDepth)
{
    /// <summary>EfficientNet-B0: 5.3 M parameters at 1000 classes.</summary>
    public static EfficientNetScaling B0 { get; } = new("b0", 1.0, 1.0, 0.2, 0.2);

    /// <summary>EfficientNet-B1: B0 with 1.1× depth.</summary>
    public static EfficientNetScaling B1 { get; } = new("b1", 1.0, 1.1, 0.2, 0.2);

    /// <summary>EfficientNet-B2: 1.1× width, 1.2× depth.</summary>
    public static EfficientNetScaling B2 { get; } = new("b2", 1.1, 1.2, 0.3, 0.2);

    /// <summary>EfficientNet-B3: 1.2× width, 1.4× depth.</summary>
    public static EfficientNetScaling B3 { get; } = new("b3", 1.2, 1.4, 0.3, 0.2);

    /// <summary>
    /// A very small member of the family for tests and smoke runs: one block per stage, channels at the rounding floor
    /// of 8 in the early stages. Same code path as the real variants, a few hundred thousand parameters.
    /// </summary>
    public static EfficientNetScaling Tiny { get; } = new("tiny", 0.25, 0.25, 0.2, 0.2);

    /// <summary>The variants above, by name.</summary>
    public static IReadOnlyList<EfficientNetScaling> All { get; } = [B0, B1, B2, B3, Tiny];

    /// <summary>Finds a variant by <see cref="Name"/> (case-insensitive), e.g. from a <c>--model b0</c> option.</summary>
    /// <exception cref="ArgumentException">No variant has that name; the message lists the known ones.</exception>
    public static EfficientNetScaling FromName(string name) =>
        All.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"unknown EfficientNet variant '{name}'; known: {string.Join(", ", All.Select(s => s.Name))}", nameof(name));
}
