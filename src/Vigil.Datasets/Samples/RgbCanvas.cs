using Vigil.Imaging;

namespace Vigil.Datasets.Samples;

/// <summary>A square colour image being drawn: three <see cref="Canvas"/> planes (red, green, blue) on the 0–255 scale.</summary>
internal sealed class RgbCanvas(int size)
{
    /// <summary>Side in pixels.</summary>
    public int Size { get; } = size;
    /// <summary>Red plane.</summary>
    public Canvas Red { get; } = new(size);
    /// <summary>Green plane.</summary>
    public Canvas Green { get; } = new(size);
    /// <summary>Blue plane.</summary>
    public Canvas Blue { get; } = new(size);

    /// <summary>Sets pixel <paramref name="i"/> (row-major) to a colour.</summary>
    public void Set(int i, double r, double g, double b)
    {
        Red.Pixels[i] = (float)r; Green.Pixels[i] = (float)g; Blue.Pixels[i] = (float)b;
    }

    /// <summary>Blends pixel <paramref name="i"/> towards a colour by <paramref name="alpha"/> (0 keeps it, 1 replaces it).</summary>
    public void Blend(int i, double r, double g, double b, double alpha)
    {
        Red.Pixels[i] += (float)((r - Red.Pixels[i]) * alpha);
        Green.Pixels[i] += (float)((g - Green.Pixels[i]) * alpha);
        Blue.Pixels[i] += (float)((b - Blue.Pixels[i]) * alpha);
    }

    /// <summary>
    /// Adds Gaussian noise (one draw per channel sample), applies exposure (gain, bias) and quantises to an 8-bit RGB
    /// frame. Pixels that are black in every plane stay black: a camera's masked-off border carries no sensor noise.
    /// </summary>
    public ImageFrame ToFrame(Random random, double noiseSigma, double gain, double bias)
    {
        var planes = new[] { Red.Pixels, Green.Pixels, Blue.Pixels };
        var bytes = new byte[Size * Size * 3];
        for (int i = 0; i < Size * Size; i++)
        {
            bool masked = planes[0][i] <= 0 && planes[1][i] <= 0 && planes[2][i] <= 0;
            for (int c = 0; c < 3; c++)
            {
                double v = masked ? 0 : planes[c][i] * gain + bias + noiseSigma * random.Gaussian();
                bytes[i * 3 + c] = (byte)Math.Clamp(Math.Round(v), 0, 255);
            }
        }
        return new ImageFrame(Size, Size, 3, 8, bytes);
    }
}
