using System.Buffers.Binary;
using System.Text;

namespace Vigil.Imaging.Fuzzing;

/// <summary>
/// Finds, in a valid file of each format, the fields that declare sizes, counts, offsets and types: the values a
/// reader must check before it allocates or seeks. Walkers stop at the first thing they do not understand; a seed
/// with fewer fields is still mutated by the byte-level steps.
/// </summary>
public static class HeaderFields
{
    /// <summary>PNG: every chunk's length, and IHDR's width, height, bit depth, colour type and interlace method.</summary>
    public static IReadOnlyList<HeaderField> Png(byte[] b)
    {
        var fields = new List<HeaderField>();
        for (int at = 8; at + 12 <= b.Length;)
        {
            uint length = BinaryPrimitives.ReadUInt32BigEndian(b.AsSpan(at));
            string type = Encoding.ASCII.GetString(b, at + 4, 4);
            fields.Add(new($"{type} length", at, FieldKind.UInt32BE));
            if (type == "IHDR")
            {
                fields.Add(new("IHDR width", at + 8, FieldKind.UInt32BE));
                fields.Add(new("IHDR height", at + 12, FieldKind.UInt32BE));
                fields.Add(new("IHDR bit depth", at + 16, FieldKind.UInt8));
                fields.Add(new("IHDR colour type", at + 17, FieldKind.UInt8));
                fields.Add(new("IHDR interlace", at + 20, FieldKind.UInt8));
            }
            if (length > int.MaxValue - 12 - at) break;
            at += 12 + (int)length;
        }
        return fields;
    }

    /// <summary>JPEG: every segment length up to the scan, and the frame header's height, width and component count.</summary>
    public static IReadOnlyList<HeaderField> Jpeg(byte[] b)
    {
        var fields = new List<HeaderField>();
        for (int at = 2; at + 4 <= b.Length && b[at] == 0xFF;)
        {
            byte marker = b[at + 1];
            fields.Add(new($"segment FF{marker:X2} length", at + 2, FieldKind.UInt16BE));
            if (marker is >= 0xC0 and <= 0xC3)
            {
                fields.Add(new("frame height", at + 5, FieldKind.UInt16BE));
                fields.Add(new("frame width", at + 7, FieldKind.UInt16BE));
                fields.Add(new("frame components", at + 9, FieldKind.UInt8));
            }
            if (marker == 0xDA) break;
            at += 2 + BinaryPrimitives.ReadUInt16BigEndian(b.AsSpan(at + 2));
        }
        return fields;
    }

    /// <summary>BMP: file size, pixel offset, width, height, bits per pixel, compression and palette size.</summary>
    public static IReadOnlyList<HeaderField> Bmp(byte[] b) =>
    [
        new("file size", 2, FieldKind.UInt32LE), new("pixel offset", 10, FieldKind.UInt32LE), new("header size", 14, FieldKind.UInt32LE),
        new("width", 18, FieldKind.UInt32LE), new("height", 22, FieldKind.UInt32LE), new("bits per pixel", 28, FieldKind.UInt16LE),
        new("compression", 30, FieldKind.UInt32LE), new("image size", 34, FieldKind.UInt32LE), new("colours used", 46, FieldKind.UInt32LE),
    ];

    /// <summary>WebP: the RIFF size and every chunk's size.</summary>
    public static IReadOnlyList<HeaderField> WebP(byte[] b)
    {
        var fields = new List<HeaderField> { new("RIFF size", 4, FieldKind.UInt32LE) };
        for (int at = 12; at + 8 <= b.Length;)
        {
            uint size = BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(at + 4));
            fields.Add(new($"{Encoding.ASCII.GetString(b, at, 4)} size", at + 4, FieldKind.UInt32LE));
            if (size > int.MaxValue - 9 - at) break;
            at += 8 + (int)((size + 1) & ~1u);
        }
        return fields;
    }

    /// <summary>TIFF: the first IFD's offset, entry count, and each entry's type, count and value.</summary>
    public static IReadOnlyList<HeaderField> Tiff(byte[] b)
    {
        if (b.Length < 8) return [];
        bool big = b[0] == (byte)'M';
        var k16 = big ? FieldKind.UInt16BE : FieldKind.UInt16LE;
        var k32 = big ? FieldKind.UInt32BE : FieldKind.UInt32LE;
        var fields = new List<HeaderField> { new("IFD offset", 4, k32) };
        uint ifd = big ? BinaryPrimitives.ReadUInt32BigEndian(b.AsSpan(4)) : BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(4));
        if (ifd + 2 > b.Length) return fields;
        int at = (int)ifd;
        int entries = big ? BinaryPrimitives.ReadUInt16BigEndian(b.AsSpan(at)) : BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(at));
        fields.Add(new("IFD entry count", at, k16));
        for (int i = 0; i < entries && at + 2 + 12 * (i + 1) <= b.Length; i++)
        {
            int e = at + 2 + 12 * i;
            int tag = big ? BinaryPrimitives.ReadUInt16BigEndian(b.AsSpan(e)) : BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(e));
            fields.Add(new($"tag {tag} type", e + 2, k16));
            fields.Add(new($"tag {tag} count", e + 4, k32));
            fields.Add(new($"tag {tag} value", e + 8, k32));
            fields.Add(new($"tag {tag} short value", e + 8, k16));
        }
        return fields;
    }

    /// <summary>
    /// DICOM (little-endian files): the values and lengths of the image pixel module's elements and of pixel data,
    /// found by their tag bytes. Explicit and implicit VR both put a short value 8 bytes after the tag.
    /// </summary>
    public static IReadOnlyList<HeaderField> Dicom(byte[] b)
    {
        var fields = new List<HeaderField>();
        (string Name, ushort Group, ushort Element)[] tags =
        [
            ("samples per pixel", 0x0028, 0x0002), ("planar configuration", 0x0028, 0x0006), ("rows", 0x0028, 0x0010),
            ("columns", 0x0028, 0x0011), ("bits allocated", 0x0028, 0x0100), ("bits stored", 0x0028, 0x0101),
            ("high bit", 0x0028, 0x0102), ("pixel representation", 0x0028, 0x0103), ("number of frames", 0x0028, 0x0008),
            ("pixel data", 0x7FE0, 0x0010), ("transfer syntax", 0x0002, 0x0010), ("meta group length", 0x0002, 0x0000),
        ];
        Span<byte> pattern = stackalloc byte[4];
        foreach (var (name, group, element) in tags)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(pattern, group);
            BinaryPrimitives.WriteUInt16LittleEndian(pattern[2..], element);
            int at = b.AsSpan().IndexOf(pattern);
            if (at < 0 || at + 12 > b.Length) continue;
            fields.Add(new($"{name} length", at + 4, FieldKind.UInt32LE));
            fields.Add(new($"{name} short length", at + 6, FieldKind.UInt16LE));
            fields.Add(new($"{name} value", at + 8, FieldKind.UInt16LE));
            fields.Add(new($"{name} long length", at + 8, FieldKind.UInt32LE));
        }
        return fields;
    }

    /// <summary>NIfTI-1 (uncompressed header): sizeof_hdr, every dim, datatype, bitpix, vox_offset and the scaling.</summary>
    public static IReadOnlyList<HeaderField> Nifti(byte[] b)
    {
        var fields = new List<HeaderField> { new("sizeof_hdr", 0, FieldKind.UInt32LE) };
        for (int i = 0; i < 8; i++) fields.Add(new($"dim[{i}]", 40 + 2 * i, FieldKind.UInt16LE));
        fields.Add(new("datatype", 70, FieldKind.UInt16LE));
        fields.Add(new("bitpix", 72, FieldKind.UInt16LE));
        fields.Add(new("vox_offset", 108, FieldKind.Float32LE));
        fields.Add(new("scl_slope", 112, FieldKind.Float32LE));
        fields.Add(new("scl_inter", 116, FieldKind.Float32LE));
        fields.Add(new("pixdim[1]", 80, FieldKind.Float32LE));
        return fields;
    }

    /// <summary>NPY: the header length and every number in the header text (the shape, mostly).</summary>
    public static IReadOnlyList<HeaderField> Npy(byte[] b) => NpyAt(b, 0, "");

    /// <summary>NPZ: the zip sizes, offsets and name lengths of every entry and of the directory, and each member's npy header.</summary>
    public static IReadOnlyList<HeaderField> Npz(byte[] b)
    {
        var fields = new List<HeaderField>();
        var span = b.AsSpan();
        for (int at = span.IndexOf("PK\x03\x04"u8); at >= 0 && at + 30 <= b.Length;)
        {
            fields.Add(new("local compressed size", at + 18, FieldKind.UInt32LE));
            fields.Add(new("local size", at + 22, FieldKind.UInt32LE));
            fields.Add(new("local name length", at + 26, FieldKind.UInt16LE));
            fields.Add(new("local compression", at + 8, FieldKind.UInt16LE));
            // np.savez stores members uncompressed, so each member's npy header is visible right after its name.
            int data = at + 30 + BinaryPrimitives.ReadUInt16LittleEndian(span[(at + 26)..]) + BinaryPrimitives.ReadUInt16LittleEndian(span[(at + 28)..]);
            if (data + 10 < b.Length && b[data] == 0x93) fields.AddRange(NpyAt(b, data, "member "));
            int next = span[(at + 4)..].IndexOf("PK\x03\x04"u8);
            at = next < 0 ? -1 : at + 4 + next;
        }
        for (int at = span.IndexOf("PK\x01\x02"u8); at >= 0 && at + 46 <= b.Length;)
        {
            fields.Add(new("directory compressed size", at + 20, FieldKind.UInt32LE));
            fields.Add(new("directory size", at + 24, FieldKind.UInt32LE));
            fields.Add(new("directory name length", at + 28, FieldKind.UInt16LE));
            fields.Add(new("directory local offset", at + 42, FieldKind.UInt32LE));
            int next = span[(at + 4)..].IndexOf("PK\x01\x02"u8);
            at = next < 0 ? -1 : at + 4 + next;
        }
        int end = span.LastIndexOf("PK\x05\x06"u8);
        if (end >= 0 && end + 22 <= b.Length)
        {
            fields.Add(new("entry count", end + 10, FieldKind.UInt16LE));
            fields.Add(new("directory length", end + 12, FieldKind.UInt32LE));
            fields.Add(new("directory offset", end + 16, FieldKind.UInt32LE));
        }
        return fields;
    }

    /// <summary>IDX: the type code, the rank and every dimension.</summary>
    public static IReadOnlyList<HeaderField> Idx(byte[] b)
    {
        var fields = new List<HeaderField> { new("type code", 2, FieldKind.UInt8), new("rank", 3, FieldKind.UInt8) };
        for (int i = 0; i < (b.Length > 3 ? b[3] : 0) && 8 + 4 * i <= b.Length; i++) fields.Add(new($"dimension {i}", 4 + 4 * i, FieldKind.UInt32BE));
        return fields;
    }

    private static List<HeaderField> NpyAt(byte[] b, int start, string prefix)
    {
        var fields = new List<HeaderField> { new($"{prefix}npy header length", start + 8, FieldKind.UInt16LE), new($"{prefix}npy version", start + 6, FieldKind.UInt8) };
        if (start + 10 > b.Length) return fields;
        int end = Math.Min(b.Length, start + 10 + BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(start + 8)));
        for (int i = start + 10; i < end; i++)
        {
            if (!char.IsAsciiDigit((char)b[i])) continue;
            int j = i;
            while (j < end && char.IsAsciiDigit((char)b[j])) j++;
            fields.Add(new($"{prefix}npy header number at {i - start}", i, FieldKind.Decimal, j - i));
            i = j;
        }
        return fields;
    }
}
