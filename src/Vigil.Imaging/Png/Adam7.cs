namespace Vigil.Imaging.Png;

/// <summary>The seven passes of Adam7 interlacing: each samples every <c>Dx</c>-th pixel of every <c>Dy</c>-th row.</summary>
internal readonly record struct Adam7(int X0, int Y0, int Dx, int Dy)
{
    /// <summary>The passes in file order.</summary>
    public static readonly Adam7[] Passes =
    [
        new(0, 0, 8, 8), new(4, 0, 8, 8), new(0, 4, 4, 8), new(2, 0, 4, 4),
        new(0, 2, 2, 4), new(1, 0, 2, 2), new(0, 1, 1, 2),
    ];

    /// <summary>Width and height of this pass's sub-image (either may be 0: the pass is then absent from the data).</summary>
    public (int Width, int Height) Size(int width, int height) =>
        (width > X0 ? (width - X0 + Dx - 1) / Dx : 0, height > Y0 ? (height - Y0 + Dy - 1) / Dy : 0);
}
