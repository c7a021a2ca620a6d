namespace Vigil.ML.Models.EfficientNet;

/// <summary>Whose parameter names a pretrained EfficientNet file uses.</summary>
public enum PretrainedNaming
{
    /// <summary>torchvision's <c>efficientnet_b*</c> (<c>features.0.0.weight</c> …) — also this model's own names.</summary>
    Torchvision,
    /// <summary>timm's <c>efficientnet_b*</c> (<c>conv_stem.weight</c>, <c>blocks.0.0.conv_dw.weight</c> …).</summary>
    Timm,
}
