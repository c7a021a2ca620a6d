using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace Vigil.Imaging.Png;

/// <summary>
/// Lossless PNG writer for <see cref="ImageFrame"/>s, grey or RGB, 8 or 16 bits.
/// Written here because no package served to this build encodes 16-bit grey PNG
/// (SkiaSharp and Magick.NET-Q8 reduce to 8 bits), and containers (DICOM, NIfTI) must keep their depth.
/// </summary>
public static class PngEncoder
{
    private static ReadOnlySpan<byte> Signature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Encodes a frame as a PNG file image.</summary>
    /// <param name="frame">The pixels.</param>
    /// <param name="level">zlib effort; <see cref="CompressionLevel.Fastest"/> keeps dataset organisation I/O-bound.</param>
    public static byte[] Encode(ImageFrame frame, CompressionLevel level = CompressionLevel.Fastest)
    {
        using var output = new MemoryStream(frame.Data.Length / 2 + 1024);
        Write(frame, output, level);
        return output.ToArray();
    }

    /// <summary>Writes the frame as PNG to a file atomically (temporary file, then rename).</summary>
    public static void Save(ImageFrame frame, string path, CompressionLevel level = CompressionLevel.Fastest)
    {
        var bytes = Encode(frame, level);
        var temp = path + ".tmp-" + Environment.ProcessId + "-" + Environment.CurrentManagedThreadId;
        File.WriteAllBytes(temp, bytes);
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Writes the frame as PNG to a stream.</summary>
    public static void Write(ImageFrame frame, Stream output, CompressionLevel level = CompressionLevel.Fastest)
    {
        output.Write(Signature);
        Span<byte> ihdr = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, frame.Width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr[4..], frame.Height);
        ihdr[8] = (byte)frame.BitDepth;
        ihdr[9] = frame.Channels == 1 ? (byte)0 : (byte)2; // colour type: grey or truecolour
        ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;           // deflate, adaptive filtering, no interlace
        WriteChunk(output, "IHDR"u8, ihdr);
        WriteChunk(output, "IDAT"u8, Deflate(frame, level));
        WriteChunk(output, "IEND"u8, ReadOnlySpan<byte>.Empty);
    }

    private static byte[] Deflate(ImageFrame frame, CompressionLevel level)
    {
        int stride = frame.Stride;
        using var compressed = new MemoryStream(frame.Data.Length / 2 + 64);
        using (var zlib = new ZLibStream(compressed, level, leaveOpen: true))
        {
            var row = new byte[stride + 1];
            var previous = new byte[stride];
            var current = new byte[stride];
            for (int y = 0; y < frame.Height; y++)
            {
                ToPngByteOrder(frame.Data.AsSpan(y * stride, stride), current, frame.BitDepth);
                // "Up" filtering: cheap, and medical images are smooth vertically, so it compresses well.
                row[0] = y == 0 ? (byte)0 : (byte)2;
                if (y == 0) current.CopyTo(row.AsSpan(1));
                else for (int i = 0; i < stride; i++) row[i + 1] = (byte)(current[i] - previous[i]);
                zlib.Write(row);
                (previous, current) = (current, previous);
            }
        }
        return compressed.ToArray();
    }

    // PNG stores 16-bit samples big-endian; frames hold them little-endian.
    private static void ToPngByteOrder(ReadOnlySpan<byte> source, Span<byte> destination, int bitDepth)
    {
        if (bitDepth == 8) { source.CopyTo(destination); return; }
        for (int i = 0; i < source.Length; i += 2)
        {
            destination[i] = source[i + 1];
            destination[i + 1] = source[i];
        }
    }

    // Internal: tests build deliberately malformed PNGs chunk by chunk with it.
    internal static void WriteChunk(Stream output, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        output.Write(word);
        output.Write(type);
        output.Write(data);
        var crc = new Crc32();
        crc.Append(type);
        crc.Append(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, crc.GetCurrentHashAsUInt32());
        output.Write(word);
    }
}
