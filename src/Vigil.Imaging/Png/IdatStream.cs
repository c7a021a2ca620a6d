namespace Vigil.Imaging.Png;

/// <summary>The payloads of consecutive IDAT chunks read as one zlib stream, without copying them together.</summary>
internal sealed class IdatStream(ReadOnlyMemory<byte> file, List<(int Offset, int Length)> segments) : ReadOnlyStream
{
    private int _segment;
    private int _position;

    public override int Read(Span<byte> buffer)
    {
        while (_segment < segments.Count)
        {
            var (offset, length) = segments[_segment];
            int left = length - _position;
            if (left > 0)
            {
                int n = Math.Min(left, buffer.Length);
                file.Span.Slice(offset + _position, n).CopyTo(buffer);
                _position += n;
                return n;
            }
            _segment++;
            _position = 0;
        }
        return 0;
    }
}
