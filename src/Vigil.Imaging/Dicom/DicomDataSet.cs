using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Vigil.Imaging.Dicom;

/// <summary>One element of a data set: where its value lies in the data set's buffer.</summary>
/// <param name="Tag">The attribute.</param>
/// <param name="Vr">The explicit VR, or null when the encoding is implicit (the reader asks for the type it expects).</param>
/// <param name="Offset">Start of the value in the buffer.</param>
/// <param name="Length">Value length in bytes (never undefined here: sequences are skipped, not stored).</param>
internal sealed record DicomElement(DicomTag Tag, string? Vr, int Offset, int Length);

/// <summary>
/// The top-level elements of a data set (nested sequences are skipped, not kept), over the buffer they were read from.
/// Values are decoded on demand, in the types the caller expects, so implicit-VR files need no data dictionary.
/// </summary>
internal sealed class DicomDataSet(byte[] buffer, bool bigEndian)
{
    private readonly Dictionary<uint, DicomElement> _elements = [];

    /// <summary>The bytes the element offsets point into.</summary>
    public byte[] Buffer { get; } = buffer;

    /// <summary>True for Explicit VR Big Endian data sets.</summary>
    public bool BigEndian { get; } = bigEndian;

    /// <summary>Character set for text values (from Specific Character Set; Latin-1 until known).</summary>
    public Encoding Charset { get; set; } = Encoding.Latin1;

    /// <summary>Encapsulated pixel data fragments, when the pixel data is encapsulated.</summary>
    public EncapsulatedPixelData? Fragments { get; set; }

    /// <summary>Number of elements kept.</summary>
    public int Count => _elements.Count;

    /// <summary>Keeps the first occurrence of a tag (a repeated tag is a writer bug; the first is what most readers use).</summary>
    public void Add(DicomElement element) => _elements.TryAdd(element.Tag.Value, element);

    public bool Contains(DicomTag tag) => _elements.ContainsKey(tag.Value);

    public DicomElement? Get(DicomTag tag) => _elements.GetValueOrDefault(tag.Value);

    public ReadOnlySpan<byte> Bytes(DicomElement element) => Buffer.AsSpan(element.Offset, element.Length);

    /// <summary>A text value with padding (spaces, NULs) trimmed; null when absent or empty.</summary>
    public string? GetString(DicomTag tag)
    {
        var element = Get(tag);
        if (element is null) return null;
        var text = Charset.GetString(Bytes(element)).Trim(' ', '\0');
        return text.Length == 0 ? null : text;
    }

    /// <summary>The values of a multi-valued text element, each trimmed.</summary>
    public string[] GetStrings(DicomTag tag)
    {
        var text = GetString(tag);
        return text is null ? [] : text.Split('\\').Select(v => v.Trim(' ', '\0')).ToArray();
    }

    /// <summary>First value of a US element; null when absent or shorter than two bytes.</summary>
    public int? GetUInt16(DicomTag tag)
    {
        var element = Get(tag);
        if (element is null || element.Length < 2) return null;
        var bytes = Bytes(element);
        return BigEndian ? BinaryPrimitives.ReadUInt16BigEndian(bytes) : BinaryPrimitives.ReadUInt16LittleEndian(bytes);
    }

    /// <summary>Every value of a US/SS element, read as unsigned.</summary>
    public int[] GetUInt16Values(DicomTag tag)
    {
        var element = Get(tag);
        if (element is null) return [];
        var bytes = Bytes(element);
        var values = new int[bytes.Length / 2];
        for (int i = 0; i < values.Length; i++)
            values[i] = BigEndian ? BinaryPrimitives.ReadUInt16BigEndian(bytes[(2 * i)..]) : BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * i)..]);
        return values;
    }

    /// <summary>An IS (integer string) value; null when absent.</summary>
    /// <exception cref="DicomException">The value is present but not an integer.</exception>
    public long? GetIntegerString(DicomTag tag, string name)
    {
        var text = GetString(tag);
        if (text is null) return null;
        var first = text.Split('\\')[0].Trim();
        if (long.TryParse(first, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)) return value;
        throw new DicomException($"{name} {tag} is '{Shorten(text)}', not an integer");
    }

    /// <summary>The values of a DS (decimal string) element; unparsable values become NaN.</summary>
    public double[] GetDecimals(DicomTag tag) =>
        GetStrings(tag).Select(v => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) ? d : double.NaN).ToArray();

    /// <summary>Cuts a value for an error message so hostile files cannot flood logs.</summary>
    public static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
