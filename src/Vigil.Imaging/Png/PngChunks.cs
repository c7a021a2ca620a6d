using System.Buffers.Binary;
using System.IO.Hashing;

namespace Vigil.Imaging.Png;

/// <summary>
/// The chunks of a PNG file that decoding needs, located (not copied) after every chunk's CRC has been checked.
/// </summary>
internal sealed class PngChunks
{
    private static ReadOnlySpan<byte> Signature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private PngChunks(PngHeader header) => Header = header;

    /// <summary>The image header.</summary>
    public PngHeader Header { get; }
    /// <summary>(offset, length) of each IDAT payload, in order.</summary>
    public List<(int Offset, int Length)> Idat { get; } = [];
    /// <summary>Total compressed bytes over all IDAT chunks.</summary>
    public long IdatBytes { get; private set; }
    /// <summary>(offset, length) of the PLTE payload; length 0 when absent.</summary>
    public (int Offset, int Length) Palette { get; private set; }
    /// <summary>(offset, length) of the tRNS payload; length 0 when absent.</summary>
    public (int Offset, int Length) Transparency { get; private set; }

    /// <summary>True when the first bytes are the PNG signature.</summary>
    public static bool HasSignature(ReadOnlySpan<byte> head) => head.StartsWith(Signature);

    /// <summary>Walks every chunk up to IEND, checking lengths, CRCs and ordering.</summary>
    public static PngChunks Parse(ReadOnlySpan<byte> file, string path)
    {
        if (!HasSignature(file)) throw new ImageFormatException(path, "not a PNG file (signature missing)");
        PngChunks? chunks = null;
        int offset = Signature.Length;
        bool seenIdat = false, idatEnded = false;
        while (true)
        {
            if (file.Length - offset < 12) throw new ImageFormatException(path, "PNG file is truncated (no IEND chunk)");
            uint length = BinaryPrimitives.ReadUInt32BigEndian(file[offset..]);
            var type = file.Slice(offset + 4, 4);
            if (length > int.MaxValue || length > file.Length - offset - 12)
                throw new ImageFormatException(path, $"PNG chunk '{Name(type)}' at byte {offset} declares {length} bytes, beyond the end of the file");
            int dataOffset = offset + 8, dataLength = (int)length;
            var data = file.Slice(dataOffset, dataLength);
            uint stored = BinaryPrimitives.ReadUInt32BigEndian(file[(dataOffset + dataLength)..]);
            if (Crc32.HashToUInt32(file.Slice(offset + 4, dataLength + 4)) != stored)
                throw new ImageFormatException(path, $"PNG chunk '{Name(type)}' at byte {offset} has a bad CRC (file is corrupt)");
            offset = dataOffset + dataLength + 4;

            if (chunks is null)
            {
                if (!type.SequenceEqual("IHDR"u8)) throw new ImageFormatException(path, "PNG does not start with an IHDR chunk");
                chunks = new PngChunks(PngHeader.Parse(data, path));
                continue;
            }
            if (type.SequenceEqual("IDAT"u8))
            {
                if (idatEnded) throw new ImageFormatException(path, "PNG IDAT chunks are not consecutive");
                if (dataLength > 0) chunks.Idat.Add((dataOffset, dataLength));
                chunks.IdatBytes += dataLength;
                seenIdat = true;
                continue;
            }
            idatEnded = seenIdat;
            if (type.SequenceEqual("IEND"u8)) break;
            if (type.SequenceEqual("PLTE"u8))
            {
                if (seenIdat) throw new ImageFormatException(path, "PNG PLTE chunk comes after the image data");
                if (dataLength == 0 || dataLength % 3 != 0 || dataLength > 768)
                    throw new ImageFormatException(path, $"PNG PLTE chunk has {dataLength} bytes, not 1 to 256 RGB entries");
                chunks.Palette = (dataOffset, dataLength);
            }
            else if (type.SequenceEqual("tRNS"u8)) chunks.Transparency = (dataOffset, dataLength);
            else if (char.IsAsciiLetterUpper((char)type[0]))
                throw new ImageFormatException(path, $"PNG has an unknown critical chunk '{Name(type)}'");
        }
        if (!seenIdat) throw new ImageFormatException(path, "PNG has no image data (IDAT)");
        if (chunks!.Header.ColorType == PngHeader.Palette && chunks.Palette.Length == 0)
            throw new ImageFormatException(path, "palette PNG has no PLTE chunk");
        return chunks;
    }

    private static string Name(ReadOnlySpan<byte> type)
    {
        Span<char> chars = stackalloc char[4];
        for (int i = 0; i < 4; i++) chars[i] = type[i] is >= 0x20 and < 0x7F ? (char)type[i] : '?';
        return new string(chars);
    }
}
