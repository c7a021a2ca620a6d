using System.Buffers.Binary;

namespace Vigil.Imaging.Png;

/// <summary>
/// Turns one reconstructed PNG row into <see cref="ImageFrame"/> samples: grey stays 1 channel, colour and
/// palette become 3 (a palette of greys becomes 1); bit depths below 8 are scaled to 0..255; 16-bit samples are kept
/// and stored little-endian; alpha (an alpha channel, or tRNS) is composited onto black, then dropped.
/// </summary>
internal sealed class PngRowConverter
{
    private readonly PngHeader _header;
    private readonly byte[]? _lut;          // palette: 256 entries of OutChannels bytes, already composited
    private readonly int _transparent = -1; // grey tRNS value, or -1
    private readonly int _transparentR = -1, _transparentG = -1, _transparentB = -1;

    public PngRowConverter(PngHeader header, ReadOnlySpan<byte> palette, ReadOnlySpan<byte> transparency)
    {
        _header = header;
        OutBitDepth = header.BitDepth == 16 ? 16 : 8;
        OutChannels = header.ColorType is PngHeader.Grey or PngHeader.GreyAlpha ? 1 : 3;
        switch (header.ColorType)
        {
            case PngHeader.Palette:
                _lut = BuildPalette(palette, transparency, out bool grey);
                OutChannels = grey ? 1 : 3;
                break;
            case PngHeader.Grey when transparency.Length >= 2:
                _transparent = BinaryPrimitives.ReadUInt16BigEndian(transparency);
                break;
            case PngHeader.Rgb when transparency.Length >= 6:
                _transparentR = BinaryPrimitives.ReadUInt16BigEndian(transparency);
                _transparentG = BinaryPrimitives.ReadUInt16BigEndian(transparency[2..]);
                _transparentB = BinaryPrimitives.ReadUInt16BigEndian(transparency[4..]);
                break;
        }
    }

    /// <summary>1 or 3.</summary>
    public int OutChannels { get; }
    /// <summary>8 or 16.</summary>
    public int OutBitDepth { get; }
    /// <summary>Bytes per output pixel.</summary>
    public int OutPixelBytes => OutChannels * OutBitDepth / 8;

    /// <summary>Converts <paramref name="width"/> pixels of <paramref name="row"/> into <paramref name="output"/>.</summary>
    public void Convert(ReadOnlySpan<byte> row, int width, Span<byte> output)
    {
        int depth = _header.BitDepth;
        switch (_header.ColorType)
        {
            case PngHeader.Grey when depth == 8:
                row[..width].CopyTo(output);
                if (_transparent is >= 0 and <= 255) ClearMatching8(output[..width], (byte)_transparent);
                break;
            case PngHeader.Grey when depth == 16:
                Swap16(row[..(2 * width)], output);
                if (_transparent >= 0) ClearMatching16(output[..(2 * width)], (ushort)_transparent);
                break;
            case PngHeader.Grey:
                UnpackGrey(row, width, depth, output);
                break;
            case PngHeader.Rgb when depth == 8:
                row[..(3 * width)].CopyTo(output);
                if (_transparentR >= 0) ClearMatchingRgb(output, width, 1);
                break;
            case PngHeader.Rgb:
                Swap16(row[..(6 * width)], output);
                if (_transparentR >= 0) ClearMatchingRgb(output, width, 2);
                break;
            case PngHeader.Palette:
                ExpandPalette(row, width, depth, output);
                break;
            default: // grey+alpha, RGBA
                Composite(row, width, depth, _header.ColorType == PngHeader.GreyAlpha ? 1 : 3, output);
                break;
        }
    }

    private void UnpackGrey(ReadOnlySpan<byte> row, int width, int depth, Span<byte> output)
    {
        int mask = (1 << depth) - 1, scale = 255 / mask, perByte = 8 / depth;
        for (int x = 0; x < width; x++)
        {
            int shift = 8 - depth * (x % perByte + 1);
            int v = (row[x / perByte] >> shift) & mask;
            output[x] = v == _transparent ? (byte)0 : (byte)(v * scale);
        }
    }

    private void ExpandPalette(ReadOnlySpan<byte> row, int width, int depth, Span<byte> output)
    {
        var lut = _lut!;
        int channels = OutChannels;
        int mask = (1 << depth) - 1, perByte = 8 / depth;
        for (int x = 0; x < width; x++)
        {
            int index = depth == 8 ? row[x] : (row[x / perByte] >> (8 - depth * (x % perByte + 1))) & mask;
            if (channels == 1) output[x] = lut[index];
            else
            {
                output[3 * x] = lut[3 * index];
                output[3 * x + 1] = lut[3 * index + 1];
                output[3 * x + 2] = lut[3 * index + 2];
            }
        }
    }

    private static void Composite(ReadOnlySpan<byte> row, int width, int depth, int colours, Span<byte> output)
    {
        int samples = colours + 1;
        if (depth == 8)
        {
            for (int x = 0, o = 0; x < width; x++)
            {
                int p = x * samples, alpha = row[p + colours];
                for (int c = 0; c < colours; c++) output[o++] = (byte)((row[p + c] * alpha + 127) / 255);
            }
            return;
        }
        for (int x = 0, o = 0; x < width; x++)
        {
            int p = 2 * x * samples;
            uint alpha = BinaryPrimitives.ReadUInt16BigEndian(row[(p + 2 * colours)..]);
            for (int c = 0; c < colours; c++, o += 2)
            {
                uint v = BinaryPrimitives.ReadUInt16BigEndian(row[(p + 2 * c)..]);
                BinaryPrimitives.WriteUInt16LittleEndian(output[o..], (ushort)((v * alpha + 32767) / 65535));
            }
        }
    }

    // Palette entries composited onto black; entries the file does not define read as black.
    private static byte[] BuildPalette(ReadOnlySpan<byte> palette, ReadOnlySpan<byte> transparency, out bool grey)
    {
        var rgb = new byte[256 * 3];
        grey = true;
        for (int i = 0; i < palette.Length / 3; i++)
        {
            int alpha = i < transparency.Length ? transparency[i] : 255;
            for (int c = 0; c < 3; c++) rgb[3 * i + c] = (byte)((palette[3 * i + c] * alpha + 127) / 255);
            grey &= rgb[3 * i] == rgb[3 * i + 1] && rgb[3 * i] == rgb[3 * i + 2];
        }
        if (!grey) return rgb;
        var g = new byte[256];
        for (int i = 0; i < 256; i++) g[i] = rgb[3 * i];
        return g;
    }

    private static void Swap16(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        var from = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ushort>(source);
        var to = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ushort>(destination[..source.Length]);
        BinaryPrimitives.ReverseEndianness(from, to);
    }

    private static void ClearMatching8(Span<byte> samples, byte value)
    {
        for (int i = 0; i < samples.Length; i++) if (samples[i] == value) samples[i] = 0;
    }

    private static void ClearMatching16(Span<byte> samples, ushort value)
    {
        var wide = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ushort>(samples);
        for (int i = 0; i < wide.Length; i++) if (wide[i] == value) wide[i] = 0;
    }

    private void ClearMatchingRgb(Span<byte> output, int width, int bytesPerSample)
    {
        for (int x = 0; x < width; x++)
        {
            int p = 3 * x * bytesPerSample;
            bool match = bytesPerSample == 1
                ? output[p] == _transparentR && output[p + 1] == _transparentG && output[p + 2] == _transparentB
                : BinaryPrimitives.ReadUInt16LittleEndian(output[p..]) == _transparentR
                  && BinaryPrimitives.ReadUInt16LittleEndian(output[(p + 2)..]) == _transparentG
                  && BinaryPrimitives.ReadUInt16LittleEndian(output[(p + 4)..]) == _transparentB;
            if (match) output.Slice(p, 3 * bytesPerSample).Clear();
        }
    }
}
