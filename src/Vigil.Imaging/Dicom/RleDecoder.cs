using System.Buffers.Binary;

namespace Vigil.Imaging.Dicom;

/// <summary>
/// DICOM RLE Lossless (PS3.5 Annex G): a 64-byte header of segment offsets, then one PackBits segment per byte plane
/// (most significant byte first, sample by sample). Produces the frame as uncompressed little-endian bytes, samples interleaved.
/// </summary>
internal static class RleDecoder
{
    /// <summary>Decodes one frame.</summary>
    /// <exception cref="DicomException">The header or a segment is malformed or too short.</exception>
    public static byte[] DecodeFrame(ReadOnlySpan<byte> data, DicomImageInfo info)
    {
        if (info.BitsAllocated is not (8 or 16 or 32)) throw new DicomException($"RLE with BitsAllocated {info.BitsAllocated} is not supported");
        int bytesPerSample = info.BitsAllocated / 8;
        int segments = info.SamplesPerPixel * bytesPerSample;
        if (data.Length < 64) throw new DicomException($"RLE frame holds {data.Length} bytes, fewer than its 64-byte header");
        uint declared = BinaryPrimitives.ReadUInt32LittleEndian(data);
        if (declared != segments)
            throw new DicomException($"RLE header declares {declared} segments but {info.SamplesPerPixel} sample(s) of {info.BitsAllocated} bits need {segments}");
        var offsets = new int[segments + 1];
        for (int k = 0; k < segments; k++)
        {
            uint offset = BinaryPrimitives.ReadUInt32LittleEndian(data[(4 + 4 * k)..]);
            if (offset < 64 || offset > (uint)data.Length || (k > 0 && offset < offsets[k - 1]))
                throw new DicomException($"RLE segment {k} offset {offset} is outside the frame's {data.Length} bytes or out of order");
            offsets[k] = (int)offset;
        }
        offsets[segments] = data.Length;

        int pixels = info.PixelsPerFrame;
        // PackBits expands at most 64-fold (2 bytes -> 128), so a short segment is rejected before allocating.
        for (int k = 0; k < segments; k++)
            if ((long)(offsets[k + 1] - offsets[k]) * 64 < pixels)
                throw new DicomException($"RLE segment {k} holds {offsets[k + 1] - offsets[k]} bytes, too few to encode {pixels} pixels");
        if ((long)pixels * segments > Array.MaxLength) throw new DicomException($"RLE frame of {pixels} pixels x {segments} bytes is too large to decode");
        var output = new byte[(long)pixels * segments];
        for (int k = 0; k < segments; k++)
        {
            int sample = k / bytesPerSample, plane = k % bytesPerSample;
            int first = (sample * bytesPerSample) + (bytesPerSample - 1 - plane); // little-endian byte position
            int decoded = UnpackBits(data[offsets[k]..offsets[k + 1]], output, first, segments, pixels);
            if (decoded < pixels) throw new DicomException($"RLE segment {k} decodes to {decoded} bytes, expected {pixels}");
        }
        return output;
    }

    // PackBits: n in 0..127 copies n+1 literal bytes, n in -127..-1 repeats the next byte 1-n times, -128 is a no-op.
    // Each step consumes input, so the loop ends; output beyond the plane is dropped (encoders may pad).
    private static int UnpackBits(ReadOnlySpan<byte> segment, byte[] output, int first, int stride, int count)
    {
        int produced = 0, i = 0;
        while (produced < count && i < segment.Length)
        {
            int header = (sbyte)segment[i++];
            if (header >= 0)
            {
                int run = Math.Min(Math.Min(header + 1, segment.Length - i), count - produced);
                for (int j = 0; j < run; j++) output[first + (long)(produced + j) * stride] = segment[i + j];
                i += header + 1;
                produced += run;
            }
            else if (header != -128)
            {
                if (i >= segment.Length) break;
                byte value = segment[i++];
                int run = Math.Min(1 - header, count - produced);
                for (int j = 0; j < run; j++) output[first + (long)(produced + j) * stride] = value;
                produced += run;
            }
        }
        return produced;
    }
}
