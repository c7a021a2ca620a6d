using System.Buffers.Binary;
using Vigil.Imaging.Numpy;

namespace Vigil.Imaging.Idx;

/// <summary>The header of an IDX file (MNIST format): two zero bytes, a type code, a rank, then big-endian dimensions.</summary>
internal sealed record IdxHeader(ElementType Element, int[] Dimensions)
{
    /// <summary>Bytes before the data.</summary>
    public int Size => 4 + 4 * Dimensions.Length;

    /// <summary>Number of items (first dimension).</summary>
    public int Count => Dimensions[0];

    /// <summary>True when the bytes start like an IDX file of the given rank (3 for images, 1 for labels).</summary>
    public static bool Matches(ReadOnlySpan<byte> head, int rank)
    {
        if (head.Length < 4 + 4 * rank || head[0] != 0 || head[1] != 0 || head[3] != rank || TypeOf(head[2]) is null) return false;
        for (int d = 0; d < rank; d++)
            if (BinaryPrimitives.ReadInt32BigEndian(head[(4 + 4 * d)..]) <= 0) return false;
        return true;
    }

    /// <summary>Reads the header from the start of a stream.</summary>
    public static IdxHeader Read(Stream stream, string path)
    {
        Span<byte> magic = stackalloc byte[4];
        StreamIo.ReadExactly(stream, magic, path, "the IDX header");
        if (magic[0] != 0 || magic[1] != 0)
            throw new ImageFormatException(path, "not an IDX file (the first two bytes must be zero)");
        var element = TypeOf(magic[2]) ?? throw new ImageFormatException(path,
            $"IDX type code 0x{magic[2]:X2} is unknown (expected 0x08 ubyte, 0x09 byte, 0x0B short, 0x0C int, 0x0D float, 0x0E double)");
        int rank = magic[3];
        if (rank is < 1 or > 4) throw new ImageFormatException(path, $"IDX file has {rank} dimensions, expected 1 to 4");
        Span<byte> dims = stackalloc byte[4 * rank];
        StreamIo.ReadExactly(stream, dims, path, "the IDX header");
        var dimensions = new int[rank];
        for (int d = 0; d < rank; d++)
        {
            dimensions[d] = BinaryPrimitives.ReadInt32BigEndian(dims[(4 * d)..]);
            if (dimensions[d] <= 0) throw new ImageFormatException(path, $"IDX dimension {d} is {dimensions[d]}, must be positive");
        }
        return new IdxHeader(element, dimensions);
    }

    // IDX stores every multi-byte type big-endian.
    private static ElementType? TypeOf(byte code) => code switch
    {
        0x08 => new ElementType(ElementKind.UInt8),
        0x09 => new ElementType(ElementKind.Int8),
        0x0B => new ElementType(ElementKind.Int16, BigEndian: true),
        0x0C => new ElementType(ElementKind.Int32, BigEndian: true),
        0x0D => new ElementType(ElementKind.Float32, BigEndian: true),
        0x0E => new ElementType(ElementKind.Float64, BigEndian: true),
        _ => null,
    };
}
