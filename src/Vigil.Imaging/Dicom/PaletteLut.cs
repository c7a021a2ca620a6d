using System.Buffers.Binary;

namespace Vigil.Imaging.Dicom;

/// <summary>The red, green and blue Palette Color Lookup Tables (PS3.3 C.7.6.3.1.5), reduced to 8 bits per entry.</summary>
internal sealed class PaletteLut
{
    private readonly byte[][] _channels;

    private PaletteLut(int firstMapped, byte[][] channels)
    {
        FirstMapped = firstMapped;
        _channels = channels;
    }

    /// <summary>The stored value mapped to the first entry.</summary>
    public int FirstMapped { get; }

    /// <summary>Writes the RGB colour of a stored value; values outside the table take the nearest end entry.</summary>
    public void Lookup(long value, Span<byte> rgb)
    {
        for (int c = 0; c < 3; c++)
        {
            var table = _channels[c];
            long index = Math.Clamp(value - FirstMapped, 0, table.Length - 1);
            rgb[c] = table[index];
        }
    }

    /// <exception cref="DicomException">The tables are missing, segmented or shorter than their descriptors say.</exception>
    public static PaletteLut Read(DicomDataSet dataSet, bool signed)
    {
        if (dataSet.Contains(DicomTag.SegmentedRedPaletteData))
            throw new DicomException("segmented Palette Color Lookup Tables are not supported");
        DicomTag[] descriptors = [DicomTag.RedPaletteDescriptor, DicomTag.GreenPaletteDescriptor, DicomTag.BluePaletteDescriptor];
        DicomTag[] data = [DicomTag.RedPaletteData, DicomTag.GreenPaletteData, DicomTag.BluePaletteData];
        string[] names = ["Red", "Green", "Blue"];
        var channels = new byte[3][];
        int firstMapped = 0;
        for (int c = 0; c < 3; c++)
        {
            var descriptor = dataSet.GetUInt16Values(descriptors[c]);
            if (descriptor.Length < 3) throw new DicomException($"PALETTE COLOR image lacks a valid {names[c]} Palette Color Lookup Table Descriptor {descriptors[c]}");
            int entries = descriptor[0] == 0 ? 65536 : descriptor[0];
            // The first mapped value is US or SS like the pixels.
            firstMapped = signed ? (short)descriptor[1] : descriptor[1];
            int bits = descriptor[2];
            if (bits is not (8 or 16)) throw new DicomException($"{names[c]} Palette Color Lookup Table has {bits}-bit entries (8 or 16 expected)");
            var element = dataSet.Get(data[c]) ?? throw new DicomException($"PALETTE COLOR image lacks {names[c]} Palette Color Lookup Table Data {data[c]}");
            channels[c] = ReadTable(dataSet.Bytes(element), entries, bits, dataSet.BigEndian, names[c]);
        }
        return new PaletteLut(firstMapped, channels);
    }

    private static byte[] ReadTable(ReadOnlySpan<byte> bytes, int entries, int bits, bool bigEndian, string name)
    {
        // 8-bit tables come either one entry per byte or one per 16-bit word.
        int width = bits == 8 && bytes.Length < 2 * entries ? 1 : 2;
        if (bytes.Length < entries * width)
            throw new DicomException($"{name} Palette Color Lookup Table Data holds {bytes.Length} bytes, {entries} entries need {entries * width}");
        var table = new byte[entries];
        for (int i = 0; i < entries; i++)
        {
            if (width == 1) { table[i] = bytes[i]; continue; }
            int word = bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(bytes[(2 * i)..]) : BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * i)..]);
            table[i] = bits == 16 ? (byte)((word + 128) / 257) : (byte)(word > 255 ? word >> 8 : word);
        }
        return table;
    }
}
