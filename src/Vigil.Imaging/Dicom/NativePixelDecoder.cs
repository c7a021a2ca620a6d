using System.Buffers.Binary;

namespace Vigil.Imaging.Dicom;

/// <summary>
/// Turns uncompressed pixel bytes into stored values: one <see cref="long"/> per sample, row-major with samples
/// interleaved (the layout of pydicom's <c>pixel_array</c>). Bits outside BitsStored are masked off and signed
/// values sign-extended (PS3.5 8.1.1); planar data is interleaved; 4:2:2 YBR is expanded to full resolution.
/// </summary>
internal static class NativePixelDecoder
{
    /// <summary>True when the native layout stores two luma samples per chroma pair (PS3.3 C.7.6.3.1.2).</summary>
    public static bool IsSubsampled(DicomImageInfo info) => info.PhotometricInterpretation is "YBR_FULL_422" or "YBR_PARTIAL_422";

    /// <summary>Bytes all frames need (1-bit frames are packed back to back without padding).</summary>
    public static long TotalBytes(DicomImageInfo info, bool subsampled)
    {
        // Frames x frame bits can exceed a long for hostile declarations; saturate so the length check still fails.
        long frameBits = FrameBits(info, subsampled);
        if (info.Frames > (long.MaxValue - 7) / frameBits) return long.MaxValue;
        return (frameBits * info.Frames + 7) / 8;
    }

    /// <summary>Decodes frame <paramref name="frame"/> of <paramref name="pixelData"/> (which holds all frames).</summary>
    /// <exception cref="DicomException">The data is too short for the frame.</exception>
    public static long[] Decode(ReadOnlySpan<byte> pixelData, int frame, DicomImageInfo info, bool bigEndian, bool subsampled)
    {
        long frameBits = FrameBits(info, subsampled);
        long startBit = frameBits * frame;
        if ((startBit + frameBits + 7) / 8 > pixelData.Length)
            throw new DicomException($"truncated: frame {frame + 1} needs bytes up to {(startBit + frameBits + 7) / 8} but PixelData holds {pixelData.Length}");
        int pixels = info.PixelsPerFrame;
        int samples = info.SamplesPerPixel;
        var values = new long[(long)pixels * samples];
        if (info.BitsAllocated == 1)
        {
            // Bits are packed little-endian within each byte, frames continue mid-byte (PS3.5 8.1.1).
            for (int i = 0; i < pixels; i++)
            {
                long bit = startBit + i;
                values[i] = (pixelData[(int)(bit >> 3)] >> (int)(bit & 7)) & 1;
            }
            return values;
        }
        var reader = new SampleReader(pixelData.Slice((int)(startBit / 8), (int)(frameBits / 8)), info, bigEndian);
        if (subsampled)
        {
            if (info.Columns % 2 != 0) throw new DicomException($"{info.PhotometricInterpretation} needs an even number of columns, got {info.Columns}");
            // Stored as Y1 Y2 Cb Cr for each pair of pixels; expanded to Y1 Cb Cr Y2 Cb Cr.
            for (int pair = 0; pair < pixels / 2; pair++)
            {
                long y1 = reader[4 * pair], y2 = reader[4 * pair + 1], cb = reader[4 * pair + 2], cr = reader[4 * pair + 3];
                int at = 6 * pair;
                values[at] = y1; values[at + 1] = cb; values[at + 2] = cr;
                values[at + 3] = y2; values[at + 4] = cb; values[at + 5] = cr;
            }
        }
        else if (samples == 3 && info.PlanarConfiguration == 1)
        {
            for (int s = 0; s < 3; s++)
                for (int p = 0; p < pixels; p++)
                    values[3 * p + s] = reader[s * pixels + p];
        }
        else
        {
            for (int i = 0; i < values.Length; i++) values[i] = reader[i];
        }
        return values;
    }

    private static long FrameBits(DicomImageInfo info, bool subsampled) =>
        (long)info.PixelsPerFrame * (subsampled ? 2 : info.SamplesPerPixel) * info.BitsAllocated;

    /// <summary>Reads sample i of a frame, masked to BitsStored and sign-extended.</summary>
    private readonly ref struct SampleReader(ReadOnlySpan<byte> data, DicomImageInfo info, bool bigEndian)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private readonly int _bytes = info.BitsAllocated / 8;
        private readonly int _shift = info.HighBit + 1 - info.BitsStored;
        private readonly long _mask = (1L << info.BitsStored) - 1;
        private readonly long _signBit = info.IsSigned ? 1L << (info.BitsStored - 1) : 0;

        public long this[int index]
        {
            get
            {
                var bytes = _data.Slice(index * _bytes, _bytes);
                long raw = _bytes switch
                {
                    1 => bytes[0],
                    2 => bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(bytes) : BinaryPrimitives.ReadUInt16LittleEndian(bytes),
                    _ => bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(bytes) : BinaryPrimitives.ReadUInt32LittleEndian(bytes),
                };
                long value = (raw >> _shift) & _mask;
                return _signBit != 0 && (value & _signBit) != 0 ? value - (_mask + 1) : value;
            }
        }
    }
}
