using Vigil.Imaging;
using Vigil.Imaging.Png;

namespace Vigil.ML.Inference;

/// <summary>
/// The image as the model saw it, in grey, with the VAE's error map in red on top: what a clinician looks at to see
/// where the model found something odd.
/// </summary>
public static class ErrorMapOverlay
{
    /// <summary>Writes the overlay of <paramref name="image"/> into <paramref name="folder"/> as <c>&lt;name&gt;[_&lt;key&gt;]_heatmap.png</c>; returns its path.</summary>
    /// <param name="folder">Existing folder to write into.</param>
    /// <param name="image">The prepared image (the model's size and channels).</param>
    /// <param name="map">Its error map.</param>
    /// <param name="size">The model's input side.</param>
    /// <param name="channels">The model's input channels.</param>
    public static string Write(string folder, PreparedImage image, ErrorMap map, int size, int channels)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(map);
        byte[] pixels = image.Pixels ?? throw new ArgumentException("an image that could not be read has no overlay", nameof(image));
        float[] values = map.Values;
        float max = Math.Max(1e-6f, values.Max());
        int plane = size * size;
        var rgb = new byte[plane * 3];
        for (int i = 0; i < plane; i++)
        {
            int grey = channels == 1 ? pixels[i] : (pixels[i] + pixels[plane + i] + pixels[2 * plane + i]) / 3;
            double heat = Math.Clamp(values[Math.Min(values.Length - 1, i)] / max, 0, 1);
            rgb[i * 3] = (byte)Math.Clamp(grey * (1 - heat) + 255 * heat, 0, 255);
            rgb[i * 3 + 1] = (byte)(grey * (1 - heat));
            rgb[i * 3 + 2] = (byte)(grey * (1 - heat));
        }
        string name = System.IO.Path.GetFileNameWithoutExtension(image.Path) + (image.Key == "" ? "" : "_" + image.Key) + "_heatmap.png";
        string path = System.IO.Path.Combine(folder, name);
        PngEncoder.Save(new ImageFrame(size, size, 3, 8, rgb), path);
        return path;
    }
}
