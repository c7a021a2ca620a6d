using System.Buffers;

namespace Vigil.Imaging.Png;

/// <summary>
/// Hands out filtered rows from the inflated stream, inflating in large blocks: one inflate call per row costs
/// about as much again as the inflation itself. Never inflates more than the rows still wanted.
/// </summary>
internal sealed class RowSource(Stream inflater, long remaining) : IDisposable
{
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
    private int _start, _end;
    private long _remaining = remaining; // bytes the image still needs from the stream

    /// <summary>The next <paramref name="length"/> bytes, or an empty span when the stream ends first.</summary>
    public Span<byte> Next(int length)
    {
        if (_end - _start < length)
        {
            if (_buffer.Length < length)
            {
                var bigger = ArrayPool<byte>.Shared.Rent(length);
                _buffer.AsSpan(_start, _end - _start).CopyTo(bigger);
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = bigger;
            }
            else _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start; _start = 0;
            int want = (int)Math.Min(_buffer.Length - _end, _remaining);
            int got = want > 0 ? inflater.ReadAtLeast(_buffer.AsSpan(_end, want), Math.Min(want, length - _end), throwOnEndOfStream: false) : 0;
            _end += got; _remaining -= got;
            if (_end < length) return [];
        }
        var row = _buffer.AsSpan(_start, length);
        _start += length;
        return row;
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }
}
