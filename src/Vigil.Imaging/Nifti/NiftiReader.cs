using System.Globalization;
using Vigil.Imaging.Numpy;

namespace Vigil.Imaging.Nifti;

/// <summary>
/// NIfTI-1 volumes (.nii, .nii.gz, and .hdr/.img pairs; gzip detected by magic; either byte order) cut into 2D
/// slices along <see cref="ImageReadOptions.SliceAxis"/>. uint8 volumes give 8-bit slices; every other type gives
/// 16-bit slices through one linear map for the whole volume (see <see cref="IntensityMapping.ForVolume"/>),
/// recorded in <see cref="ImageMetadata.Extra"/> so the original values can be recovered.
/// </summary>
public sealed class NiftiReader : IImageReader
{
    /// <inheritdoc />
    public string FormatName => "NIfTI-1";

    /// <inheritdoc />
    public IReadOnlyList<string> Extensions { get; } = [".nii", ".nii.gz", ".hdr"];

    /// <inheritdoc />
    public bool MatchesSignature(ReadOnlySpan<byte> header) =>
        NiftiHeader.Matches(header) || NiftiHeader.Matches(StreamIo.GzipPrefix(header, NiftiHeader.Size));

    /// <inheritdoc />
    public IEnumerable<DecodedImage> Read(string path, ImageReadOptions options, CancellationToken cancellationToken = default) =>
        ReaderGuard.Guard(Slices(path, options, cancellationToken), path);

    private static IEnumerable<DecodedImage> Slices(string path, ImageReadOptions options, CancellationToken cancellationToken)
    {
        var volume = NiftiVolume.Load(path, options, cancellationToken);
        var header = volume.Header;
        var element = header.Element;
        var range = new SampleRange();
        if (element.Kind != ElementKind.UInt8) range.Add(volume.Voxels, element);
        var mapping = IntensityMapping.ForVolume(element, range);
        var slicer = new VolumeSlicer(header.Nx, header.Ny, header.Nz, element.Size, options.SliceAxis);
        var shared = SharedFacts(header, volume.Index, mapping, options.SliceAxis);
        string axisName = AxisName(options.SliceAxis);
        string digits = "D" + Math.Max(3, (slicer.Count - 1).ToString(CultureInfo.InvariantCulture).Length);

        int pixels = slicer.Width * slicer.Height;
        var raw = mapping.IsIdentity && element.Size == 1 ? null : new byte[(long)pixels * element.Size];
        for (int index = 0; index < slicer.Count; index++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var data = new byte[(long)pixels * mapping.BitDepth / 8];
            if (raw is null) slicer.Extract(volume.Voxels, index, data);
            else
            {
                slicer.Extract(volume.Voxels, index, raw);
                mapping.ApplyRaw(raw, element, data);
            }
            if (options.SkipEmptySlices && AllEqual(data, mapping.BitDepth)) continue;
            var extra = new Dictionary<string, string>(shared) { ["slice_index"] = index.ToString(CultureInfo.InvariantCulture) };
            var frame = new ImageFrame(slicer.Width, slicer.Height, 1, mapping.BitDepth, data);
            yield return new DecodedImage(frame, new ImageMetadata { Extra = extra }, $"{axisName}-{index.ToString(digits, CultureInfo.InvariantCulture)}");
        }
    }

    private static Dictionary<string, string> SharedFacts(NiftiHeader header, int volumeIndex, IntensityMapping mapping, SliceAxis axis)
    {
        static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        var extra = new Dictionary<string, string>
        {
            ["slice_axis"] = AxisName(axis),
            ["volume_shape"] = header.Nt > 1 ? $"{header.Nx}x{header.Ny}x{header.Nz}x{header.Nt}" : $"{header.Nx}x{header.Ny}x{header.Nz}",
            ["voxel_size"] = $"{F(header.VoxelSize.X)}x{F(header.VoxelSize.Y)}x{F(header.VoxelSize.Z)}",
            ["volume_index"] = volumeIndex.ToString(CultureInfo.InvariantCulture),
            ["datatype"] = header.Element.Name,
        };
        mapping.Describe(extra, header.Slope, header.Inter);
        if (header.Description.Length > 0) extra["description"] = header.Description;
        return extra;
    }

    private static string AxisName(SliceAxis axis) => axis switch
    {
        SliceAxis.Axial => "axial", SliceAxis.Coronal => "coronal", _ => "sagittal",
    };

    private static bool AllEqual(byte[] data, int bitDepth)
    {
        if (bitDepth == 8) return data.AsSpan().IndexOfAnyExcept(data[0]) < 0;
        var wide = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ushort>(data.AsSpan());
        return wide.IndexOfAnyExcept(wide[0]) < 0;
    }
}
