using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Vigil.Imaging.Fuzzing;

/// <summary>How a header field is stored, so a mutation can write a hostile value the way a reader will parse it.</summary>
public enum FieldKind
{
    /// <summary>One byte.</summary>
    UInt8,
    /// <summary>Two bytes, little-endian.</summary>
    UInt16LE,
    /// <summary>Two bytes, big-endian.</summary>
    UInt16BE,
    /// <summary>Four bytes, little-endian.</summary>
    UInt32LE,
    /// <summary>Four bytes, big-endian.</summary>
    UInt32BE,
    /// <summary>An IEEE single, little-endian (NIfTI's vox_offset and scaling).</summary>
    Float32LE,
    /// <summary>A run of ASCII digits (numpy's shape, DICOM's IS strings); replaced by other text, so the length may change.</summary>
    Decimal,
}

/// <summary>A field of a seed file whose value readers trust at their peril: a size, a count, an offset, a type code.</summary>
/// <param name="Name">What the field is ("IHDR width"), for the report.</param>
/// <param name="Offset">Where it starts in the file.</param>
/// <param name="Kind">How it is stored.</param>
/// <param name="Length">Byte length of a <see cref="FieldKind.Decimal"/> field; ignored for the others.</param>
public readonly record struct HeaderField(string Name, int Offset, FieldKind Kind, int Length = 0)
{
    /// <summary>Bytes the field occupies.</summary>
    public int Size => Kind switch
    {
        FieldKind.UInt8 => 1,
        FieldKind.UInt16LE or FieldKind.UInt16BE => 2,
        FieldKind.Decimal => Length,
        _ => 4,
    };
}

/// <summary>A mutated copy of a seed and the steps that made it, in words (for reports and regression tests).</summary>
public sealed record Mutation(byte[] Bytes, string Description);

/// <summary>
/// Deterministic mutations of a valid file: the same bytes, fields and case seed always give the same result, so any
/// failing case is reproduced from its seed alone. Each case applies one step, or two or three stacked (a quarter of
/// cases), chosen among bit flips, interesting byte and word values, truncation, chunk duplication and removal,
/// random insertions and header-field values (zero, huge, negative, NaN) at the offsets the seed's format declares.
/// </summary>
public static class Mutator
{
    private static readonly byte[] InterestingBytes = [0x00, 0xFF, 0x7F, 0x80, 0x01, 0xFE];
    private static readonly uint[] InterestingWords = [0, 1, 0xFFFF, 0x7FFF, 0x8000, 0xFFFFFFFF, 0x7FFFFFFF, 0x80000000, 0x10000, 0x40000000];
    private static readonly float[] InterestingFloats = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, 1e30f, -1f, 0f, 3.5e9f, 1e-30f];
    private static readonly string[] InterestingDecimals = ["0", "-1", "99999999999", "4294967296", "2147483647", "65536", "1e9", "", "3.5"];

    /// <summary>Applies the mutation numbered <paramref name="caseSeed"/> to <paramref name="original"/>.</summary>
    public static Mutation Apply(ReadOnlySpan<byte> original, IReadOnlyList<HeaderField> fields, int caseSeed)
    {
        // System.Random with a seed uses the same generator on every .NET version, which keeps cases reproducible;
        // its first draws follow the seed closely, so consecutive case numbers are scrambled first.
        var rng = new Random(Scramble(caseSeed));
        var bytes = new List<byte>(original.Length + 64);
        bytes.AddRange(original);
        int steps = rng.Next(4) == 0 ? rng.Next(2, 4) : 1;
        var said = new List<string>(steps);
        for (int s = 0; s < steps; s++) said.Add(Step(bytes, fields, rng));
        return new Mutation([.. bytes], string.Join("; ", said));
    }

    private static int Scramble(int seed)
    {
        uint x = unchecked((uint)seed * 0x9E3779B1u);
        x ^= x >> 15; x = unchecked(x * 0x85EBCA77u); x ^= x >> 13;
        return (int)(x & 0x7FFFFFFF);
    }

    private static string Step(List<byte> b, IReadOnlyList<HeaderField> fields, Random rng)
    {
        if (b.Count == 0) { b.Add(InterestingBytes[rng.Next(InterestingBytes.Length)]); return "one byte into an empty file"; }
        // Header fields get the largest share: they hold the sizes and offsets that readers allocate and seek by.
        int op = rng.Next(fields.Count > 0 ? 10 : 7);
        switch (op)
        {
            case 0:
            {
                int flips = rng.Next(1, 9);
                int span = rng.Next(2) == 0 ? Math.Min(1024, b.Count) : b.Count;
                for (int i = 0; i < flips; i++) { int at = rng.Next(span); b[at] ^= (byte)(1 << rng.Next(8)); }
                return $"{flips} bit flip(s) in the first {span} bytes";
            }
            case 1:
            {
                int at = rng.Next(b.Count), count = Math.Min(rng.Next(1, 5), b.Count - at);
                byte value = InterestingBytes[rng.Next(InterestingBytes.Length)];
                for (int i = 0; i < count; i++) b[at + i] = value;
                return $"{count} byte(s) at {at} set to 0x{value:X2}";
            }
            case 2:
            {
                uint value = InterestingWords[rng.Next(InterestingWords.Length)];
                var kind = (FieldKind)rng.Next((int)FieldKind.UInt16LE, (int)FieldKind.UInt32BE + 1);
                int at = rng.Next(b.Count);
                Write(b, new HeaderField("word", at, kind), value);
                return $"{kind} 0x{value:X} at {at}";
            }
            case 3:
            {
                int keep = rng.Next(b.Count);
                b.RemoveRange(keep, b.Count - keep);
                return $"truncated to {keep} bytes";
            }
            case 4:
            {
                var (at, count) = Slice(b.Count, rng);
                var chunk = b.GetRange(at, count);
                int to = rng.Next(b.Count + 1);
                b.InsertRange(to, chunk);
                return $"{count} bytes from {at} duplicated at {to}";
            }
            case 5:
            {
                var (at, count) = Slice(b.Count, rng);
                b.RemoveRange(at, count);
                return $"{count} bytes removed at {at}";
            }
            case 6:
            {
                var junk = new byte[rng.Next(1, 65)];
                rng.NextBytes(junk);
                int at = rng.Next(b.Count + 1);
                b.InsertRange(at, junk);
                return $"{junk.Length} random bytes inserted at {at}";
            }
            default:
                return MutateField(b, fields[rng.Next(fields.Count)], rng);
        }
    }

    // Chunks are usually small (a tag, a segment) but sometimes large, as when a whole strip or slice moves.
    private static (int At, int Count) Slice(int length, Random rng)
    {
        int at = rng.Next(length);
        int max = length - at;
        int count = rng.Next(3) == 0 ? rng.Next(1, max + 1) : Math.Min(max, rng.Next(1, 65));
        return (at, count);
    }

    private static string MutateField(List<byte> b, HeaderField field, Random rng)
    {
        if (field.Offset + field.Size > b.Count) return $"{field.Name} out of reach";
        switch (field.Kind)
        {
            case FieldKind.Decimal:
            {
                string text = InterestingDecimals[rng.Next(InterestingDecimals.Length)];
                b.RemoveRange(field.Offset, field.Length);
                b.InsertRange(field.Offset, Encoding.ASCII.GetBytes(text));
                return $"{field.Name} = \"{text}\"";
            }
            case FieldKind.Float32LE:
            {
                float value = InterestingFloats[rng.Next(InterestingFloats.Length)];
                Write(b, field, BitConverter.SingleToUInt32Bits(value));
                return $"{field.Name} = {value.ToString(CultureInfo.InvariantCulture)}";
            }
            default:
            {
                uint old = Read(b, field);
                // Neighbours of the true value probe off-by-one checks; the rest probe overflow and huge allocations.
                uint value = rng.Next(5) switch
                {
                    0 => old + 1,
                    1 => old - 1,
                    2 => old << rng.Next(1, 17),
                    _ => InterestingWords[rng.Next(InterestingWords.Length)],
                };
                Write(b, field, value);
                return $"{field.Name} {old} -> {Read(b, field)}";
            }
        }
    }

    private static uint Read(List<byte> b, HeaderField f)
    {
        Span<byte> v = stackalloc byte[4];
        for (int i = 0; i < f.Size; i++) v[i] = b[f.Offset + i];
        return f.Kind switch
        {
            FieldKind.UInt8 => v[0],
            FieldKind.UInt16LE => BinaryPrimitives.ReadUInt16LittleEndian(v),
            FieldKind.UInt16BE => BinaryPrimitives.ReadUInt16BigEndian(v),
            FieldKind.UInt32BE => BinaryPrimitives.ReadUInt32BigEndian(v),
            _ => BinaryPrimitives.ReadUInt32LittleEndian(v),
        };
    }

    private static void Write(List<byte> b, HeaderField f, uint value)
    {
        Span<byte> v = stackalloc byte[4];
        switch (f.Kind)
        {
            case FieldKind.UInt8: v[0] = (byte)value; break;
            case FieldKind.UInt16LE: BinaryPrimitives.WriteUInt16LittleEndian(v, (ushort)value); break;
            case FieldKind.UInt16BE: BinaryPrimitives.WriteUInt16BigEndian(v, (ushort)value); break;
            case FieldKind.UInt32BE: BinaryPrimitives.WriteUInt32BigEndian(v, value); break;
            default: BinaryPrimitives.WriteUInt32LittleEndian(v, value); break;
        }
        for (int i = 0; i < f.Size && f.Offset + i < b.Count; i++) b[f.Offset + i] = v[i];
    }
}
