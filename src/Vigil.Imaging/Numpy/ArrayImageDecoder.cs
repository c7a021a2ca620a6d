using System.Runtime.InteropServices;

namespace Vigil.Imaging.Numpy;

/// <summary>
/// Turns the raw samples of one image of an array into an <see cref="ImageFrame"/> through the container's
/// <see cref="IntensityMapping"/>, reordering channels-first data and dropping a fourth (alpha) channel.
/// Reuses its buffers: one instance per enumeration, not thread-safe.
/// </summary>
internal sealed class ArrayImageDecoder
{
    private readonly ElementType _element;
    private readonly ImageLayout _layout;
    private readonly IntensityMapping _mapping;
    private readonly byte[]? _mapped;

    public ArrayImageDecoder(ElementType element, ImageLayout layout, IntensityMapping mapping)
    {
        _element = element; _layout = layout; _mapping = mapping;
        if (!IsDirect) _mapped = new byte[layout.ImageElements * mapping.BitDepth / 8];
    }

    /// <summary>Bytes of one image in the file.</summary>
    public int RawBytes => checked((int)(_layout.ImageElements * _element.Size));

    /// <summary>True when the raw bytes are already the frame's bytes (uint8 samples, 1 or 3 channels, channels last).</summary>
    public bool IsDirect => _element.Size == 1 && _element.Kind != ElementKind.Bool && _mapping.IsIdentity && _mapping.BitDepth == 8
        && (_layout.Channels == 3 && !_layout.ChannelsFirst || _layout.Channels == 1);

    /// <summary>Builds a frame; with <see cref="IsDirect"/>, <paramref name="raw"/> becomes the frame's buffer.</summary>
    public ImageFrame Decode(byte[] raw)
    {
        int w = _layout.Width, h = _layout.Height, channels = _layout.FrameChannels;
        if (IsDirect) return new ImageFrame(w, h, channels, 8, raw);
        var mapped = _mapped!;
        _mapping.ApplyRaw(raw, _element, mapped);
        int bytesPerSample = _mapping.BitDepth / 8;
        var data = new byte[(long)w * h * channels * bytesPerSample];
        if (_layout.Channels == 1 || (_layout.Channels == 3 && !_layout.ChannelsFirst)) mapped.AsSpan(0, data.Length).CopyTo(data);
        else Reorder(mapped, data, w * h, bytesPerSample);
        return new ImageFrame(w, h, channels, _mapping.BitDepth, data);
    }

    // Interleaves planar (channels-first) samples or drops the alpha channel, for 1- or 2-byte samples.
    private void Reorder(byte[] source, byte[] destination, int pixels, int bytesPerSample)
    {
        int inChannels = _layout.Channels, outChannels = _layout.FrameChannels;
        if (bytesPerSample == 1) Reorder<byte>(source, destination, pixels, inChannels, outChannels);
        else Reorder(MemoryMarshal.Cast<byte, ushort>(source.AsSpan()), MemoryMarshal.Cast<byte, ushort>(destination.AsSpan()), pixels, inChannels, outChannels);
    }

    private void Reorder<T>(Span<T> source, Span<T> destination, int pixels, int inChannels, int outChannels)
    {
        bool planar = _layout.ChannelsFirst;
        for (int p = 0; p < pixels; p++)
            for (int c = 0; c < outChannels; c++)
                destination[p * outChannels + c] = planar ? source[c * pixels + p] : source[p * inChannels + c];
    }
}
