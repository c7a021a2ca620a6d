using System.Buffers.Binary;

namespace Vigil.Imaging.Dicom;

/// <summary>Produces the stored values of one frame, whatever the pixel data's encoding.</summary>
internal abstract class FrameSource
{
    public abstract long[] Read(int frame);
}

/// <summary>Uncompressed pixel data in a Pixel Data element holding every frame.</summary>
internal sealed class NativeFrameSource : FrameSource
{
    private readonly byte[] _buffer;
    private readonly DicomElement _element;
    private readonly DicomImageInfo _info;
    private readonly bool _bigEndian, _subsampled;

    /// <exception cref="DicomException">The element is shorter than the frames it must hold.</exception>
    public NativeFrameSource(DicomDataSet dataSet, DicomImageInfo info)
    {
        _buffer = dataSet.Buffer;
        _element = dataSet.Get(DicomTag.PixelData) ?? throw new DicomException("no PixelData element");
        _info = info;
        _bigEndian = dataSet.BigEndian;
        _subsampled = NativePixelDecoder.IsSubsampled(info);
        long needed = NativePixelDecoder.TotalBytes(info, _subsampled);
        if (_element.Length < needed)
            throw new DicomException(
                $"truncated: PixelData holds {_element.Length} bytes but {info.Frames} frame(s) of {info.Columns}x{info.Rows}x{info.SamplesPerPixel} at {info.BitsAllocated} bits need {needed}");
    }

    public override long[] Read(int frame) =>
        NativePixelDecoder.Decode(_buffer.AsSpan(_element.Offset, _element.Length), frame, _info, _bigEndian, _subsampled);
}

/// <summary>Encapsulated frames decoded here: RLE Lossless, or uncompressed frames in fragments.</summary>
internal sealed class FragmentFrameSource : FrameSource
{
    private readonly EncapsulatedPixelData _pixels;
    private readonly int[][] _frames;
    private readonly DicomImageInfo _info;
    private readonly bool _rle;

    /// <exception cref="DicomException">The fragments cannot be assigned to frames.</exception>
    public FragmentFrameSource(EncapsulatedPixelData pixels, DicomImageInfo info, bool rle)
    {
        _pixels = pixels;
        _info = info;
        _rle = rle;
        _frames = pixels.GroupIntoFrames(info.Frames, rle ? LooksLikeRleHeader : null);
    }

    public override long[] Read(int frame)
    {
        var bytes = _pixels.Concatenate(_frames[frame]);
        var single = _info with { Frames = 1 };
        if (!_rle) return NativePixelDecoder.Decode(bytes, 0, single, bigEndian: false, NativePixelDecoder.IsSubsampled(_info));
        // RLE output is always full resolution and interleaved, whatever the Planar Configuration says (PS3.5 G.2).
        var decoded = RleDecoder.DecodeFrame(bytes, _info);
        return NativePixelDecoder.Decode(decoded, 0, single with { PlanarConfiguration = 0 }, bigEndian: false, subsampled: false);
    }

    // An RLE frame opens with its segment count (1..15) and a first segment offset of 64.
    private static bool LooksLikeRleHeader(ReadOnlySpan<byte> fragment) =>
        fragment.Length >= 64
        && BinaryPrimitives.ReadUInt32LittleEndian(fragment) is >= 1 and <= 15
        && BinaryPrimitives.ReadUInt32LittleEndian(fragment[4..]) == 64;
}
