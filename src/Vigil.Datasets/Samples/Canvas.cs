using Vigil.Imaging;

namespace Vigil.Datasets.Samples;

/// <summary>A square grey image being drawn in floating point (0–255 scale), plus the texture helpers phantoms use.</summary>
internal sealed class Canvas(int size)
{
    /// <summary>Side in pixels.</summary>
    public int Size { get; } = size;
    /// <summary>Pixel values, row-major.</summary>
    public float[] Pixels { get; } = new float[size * size];

    /// <summary>
    /// Smooth random field in [-1, 1]: a coarse grid of random values, bilinearly interpolated. Cheap, and it looks like
    /// tissue texture at low <paramref name="cells"/> and like mottling at high.
    /// </summary>
    public float[] SmoothNoise(Random random, int cells)
    {
        int g = cells + 1;
        var grid = new float[g * g];
        for (int i = 0; i < grid.Length; i++) grid[i] = (float)(random.NextDouble() * 2 - 1);
        var field = new float[Size * Size];
        float scale = (float)cells / Size;
        for (int y = 0; y < Size; y++)
        {
            float gy = y * scale;
            int y0 = (int)gy;
            float fy = gy - y0;
            for (int x = 0; x < Size; x++)
            {
                float gx = x * scale;
                int x0 = (int)gx;
                float fx = gx - x0;
                float a = grid[y0 * g + x0], b = grid[y0 * g + x0 + 1], c = grid[(y0 + 1) * g + x0], d = grid[(y0 + 1) * g + x0 + 1];
                // Smoothstep weights hide the grid.
                float sx = fx * fx * (3 - 2 * fx), sy = fy * fy * (3 - 2 * fy);
                field[y * Size + x] = (a + (b - a) * sx) * (1 - sy) + (c + (d - c) * sx) * sy;
            }
        }
        return field;
    }

    /// <summary>Adds Gaussian noise, applies exposure (gain, bias) and quantises to an 8-bit frame.</summary>
    public ImageFrame ToFrame(Random random, double noiseSigma, double gain, double bias)
    {
        var bytes = new byte[Pixels.Length];
        for (int i = 0; i < bytes.Length; i++)
        {
            double v = Pixels[i] * gain + bias + noiseSigma * random.Gaussian();
            bytes[i] = (byte)Math.Clamp(Math.Round(v), 0, 255);
        }
        return ImageFrame.Grey8(Size, Size, bytes);
    }
}
