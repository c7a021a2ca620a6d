namespace Vigil.Core.Taxonomy;

/// <summary>What keywords in a text say about region and modality; null where they say nothing.</summary>
/// <param name="Region">Canonical region (see <see cref="AnatomicalRegion"/>), or null.</param>
/// <param name="Modality">Canonical modality (see <see cref="ImagingModality"/>), or null.</param>
/// <param name="RegionKeyword">The keyword that decided the region, for explanations.</param>
/// <param name="ModalityKeyword">The keyword that decided the modality, for explanations.</param>
public sealed record TaxonomyMatch(string? Region, string? Modality, string? RegionKeyword = null, string? ModalityKeyword = null)
{
    /// <summary>A match that found nothing.</summary>
    public static TaxonomyMatch None { get; } = new(null, null);
}
