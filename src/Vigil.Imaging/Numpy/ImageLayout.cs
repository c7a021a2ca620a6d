namespace Vigil.Imaging.Numpy;

/// <summary>
/// How an array's shape holds images: (H,W) one grey image; (H,W,C) one colour image (when C is smaller than H and W,
/// else the array reads as a stack (N,H,W)); (N,H,W) a stack of grey
/// images; (N,H,W,C) colour images channels-last; (N,C,H,W) channels-first (C = 1 or 3). C may be 1, 3 or 4
/// (the fourth, alpha, is ignored). A stack of rows (N, S×S) holds flattened square images. (N,D,H,W) stacks of
/// 3D volumes are rejected.
/// </summary>
internal readonly record struct ImageLayout(long Count, int Height, int Width, int Channels, bool ChannelsFirst, bool Stacked)
{
    /// <summary>Elements per image.</summary>
    public long ImageElements => (long)Height * Width * Channels;

    /// <summary>Channels of the produced frames: 1 or 3.</summary>
    public int FrameChannels => Channels == 1 ? 1 : 3;

    /// <summary>Interprets a shape. <paramref name="stacked"/>: the first axis is known to count images (npz members, IDX).</summary>
    public static ImageLayout Infer(long[] shape, bool stacked, ImageReadOptions options, string path, string what)
    {
        static bool IsChannels(long c) => c is 1 or 3 or 4;
        ImageLayout layout = shape.Length switch
        {
            2 when stacked => Flattened(shape, path, what),
            2 => new(1, Dim(shape[0]), Dim(shape[1]), 1, false, false),
            3 when !stacked && IsChannels(shape[2]) && shape[2] < shape[0] && shape[2] < shape[1] => new(1, Dim(shape[0]), Dim(shape[1]), (int)shape[2], false, false),
            3 => new(shape[0], Dim(shape[1]), Dim(shape[2]), 1, false, true),
            4 when IsChannels(shape[3]) => new(shape[0], Dim(shape[1]), Dim(shape[2]), (int)shape[3], false, true),
            4 when shape[1] is 1 or 3 => new(shape[0], Dim(shape[2]), Dim(shape[3]), (int)shape[1], true, true),
            4 => throw new ImageFormatException(path, $"{what} has shape ({Shape(shape)}): stacks of 3D volumes (N,D,H,W) are not supported; "
                + "export them as NIfTI or as 2D slices"),
            _ => throw new ImageFormatException(path, $"{what} has shape ({Shape(shape)}), which is not an image or a stack of images"),
        };
        if (layout.Height <= 0 || layout.Width <= 0)
            throw new ImageFormatException(path, $"{what} has shape ({Shape(shape)}) with an empty or oversized image axis");
        if ((long)layout.Height * layout.Width > options.MaxPixelsPerImage)
            throw new ImageFormatException(path, $"{what} images of {layout.Width}x{layout.Height} pixels exceed the limit of {options.MaxPixelsPerImage:N0}");
        return layout;
    }

    private static int Dim(long n) => n is > 0 and <= int.MaxValue ? (int)n : -1;

    // (N, H*W) rows of flattened square images, as MNIST-style CSV exports store them.
    private static ImageLayout Flattened(long[] shape, string path, string what)
    {
        long side = (long)Math.Round(Math.Sqrt(shape[1]));
        if (side * side != shape[1] || side == 0)
            throw new ImageFormatException(path, $"{what} has shape ({Shape(shape)}): rows of {shape[1]} values are not flattened square images");
        return new(shape[0], Dim(side), Dim(side), 1, false, true);
    }

    private static string Shape(long[] shape) => string.Join(", ", shape);
}
