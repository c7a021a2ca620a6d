namespace Vigil.Imaging;

/// <summary>
/// Base of the streams that are only read, front to back, with no length: a subclass supplies
/// <see cref="Read(Span{byte})"/>, and everything else answers as such a stream must.
/// </summary>
internal abstract class ReadOnlyStream : Stream
{
    /// <summary>Fills the start of <paramref name="buffer"/>; returns how many bytes, 0 at the end.</summary>
    public abstract override int Read(Span<byte> buffer);
    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
    /// <inheritdoc />
    public override bool CanRead => true;
    /// <inheritdoc />
    public override bool CanSeek => false;
    /// <inheritdoc />
    public override bool CanWrite => false;
    /// <inheritdoc />
    public override long Length => throw new NotSupportedException();
    /// <inheritdoc />
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    /// <inheritdoc />
    public override void Flush() { }
    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();
    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
