using System.Buffers.Binary;
using System.Text;
using Vigil.Imaging.Numpy;

namespace Vigil.Imaging.Nifti;

/// <summary>The fields of a NIfTI-1 header (348 bytes, either byte order) that slicing needs.</summary>
internal sealed record NiftiHeader
{
    public const int Size = 348;

    /// <summary>True for "n+1" (header and data in one file), false for "ni1" (.hdr with a separate .img).</summary>
    public required bool SingleFile { get; init; }
    /// <summary>Byte order of header and voxels.</summary>
    public required bool BigEndian { get; init; }
    /// <summary>Voxel counts along i, j, k and the number of volumes (t).</summary>
    public required int Nx { get; init; }
    /// <inheritdoc cref="Nx"/>
    public required int Ny { get; init; }
    /// <inheritdoc cref="Nx"/>
    public required int Nz { get; init; }
    /// <inheritdoc cref="Nx"/>
    public required int Nt { get; init; }
    /// <summary>NIfTI datatype code.</summary>
    public required short DataType { get; init; }
    /// <summary>The voxel type, with the file's byte order.</summary>
    public required ElementType Element { get; init; }
    /// <summary>Voxel spacing along i, j, k (pixdim[1..3], absolute).</summary>
    public required (double X, double Y, double Z) VoxelSize { get; init; }
    /// <summary>Byte offset of the voxels in the data file.</summary>
    public required long VoxOffset { get; init; }
    /// <summary>scl_slope (1 when the file leaves scaling off).</summary>
    public required double Slope { get; init; }
    /// <summary>scl_inter (0 when the file leaves scaling off).</summary>
    public required double Inter { get; init; }
    /// <summary>The descrip field, trimmed.</summary>
    public required string Description { get; init; }

    /// <summary>Bytes of one 3D volume.</summary>
    public long VolumeBytes => (long)Nx * Ny * Nz * Element.Size;

    /// <summary>True when the bytes carry a NIfTI-1 header (sizeof_hdr 348 in either order and the n+1/ni1 magic).</summary>
    public static bool Matches(ReadOnlySpan<byte> head) =>
        head.Length >= Size
        && (BinaryPrimitives.ReadInt32LittleEndian(head) == Size || BinaryPrimitives.ReadInt32BigEndian(head) == Size)
        && (head[344..348].SequenceEqual("n+1\0"u8) || head[344..348].SequenceEqual("ni1\0"u8));

    /// <summary>Parses and validates a header.</summary>
    public static NiftiHeader Parse(byte[] h, string path)
    {
        if (h.Length < Size) throw new ImageFormatException(path, "file is too short for a NIfTI-1 header");
        int little = BinaryPrimitives.ReadInt32LittleEndian(h), big = BinaryPrimitives.ReadInt32BigEndian(h);
        if (little == 540 || big == 540) throw new ImageFormatException(path, "NIfTI-2 files are not supported (only NIfTI-1)");
        if (little != Size && big != Size) throw new ImageFormatException(path, "not a NIfTI-1 file (sizeof_hdr is not 348)");
        bool be = little != Size;
        var magic = h.AsSpan(344, 4);
        bool single = magic.SequenceEqual("n+1\0"u8);
        if (!single && !magic.SequenceEqual("ni1\0"u8))
            throw new ImageFormatException(path, "header has no NIfTI-1 magic (\"n+1\" or \"ni1\"); plain Analyze 7.5 files are not supported");

        short I16(int o) => be ? BinaryPrimitives.ReadInt16BigEndian(h.AsSpan(o)) : BinaryPrimitives.ReadInt16LittleEndian(h.AsSpan(o));
        float F32(int o) => be ? BinaryPrimitives.ReadSingleBigEndian(h.AsSpan(o)) : BinaryPrimitives.ReadSingleLittleEndian(h.AsSpan(o));

        int rank = I16(40);
        if (rank is < 1 or > 7) throw new ImageFormatException(path, $"NIfTI dim[0] is {rank}, expected 1 to 7");
        var dims = new int[8];
        for (int d = 1; d <= 7; d++) dims[d] = d <= rank ? I16(40 + 2 * d) : 1;
        for (int d = 1; d <= rank; d++)
            if (dims[d] < 1) throw new ImageFormatException(path, $"NIfTI dim[{d}] is {dims[d]}, must be at least 1");
        for (int d = 5; d <= rank; d++)
            if (dims[d] != 1) throw new ImageFormatException(path, $"NIfTI images with more than 4 dimensions are not supported (dim[{d}] = {dims[d]})");

        short datatype = I16(70);
        var element = ElementFor(datatype, path) with { BigEndian = be };
        double voxOffset = F32(108);
        if (!double.IsFinite(voxOffset) || voxOffset < 0 || (single && voxOffset < Size))
            throw new ImageFormatException(path, $"NIfTI vox_offset {voxOffset} is invalid");
        double slope = F32(112), inter = F32(116);
        if (slope == 0 || !double.IsFinite(slope)) { slope = 1; inter = 0; }
        if (!double.IsFinite(inter)) inter = 0;

        return new NiftiHeader
        {
            SingleFile = single, BigEndian = be,
            Nx = dims[1], Ny = dims[2], Nz = dims[3], Nt = dims[4],
            DataType = datatype, Element = element,
            VoxelSize = (Spacing(F32(80)), Spacing(F32(84)), Spacing(F32(88))),
            VoxOffset = (long)voxOffset, Slope = slope, Inter = inter,
            Description = Encoding.ASCII.GetString(h, 148, 80).TrimEnd('\0', ' '),
        };
    }

    private static double Spacing(float value) => double.IsFinite(value) ? Math.Abs(value) : 0;

    private static ElementType ElementFor(short datatype, string path) => datatype switch
    {
        2 => new(ElementKind.UInt8),
        4 => new(ElementKind.Int16),
        8 => new(ElementKind.Int32),
        16 => new(ElementKind.Float32),
        64 => new(ElementKind.Float64),
        256 => new(ElementKind.Int8),
        512 => new(ElementKind.UInt16),
        768 => new(ElementKind.UInt32),
        _ => throw new ImageFormatException(path, $"NIfTI datatype {datatype} ({DataTypeName(datatype)}) is not supported; "
            + "supported: uint8, int8, int16, uint16, int32, uint32, float32, float64"),
    };

    private static string DataTypeName(short datatype) => datatype switch
    {
        1 => "binary", 32 => "complex64", 128 => "RGB24", 1024 => "int64", 1280 => "uint64", 1536 => "float128",
        1792 => "complex128", 2048 => "complex256", 2304 => "RGBA32", _ => "unknown",
    };
}
