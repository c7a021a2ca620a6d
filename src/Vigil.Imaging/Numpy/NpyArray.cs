namespace Vigil.Imaging.Numpy;

/// <summary>
/// A .npy array that can be read more than once (a file, or a member of an npz archive): its header, and its data
/// as a C-order stream. Fortran-order arrays are transposed in memory, so they are limited in size.
/// </summary>
internal sealed class NpyArray
{
    private const long MaxFortranBytes = 1L << 30;
    private readonly Func<Stream> _open;

    private NpyArray(Func<Stream> open, NpyHeader header, string path, string what)
    {
        _open = open; Header = header; Path = path; What = what;
    }

    /// <summary>The parsed header.</summary>
    public NpyHeader Header { get; }
    /// <summary>File named in errors.</summary>
    public string Path { get; }
    /// <summary>Names the array in errors ("member train_images.npy").</summary>
    public string What { get; }

    /// <summary>
    /// Reads the header of the stream <paramref name="open"/> returns. <paramref name="available"/>: bytes the container
    /// says the array occupies (file or uncompressed member size), checked against the header before any allocation.
    /// </summary>
    public static NpyArray Open(Func<Stream> open, long available, string path, string what)
    {
        NpyHeader header;
        using (var stream = open()) header = NpyHeader.Read(stream, path, what);
        if (header.HeaderBytes + header.DataBytes > available)
            throw new ImageFormatException(path, $"{what} is truncated: shape ({string.Join(", ", header.Shape)}) of {header.Element.Name} "
                + $"needs {header.HeaderBytes + header.DataBytes:N0} bytes, {available:N0} present");
        return new NpyArray(open, header, path, what);
    }

    /// <summary>A fresh stream over the data in C order, starting at the first element.</summary>
    public Stream OpenData(CancellationToken cancellationToken)
    {
        var stream = _open();
        try
        {
            StreamIo.Skip(stream, Header.HeaderBytes, Path, What, cancellationToken);
            if (!Header.FortranOrder || Header.Shape.Count(n => n > 1) <= 1) return stream;
            if (Header.DataBytes > MaxFortranBytes)
                throw new ImageFormatException(Path, $"{What} is a Fortran-order array of {Header.DataBytes:N0} bytes; at most {MaxFortranBytes:N0} are transposed in memory");
            var fortran = StreamIo.ReadBounded(stream, Header.DataBytes, Path, What, cancellationToken);
            stream.Dispose();
            return new MemoryStream(ToCOrder(fortran, Header.Shape, Header.Element.Size), writable: false);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    // Fortran order varies the first index fastest; walk C-order positions with an odometer and copy each element.
    private static byte[] ToCOrder(byte[] source, long[] shape, int size)
    {
        int rank = shape.Length;
        var strides = new long[rank];
        long stride = size;
        for (int a = 0; a < rank; a++) { strides[a] = stride; stride *= shape[a]; }
        var result = new byte[source.Length];
        var index = new long[rank];
        long from = 0;
        for (long to = 0; to < result.Length; to += size)
        {
            source.AsSpan((int)from, size).CopyTo(result.AsSpan((int)to));
            for (int a = rank - 1; a >= 0; a--)
            {
                index[a]++; from += strides[a];
                if (index[a] < shape[a]) break;
                from -= strides[a] * shape[a]; index[a] = 0;
            }
        }
        return result;
    }
}
