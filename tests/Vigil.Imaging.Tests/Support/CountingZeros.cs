namespace Vigil.Imaging.Tests.Support;

/// <summary>
/// An endless stream of zero bytes that counts what it hands out: what a decompression bomb inflates to, with the
/// count showing how much of it a reader asked for (the work it did), where a clock would only show how long it took.
/// </summary>
internal sealed class CountingZeros : ReadOnlyStream
{
    /// <summary>Bytes handed out so far.</summary>
    public long Handed { get; private set; }

    /// <inheritdoc />
    public override int Read(Span<byte> buffer)
    {
        buffer.Clear();
        Handed += buffer.Length;
        return buffer.Length;
    }
}
