using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Vigil.Imaging.Tests.Dicom;

/// <summary>
/// Test-only DICOM writer: builds small Part 10 files element by element in any of the four classic encodings,
/// with sequences (defined or undefined length), native or encapsulated pixel data, with or without preamble/meta.
/// Elements are written in the order added, so tests can also write deliberately odd files.
/// </summary>
public sealed class DicomTestWriter
{
    public const string ImplicitLittle = "1.2.840.10008.1.2";
    public const string ExplicitLittle = "1.2.840.10008.1.2.1";
    public const string DeflatedLittle = "1.2.840.10008.1.2.1.99";
    public const string ExplicitBig = "1.2.840.10008.1.2.2";
    public const string Rle = "1.2.840.10008.1.2.5";

    private readonly List<Func<Encoding, byte[]>> _elements = [];

    /// <summary>How the data set is encoded.</summary>
    public sealed record Encoding(bool Explicit, bool BigEndian);

    public static Encoding EncodingOf(string transferSyntax) => transferSyntax switch
    {
        ImplicitLittle => new(false, false),
        ExplicitBig => new(true, true),
        _ => new(true, false),
    };

    /// <summary>A text element, UTF-8 encoded (padded to even length with a space, or NUL for UI).</summary>
    public DicomTestWriter Text(ushort group, ushort element, string vr, string value)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(value);
        if (bytes.Length % 2 == 1) bytes = [.. bytes, vr == "UI" ? (byte)0 : (byte)' '];
        return Raw(group, element, vr, bytes);
    }

    /// <summary>A US element with one or more values.</summary>
    public DicomTestWriter UShort(ushort group, ushort element, params ushort[] values)
    {
        _elements.Add(e =>
        {
            var bytes = new byte[values.Length * 2];
            for (int i = 0; i < values.Length; i++)
                if (e.BigEndian) BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(2 * i), values[i]);
                else BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2 * i), values[i]);
            return Header(e, group, element, "US", (uint)bytes.Length).Concat(bytes).ToArray();
        });
        return this;
    }

    /// <summary>An element whose value bytes are given as is (already in the file's byte order).</summary>
    public DicomTestWriter Raw(ushort group, ushort element, string vr, byte[] value, uint? declaredLength = null)
    {
        _elements.Add(e => Header(e, group, element, vr, declaredLength ?? (uint)value.Length).Concat(value).ToArray());
        return this;
    }

    /// <summary>A sequence of items, each a nested writer; lengths defined or undefined.</summary>
    public DicomTestWriter Sequence(ushort group, ushort element, bool undefinedLength, params DicomTestWriter[] items)
    {
        _elements.Add(e =>
        {
            using var body = new MemoryStream();
            foreach (var item in items)
            {
                var content = item.DataSet(e);
                body.Write(ItemHeader(e, 0xE000, undefinedLength ? 0xFFFFFFFF : (uint)content.Length));
                body.Write(content);
                if (undefinedLength) body.Write(ItemHeader(e, 0xE00D, 0));
            }
            if (undefinedLength) body.Write(ItemHeader(e, 0xE0DD, 0));
            var bytes = body.ToArray();
            return Header(e, group, element, "SQ", undefinedLength ? 0xFFFFFFFF : (uint)bytes.Length).Concat(bytes).ToArray();
        });
        return this;
    }

    /// <summary>Encapsulated pixel data: a Basic Offset Table (possibly empty) and fragments.</summary>
    public DicomTestWriter Encapsulated(IReadOnlyList<byte[]> fragments, uint[]? offsetTable = null)
    {
        _elements.Add(e =>
        {
            using var body = new MemoryStream();
            var table = (offsetTable ?? []).SelectMany(o => BitConverter.GetBytes(o)).ToArray();
            body.Write(ItemHeader(e, 0xE000, (uint)table.Length));
            body.Write(table);
            foreach (var fragment in fragments)
            {
                var padded = fragment.Length % 2 == 0 ? fragment : [.. fragment, 0];
                body.Write(ItemHeader(e, 0xE000, (uint)padded.Length));
                body.Write(padded);
            }
            body.Write(ItemHeader(e, 0xE0DD, 0));
            return Header(e, 0x7FE0, 0x0010, "OB", 0xFFFFFFFF).Concat(body.ToArray()).ToArray();
        });
        return this;
    }

    /// <summary>The common image pixel module for a single-sample image.</summary>
    public DicomTestWriter Image(int rows, int columns, int bitsAllocated, int bitsStored, bool signed, string photometric = "MONOCHROME2", int samples = 1, int planar = 0)
    {
        UShort(0x0028, 0x0002, (ushort)samples);
        Text(0x0028, 0x0004, "CS", photometric);
        if (samples > 1) UShort(0x0028, 0x0006, (ushort)planar);
        UShort(0x0028, 0x0010, (ushort)rows);
        UShort(0x0028, 0x0011, (ushort)columns);
        UShort(0x0028, 0x0100, (ushort)bitsAllocated);
        UShort(0x0028, 0x0101, (ushort)bitsStored);
        UShort(0x0028, 0x0102, (ushort)(bitsStored - 1));
        UShort(0x0028, 0x0103, signed ? (ushort)1 : (ushort)0);
        return this;
    }

    /// <summary>The encoded data set (no preamble, no meta).</summary>
    public byte[] DataSet(Encoding encoding) => _elements.SelectMany(f => f(encoding)).ToArray();

    /// <summary>A complete file: preamble, "DICM", meta group naming the transfer syntax, then the data set.</summary>
    public byte[] Build(string transferSyntax = ExplicitLittle, bool preamble = true, bool meta = true)
    {
        var dataSet = DataSet(EncodingOf(transferSyntax));
        if (transferSyntax == DeflatedLittle)
        {
            using var compressed = new MemoryStream();
            using (var deflate = new DeflateStream(compressed, CompressionLevel.Optimal, leaveOpen: true)) deflate.Write(dataSet);
            dataSet = compressed.ToArray();
        }
        using var file = new MemoryStream();
        if (preamble) { file.Write(new byte[128]); file.Write("DICM"u8); }
        if (meta) file.Write(MetaGroup(transferSyntax));
        file.Write(dataSet);
        return file.ToArray();
    }

    /// <summary>Writes <see cref="Build"/> to a file and returns its path.</summary>
    public string Save(string path, string transferSyntax = ExplicitLittle, bool preamble = true, bool meta = true)
    {
        File.WriteAllBytes(path, Build(transferSyntax, preamble, meta));
        return path;
    }

    private static byte[] MetaGroup(string transferSyntax)
    {
        var meta = new DicomTestWriter()
            .Raw(0x0002, 0x0001, "OB", [0, 1])
            .Text(0x0002, 0x0002, "UI", "1.2.840.10008.5.1.4.1.1.7")
            .Text(0x0002, 0x0003, "UI", "1.2.3.4.5.6.7")
            .Text(0x0002, 0x0010, "UI", transferSyntax)
            .DataSet(new Encoding(true, false));
        var length = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)meta.Length);
        var groupLength = Header(new Encoding(true, false), 0x0002, 0x0000, "UL", 4).Concat(length);
        return groupLength.Concat(meta).ToArray();
    }

    private static byte[] Header(Encoding e, ushort group, ushort element, string vr, uint length)
    {
        var header = new List<byte>();
        header.AddRange(U16(e, group));
        header.AddRange(U16(e, element));
        if (!e.Explicit) return [.. header, .. U32(e, length)];
        header.AddRange(System.Text.Encoding.ASCII.GetBytes(vr));
        bool longForm = vr is "OB" or "OD" or "OF" or "OL" or "OV" or "OW" or "SQ" or "SV" or "UC" or "UN" or "UR" or "UT" or "UV";
        return longForm ? [.. header, 0, 0, .. U32(e, length)] : [.. header, .. U16(e, (ushort)length)];
    }

    private static byte[] ItemHeader(Encoding e, ushort element, uint length) => [.. U16(e, 0xFFFE), .. U16(e, element), .. U32(e, length)];

    private static byte[] U16(Encoding e, ushort v)
    {
        var b = new byte[2];
        if (e.BigEndian) BinaryPrimitives.WriteUInt16BigEndian(b, v); else BinaryPrimitives.WriteUInt16LittleEndian(b, v);
        return b;
    }

    private static byte[] U32(Encoding e, uint v)
    {
        var b = new byte[4];
        if (e.BigEndian) BinaryPrimitives.WriteUInt32BigEndian(b, v); else BinaryPrimitives.WriteUInt32LittleEndian(b, v);
        return b;
    }

    /// <summary>16-bit samples as pixel-data bytes in the given byte order.</summary>
    public static byte[] Words(IEnumerable<int> samples, bool bigEndian = false)
    {
        var list = samples.ToArray();
        var bytes = new byte[list.Length * 2];
        for (int i = 0; i < list.Length; i++)
            if (bigEndian) BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(2 * i), (ushort)list[i]);
            else BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2 * i), (ushort)list[i]);
        return bytes;
    }

    /// <summary>
    /// RLE Lossless encoding of one frame (PS3.5 Annex G), written independently of the reader's decoder:
    /// byte planes most significant first, each PackBits-coded with runs and literals.
    /// </summary>
    public static byte[] RleFrame(byte[] littleEndianInterleaved, int pixels, int samples, int bytesPerSample)
    {
        int segments = samples * bytesPerSample;
        var encoded = new List<byte[]>();
        for (int s = 0; s < samples; s++)
            for (int b = bytesPerSample - 1; b >= 0; b--) // most significant byte first
            {
                var plane = new byte[pixels];
                for (int p = 0; p < pixels; p++) plane[p] = littleEndianInterleaved[(p * samples + s) * bytesPerSample + b];
                var packed = PackBits(plane);
                if (packed.Length % 2 == 1) packed = [.. packed, 0x80]; // -128 is a no-op: even-length padding
                encoded.Add(packed);
            }
        var header = new byte[64];
        BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)segments);
        int offset = 64;
        for (int k = 0; k < segments; k++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4 + 4 * k), (uint)offset);
            offset += encoded[k].Length;
        }
        return [.. header, .. encoded.SelectMany(x => x)];
    }

    private static byte[] PackBits(byte[] data)
    {
        var output = new List<byte>();
        int i = 0;
        while (i < data.Length)
        {
            int run = 1;
            while (i + run < data.Length && run < 128 && data[i + run] == data[i]) run++;
            if (run >= 2)
            {
                output.Add((byte)(sbyte)(1 - run));
                output.Add(data[i]);
                i += run;
                continue;
            }
            int start = i;
            while (i < data.Length && i - start < 128 && (i + 1 >= data.Length || data[i + 1] != data[i])) i++;
            if (i == start) i++;
            output.Add((byte)(i - start - 1));
            for (int j = start; j < i; j++) output.Add(data[j]);
        }
        return [.. output];
    }
}
