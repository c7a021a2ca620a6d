using System.Buffers.Binary;
using System.Text;

namespace Vigil.Imaging.Numpy;

/// <summary>The header of a .npy array (format versions 1, 2 and 3): sample type, memory order and shape.</summary>
internal sealed record NpyHeader(ElementType Element, bool FortranOrder, long[] Shape, int HeaderBytes)
{
    private const int MaxHeaderText = 1 << 16;
    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Number of elements (product of the shape; 1 for a 0-d array).</summary>
    public long Count => Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>Bytes of array data after the header.</summary>
    public long DataBytes => Count * Element.Size;

    /// <summary>True when the bytes start with the .npy magic string.</summary>
    public static bool HasMagic(ReadOnlySpan<byte> head) => head.StartsWith(Magic);

    /// <summary>Reads the header from the start of a stream, leaving it at the first data byte.</summary>
    public static NpyHeader Read(Stream stream, string path, string what)
    {
        Span<byte> prefix = stackalloc byte[10];
        StreamIo.ReadExactly(stream, prefix, path, what + " header");
        if (!HasMagic(prefix)) throw new ImageFormatException(path, $"{what} is not a NumPy .npy array (magic missing)");
        int major = prefix[6];
        int textLength, fixedBytes;
        if (major == 1) { textLength = BinaryPrimitives.ReadUInt16LittleEndian(prefix[8..]); fixedBytes = 10; }
        else if (major is 2 or 3)
        {
            Span<byte> more = stackalloc byte[2];
            StreamIo.ReadExactly(stream, more, path, what + " header");
            uint length = BinaryPrimitives.ReadUInt32LittleEndian([prefix[8], prefix[9], more[0], more[1]]);
            if (length > MaxHeaderText) throw new ImageFormatException(path, $"{what} header declares {length} bytes, more than any real header");
            textLength = (int)length; fixedBytes = 12;
        }
        else throw new ImageFormatException(path, $"{what} uses .npy format version {major}, expected 1, 2 or 3");

        var text = new byte[textLength];
        StreamIo.ReadExactly(stream, text, path, what + " header");
        var encoding = major == 3 ? Encoding.UTF8 : Encoding.Latin1;
        return Parse(encoding.GetString(text), fixedBytes + textLength, path, what);
    }

    private static NpyHeader Parse(string text, int headerBytes, string path, string what)
    {
        Dictionary<string, object> dict;
        try { dict = PythonLiteral.ParseDict(text); }
        catch (FormatException e) { throw new ImageFormatException(path, $"{what} header is malformed: {e.Message}", e); }
        if (!dict.TryGetValue("descr", out var descr)) throw new ImageFormatException(path, $"{what} header has no 'descr'");
        if (descr is not string descrText)
            throw new ImageFormatException(path, $"{what} holds a structured (record) array, which is not an image");
        if (!dict.TryGetValue("fortran_order", out var order) || order is not bool fortran)
            throw new ImageFormatException(path, $"{what} header has no boolean 'fortran_order'");
        if (!dict.TryGetValue("shape", out var shapeValue) || shapeValue is not List<object> shapeItems)
            throw new ImageFormatException(path, $"{what} header has no 'shape' tuple");
        var shape = new long[shapeItems.Count];
        for (int i = 0; i < shape.Length; i++)
        {
            if (shapeItems[i] is not long n || n < 0) throw new ImageFormatException(path, $"{what} shape has an invalid dimension");
            shape[i] = n;
        }
        var header = new NpyHeader(ParseDescr(descrText, path, what), fortran, shape, headerBytes);
        // Products that overflow are as impossible as the data they would describe.
        long count = 1;
        foreach (var n in shape)
            if (n != 0 && count > long.MaxValue / 8 / n) throw new ImageFormatException(path, $"{what} shape ({string.Join(", ", shape)}) is impossibly large");
            else count *= n;
        return header;
    }

    /// <summary>Maps a NumPy type string ("&lt;u2", "|b1", "&gt;f8") to an element type.</summary>
    public static ElementType ParseDescr(string descr, string path, string what)
    {
        if (descr.Length < 2) throw new ImageFormatException(path, $"{what} has an unknown dtype '{descr}'");
        int start = descr[0] is '<' or '>' or '|' or '=' ? 1 : 0;
        bool big = descr[0] == '>';
        var body = descr[start..];
        ElementKind? kind = body switch
        {
            "b1" or "?" => ElementKind.Bool,
            "u1" => ElementKind.UInt8, "i1" => ElementKind.Int8,
            "u2" => ElementKind.UInt16, "i2" => ElementKind.Int16,
            "u4" => ElementKind.UInt32, "i4" => ElementKind.Int32,
            "u8" => ElementKind.UInt64, "i8" => ElementKind.Int64,
            "f2" => ElementKind.Float16, "f4" => ElementKind.Float32, "f8" => ElementKind.Float64,
            _ => null,
        };
        if (kind is null)
        {
            string why = body.Length > 0 && body[0] == 'O' ? "object arrays are pickled Python objects and are not read"
                : body.Length > 0 && body[0] is 'S' or 'U' ? "string arrays are not images"
                : body.Length > 0 && body[0] == 'c' ? "complex samples are not supported"
                : "unsupported sample type";
            throw new ImageFormatException(path, $"{what} has dtype '{descr}': {why}");
        }
        return new ElementType(kind.Value, big);
    }
}
