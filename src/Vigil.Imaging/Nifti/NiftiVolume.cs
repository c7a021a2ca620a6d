using Vigil.Imaging.Numpy;

namespace Vigil.Imaging.Nifti;

/// <summary>One 3D volume of a NIfTI-1 file in memory: its header and its voxels in host byte order.</summary>
internal sealed class NiftiVolume
{
    private NiftiVolume(NiftiHeader header, int index, byte[] voxels)
    {
        Header = header; Index = index; Voxels = voxels;
    }

    /// <summary>The parsed header.</summary>
    public NiftiHeader Header { get; }
    /// <summary>Which volume of a 4D series this is.</summary>
    public int Index { get; }
    /// <summary>Voxels in i-fastest order, host byte order (<see cref="Header"/>'s element type, made native).</summary>
    public byte[] Voxels { get; }

    /// <summary>Reads the header and volume <see cref="ImageReadOptions.VolumeIndex"/> of a .nii, .nii.gz or .hdr (+ .img) file.</summary>
    public static NiftiVolume Load(string path, ImageReadOptions options, CancellationToken cancellationToken)
    {
        using var stream = StreamIo.OpenMaybeGzip(path);
        var head = new byte[NiftiHeader.Size];
        StreamIo.ReadExactly(stream, head, path, "the NIfTI header");
        var header = NiftiHeader.Parse(head, path);

        int index = options.VolumeIndex;
        if (index < 0 || index >= header.Nt)
            throw new ImageFormatException(path, $"volume {index} requested, the file has {header.Nt}");
        long slicePixels = options.SliceAxis switch
        {
            SliceAxis.Axial => (long)header.Nx * header.Ny,
            SliceAxis.Coronal => (long)header.Nx * header.Nz,
            _ => (long)header.Ny * header.Nz,
        };
        if (slicePixels > options.MaxPixelsPerImage)
            throw new ImageFormatException(path, $"NIfTI slices of {slicePixels:N0} pixels exceed the limit of {options.MaxPixelsPerImage:N0}");
        if (header.VolumeBytes > Array.MaxLength)
            throw new ImageFormatException(path, $"NIfTI volume of {header.Nx}x{header.Ny}x{header.Nz} voxels is too large to load");

        long skip = header.VoxOffset + index * header.VolumeBytes;
        byte[] voxels;
        if (header.SingleFile)
            voxels = ReadVoxels(stream, skip - NiftiHeader.Size, header, path, cancellationToken);
        else
        {
            var imagePath = ImageFileFor(path);
            using var data = StreamIo.OpenMaybeGzip(imagePath);
            voxels = ReadVoxels(data, skip, header, imagePath, cancellationToken);
        }
        if (header.Element.NeedsSwap) SampleDecoder.SwapInPlace(voxels, header.Element.Size);
        return new NiftiVolume(header with { Element = header.Element.Native }, index, voxels);
    }

    private static byte[] ReadVoxels(Stream stream, long skip, NiftiHeader header, string path, CancellationToken cancellationToken)
    {
        if (skip < 0) throw new ImageFormatException(path, "NIfTI vox_offset points inside the header");
        // An uncompressed file's length is known: check before allocating anything.
        if (stream.CanSeek && stream.Length - stream.Position < skip + header.VolumeBytes)
            throw new ImageFormatException(path, $"file is truncated: the header declares {header.Nx}x{header.Ny}x{header.Nz}x{header.Nt} {header.Element.Name} voxels, more than the file holds");
        StreamIo.Skip(stream, skip, path, "the voxel data", cancellationToken);
        return StreamIo.ReadBounded(stream, header.VolumeBytes, path, "the voxel data", cancellationToken);
    }

    // The data file of a .hdr/.img pair: same name with .img, possibly gzipped.
    private static string ImageFileFor(string headerPath)
    {
        string stem = headerPath.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? headerPath[..^3] : headerPath;
        stem = Path.ChangeExtension(stem, null);
        foreach (var candidate in new[] { stem + ".img", stem + ".img.gz", stem + ".IMG" })
            if (File.Exists(candidate)) return candidate;
        throw new ImageFormatException(headerPath, $"NIfTI header-only file has no data file beside it ({Path.GetFileName(stem)}.img)");
    }
}
