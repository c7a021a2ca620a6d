using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Vigil.Imaging.Numpy;

/// <summary>Turns raw samples of any <see cref="ElementType"/> into doubles, the common currency of intensity mapping.</summary>
internal static class SampleDecoder
{
    /// <summary>Decodes <paramref name="destination"/>.Length samples from <paramref name="source"/>.</summary>
    public static void ToDouble(ReadOnlySpan<byte> source, ElementType type, Span<double> destination)
    {
        int n = destination.Length;
        if (source.Length < (long)n * type.Size) throw new ArgumentException("source shorter than the samples requested");
        bool be = type.BigEndian;
        // One loop per kind so the branch is outside the hot loop.
        switch (type.Kind)
        {
            case ElementKind.Bool:
                for (int i = 0; i < n; i++) destination[i] = source[i] != 0 ? 1 : 0;
                break;
            case ElementKind.UInt8:
                for (int i = 0; i < n; i++) destination[i] = source[i];
                break;
            case ElementKind.Int8:
                for (int i = 0; i < n; i++) destination[i] = (sbyte)source[i];
                break;
            case ElementKind.UInt16:
                for (int i = 0; i < n; i++)
                    destination[i] = be ? BinaryPrimitives.ReadUInt16BigEndian(source[(2 * i)..]) : BinaryPrimitives.ReadUInt16LittleEndian(source[(2 * i)..]);
                break;
            case ElementKind.Int16:
                for (int i = 0; i < n; i++)
                    destination[i] = be ? BinaryPrimitives.ReadInt16BigEndian(source[(2 * i)..]) : BinaryPrimitives.ReadInt16LittleEndian(source[(2 * i)..]);
                break;
            case ElementKind.UInt32:
                for (int i = 0; i < n; i++)
                    destination[i] = be ? BinaryPrimitives.ReadUInt32BigEndian(source[(4 * i)..]) : BinaryPrimitives.ReadUInt32LittleEndian(source[(4 * i)..]);
                break;
            case ElementKind.Int32:
                for (int i = 0; i < n; i++)
                    destination[i] = be ? BinaryPrimitives.ReadInt32BigEndian(source[(4 * i)..]) : BinaryPrimitives.ReadInt32LittleEndian(source[(4 * i)..]);
                break;
            case ElementKind.UInt64:
                for (int i = 0; i < n; i++)
                    destination[i] = be ? BinaryPrimitives.ReadUInt64BigEndian(source[(8 * i)..]) : BinaryPrimitives.ReadUInt64LittleEndian(source[(8 * i)..]);
                break;
            case ElementKind.Int64:
                for (int i = 0; i < n; i++)
                    destination[i] = be ? BinaryPrimitives.ReadInt64BigEndian(source[(8 * i)..]) : BinaryPrimitives.ReadInt64LittleEndian(source[(8 * i)..]);
                break;
            case ElementKind.Float16:
                for (int i = 0; i < n; i++)
                    destination[i] = (double)(be ? BinaryPrimitives.ReadHalfBigEndian(source[(2 * i)..]) : BinaryPrimitives.ReadHalfLittleEndian(source[(2 * i)..]));
                break;
            case ElementKind.Float32:
                if (!be)
                {
                    var floats = MemoryMarshal.Cast<byte, float>(source[..(4 * n)]);
                    for (int i = 0; i < n; i++) destination[i] = floats[i];
                }
                else for (int i = 0; i < n; i++) destination[i] = BinaryPrimitives.ReadSingleBigEndian(source[(4 * i)..]);
                break;
            case ElementKind.Float64:
                if (!be) MemoryMarshal.Cast<byte, double>(source[..(8 * n)]).CopyTo(destination);
                else for (int i = 0; i < n; i++) destination[i] = BinaryPrimitives.ReadDoubleBigEndian(source[(8 * i)..]);
                break;
            default:
                throw new NotSupportedException($"element kind {type.Kind}");
        }
    }

    /// <summary>Reverses every sample's bytes in place, turning big-endian samples into host order.</summary>
    public static void SwapInPlace(Span<byte> data, int elementSize)
    {
        switch (elementSize)
        {
            case 2: BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, ushort>(data), MemoryMarshal.Cast<byte, ushort>(data)); break;
            case 4: BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, uint>(data), MemoryMarshal.Cast<byte, uint>(data)); break;
            case 8: BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, ulong>(data), MemoryMarshal.Cast<byte, ulong>(data)); break;
        }
    }
}
