using System.Text.Json;
using Vigil.Imaging;
using Vigil.Imaging.Dicom;
using Vigil.ML.Data;

namespace Vigil.ML.Inference;

/// <summary>
/// How training read and converted its images (the manifest's <c>preprocessing</c>), so detection reads an image
/// exactly as training did. The input size, channel count and normalisation are the manifest's <c>image_size</c>,
/// <c>channels</c> and <c>normalization</c>. Packages written before this section have none and are read with
/// <see cref="Default"/>, which is what every earlier Vigil did.
/// </summary>
public sealed record PackagePreprocessing
{
    /// <summary>The axis volumes (NIfTI, 3D arrays) are sliced along: <c>axial</c>, <c>coronal</c> or <c>sagittal</c>.</summary>
    public required string SliceAxis { get; init; }

    /// <summary>Whether slices whose voxels are all equal (empty background) are skipped.</summary>
    public bool SkipEmptySlices { get; init; } = true;

    /// <summary>Which volume of a 4D series is sliced (0, the first).</summary>
    public int VolumeIndex { get; init; }

    /// <summary>DICOM pixel values: <c>windowed</c> (display values: rescale, window, MONOCHROME1 inverted) or <c>stored</c> (raw).</summary>
    public required string DicomValues { get; init; }

    /// <summary>How channels are converted (<see cref="InputConversion.ChannelPolicy"/>): <c>bt601-luminance</c>.</summary>
    public required string ChannelPolicy { get; init; }

    /// <summary>How images are brought to the square input size (<see cref="InputConversion.Resize"/>): <c>pad-to-square</c>.</summary>
    public required string Resize { get; init; }

    /// <summary>What packages without the section were trained with: the data pipeline's conversion before it was recorded.</summary>
    public static PackagePreprocessing Default { get; } = Of(ImageReadOptions.Default, InputConversion.ChannelPolicy, InputConversion.Resize);

    /// <summary>The data pipeline's conversion as it is in this Vigil (<see cref="InputConversion"/>): what a package trained now records.</summary>
    public static PackagePreprocessing Current => Of(InputConversion.ReadOptions, InputConversion.ChannelPolicy, InputConversion.Resize);

    /// <summary>The record of <paramref name="read"/> and the named conversions.</summary>
    public static PackagePreprocessing Of(ImageReadOptions read, string channelPolicy, string resize)
    {
        ArgumentNullException.ThrowIfNull(read);
        return new PackagePreprocessing
        {
            SliceAxis = Name(read.SliceAxis), SkipEmptySlices = read.SkipEmptySlices, VolumeIndex = read.VolumeIndex,
            DicomValues = Name(read.DicomValues), ChannelPolicy = channelPolicy, Resize = resize,
        };
    }

    /// <summary>
    /// The reader options to read images with. Throws when the package asks for a conversion this Vigil does not have
    /// (a newer Vigil's), since reading the images another way would give wrong scores without any error.
    /// </summary>
    /// <exception cref="ModelPackageException">An unknown slice axis, DICOM value policy, channel policy or resize.</exception>
    public ImageReadOptions ToReadOptions(string packagePath)
    {
        if (ChannelPolicy != InputConversion.ChannelPolicy) throw Unknown(packagePath, "channel_policy", ChannelPolicy);
        if (Resize != InputConversion.Resize) throw Unknown(packagePath, "resize", Resize);
        if (VolumeIndex < 0) throw Unknown(packagePath, "volume_index", VolumeIndex.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return ImageReadOptions.Default with
        {
            SliceAxis = Parse<SliceAxis>(packagePath, "slice_axis", SliceAxis),
            SkipEmptySlices = SkipEmptySlices,
            VolumeIndex = VolumeIndex,
            DicomValues = Parse<DicomValues>(packagePath, "dicom_values", DicomValues),
        };
    }

    // The JSON spelling of the manifest (snake_case), so the values read like the rest of it.
    private static string Name<T>(T value) where T : struct, Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    private static T Parse<T>(string path, string field, string text) where T : struct, Enum =>
        Enum.GetValues<T>().Cast<T?>().FirstOrDefault(v => Name(v!.Value) == text) ?? throw Unknown(path, field, text);

    private static ModelPackageException Unknown(string path, string field, string value) =>
        new(path, $"it reads images with preprocessing.{field} '{value}', which this Vigil ({Core.VigilInfo.Version}) does not know; use the version that trained it");
}
