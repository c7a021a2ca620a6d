namespace Vigil.Datasets.Samples;

/// <summary>
/// Axial brain MRI-like slices: a bright skull ring, a dark CSF rim, textured brain with grey/white contrast and two
/// dark ventricles. "tumor" adds a roundish, irregular, heterogeneous lesion with a bright enhancing ring and a dark
/// oedema halo; "hemorrhage" adds a bright crescent under the skull or a bright blob in the brain. A patient's head
/// shape and lesion site persist across their slices; size, position, exposure and noise vary per image.
/// </summary>
internal static class BrainMriPhantom
{
    /// <summary>Classes and their share of patients.</summary>
    public static readonly (string Label, double Share)[] Classes = [("normal", 0.5), ("tumor", 0.3), ("hemorrhage", 0.2)];

    /// <summary>What stays the same across one patient's slices.</summary>
    public sealed record Patient(double ScaleX, double ScaleY, double Tilt, double LesionU, double LesionV, double LesionSize, bool Crescent, double CrescentAngle);

    /// <summary>Draws a patient.</summary>
    public static Patient NewPatient(Random r)
    {
        // Lesion site: inside the brain, away from the rim.
        double angle = r.Range(0, 2 * Math.PI), radius = Math.Sqrt(r.NextDouble()) * 0.55;
        return new Patient(r.Range(0.92, 1.08), r.Range(0.92, 1.08), r.Range(-0.14, 0.14),
            radius * Math.Cos(angle), radius * Math.Sin(angle), r.Range(0.7, 1.3), r.NextDouble() < 0.5, r.Range(0, 2 * Math.PI));
    }

    /// <summary>Draws one slice of <paramref name="p"/> showing <paramref name="label"/>.</summary>
    public static Canvas Draw(int size, Patient p, string label, Random r)
    {
        var canvas = new Canvas(size);
        var px = canvas.Pixels;
        var texture = canvas.SmoothNoise(r, 10);
        var fine = canvas.SmoothNoise(r, 24);
        double s = size;
        double cx = s / 2 + r.Range(-0.04, 0.04) * s, cy = s / 2 + r.Range(-0.04, 0.04) * s;
        double slice = r.Range(0.85, 1.1); // slice level: the head section shrinks away from the centre
        double ax = 0.40 * p.ScaleX * slice, ay = 0.46 * p.ScaleY * slice;
        double tilt = p.Tilt + r.Range(-0.05, 0.05), cos = Math.Cos(tilt), sin = Math.Sin(tilt);
        double ventricle = r.Range(0.7, 1.3);
        double brainLevel = r.Range(95, 115);

        for (int y = 0; y < size; y++)
        {
            for (int x = 0; x < size; x++)
            {
                double dx = (x - cx) / s, dy = (y - cy) / s;
                double u = dx * cos + dy * sin, v = -dx * sin + dy * cos;
                double d = Math.Sqrt(u / ax * (u / ax) + v / ay * (v / ay));
                int i = y * size + x;
                double value;
                if (d > 1.0) value = 6;
                else if (d > 0.93) value = 215 + 12 * fine[i];
                else if (d > 0.89) value = 32;
                else
                {
                    // Cortex (outer band) brighter than white matter; low-frequency texture on both.
                    value = brainLevel + (d > 0.72 ? 18 : 0) + 14 * texture[i] + 6 * fine[i];
                    if (InEllipse(u - 0.055, v + 0.01, 0.03 * ventricle, 0.085 * ventricle, VentricleCos, VentricleSin)
                        || InEllipse(u + 0.055, v + 0.01, 0.03 * ventricle, 0.085 * ventricle, VentricleCos, -VentricleSin))
                        value = 34 + 4 * fine[i];
                }
                px[i] = (float)value;
            }
        }

        if (label == "tumor") DrawTumor(canvas, p, r, cx, cy, ax, ay, fine);
        else if (label == "hemorrhage") DrawHemorrhage(canvas, p, r, cx, cy, ax, ay, cos, sin);
        return canvas;
    }

    // The two ventricles lean ±0.35 rad; cosine and sine computed once, not per pixel.
    private static readonly double VentricleCos = Math.Cos(0.35), VentricleSin = Math.Sin(0.35);

    private static bool InEllipse(double u, double v, double rx, double ry, double c, double s)
    {
        double a = u * c + v * s, b = -u * s + v * c;
        return a / rx * (a / rx) + b / ry * (b / ry) < 1;
    }

    private static void DrawTumor(Canvas canvas, Patient p, Random r, double cx, double cy, double ax, double ay, float[] fine)
    {
        int size = canvas.Size;
        double s = size;
        double tu = (p.LesionU * ax + r.Range(-0.015, 0.015)) * s + cx, tv = (p.LesionV * ay + r.Range(-0.015, 0.015)) * s + cy;
        double radius = p.LesionSize * r.Range(0.06, 0.12) * s;
        double a1 = r.Range(0, 6.3), a2 = r.Range(0, 6.3), k1 = r.Range(0.08, 0.2), k2 = r.Range(0.04, 0.12);
        double core = r.Range(125, 160), ring = r.Range(190, 225);
        var mottle = canvas.SmoothNoise(r, 30);
        int x0 = Math.Max(0, (int)(tu - 2 * radius)), x1 = Math.Min(size - 1, (int)(tu + 2 * radius));
        int y0 = Math.Max(0, (int)(tv - 2 * radius)), y1 = Math.Min(size - 1, (int)(tv + 2 * radius));
        for (int y = y0; y <= y1; y++)
            for (int x = x0; x <= x1; x++)
            {
                double dx = x - tu, dy = y - tv;
                double phi = Math.Atan2(dy, dx);
                double edge = radius * (1 + k1 * Math.Sin(3 * phi + a1) + k2 * Math.Sin(5 * phi + a2));
                double rho = Math.Sqrt(dx * dx + dy * dy) / edge;
                int i = y * size + x;
                if (canvas.Pixels[i] < 20 || canvas.Pixels[i] > 205) continue; // stay inside the brain
                if (rho < 0.35) canvas.Pixels[i] = (float)(core - 45 + 20 * mottle[i]);          // necrotic centre
                else if (rho < 0.8) canvas.Pixels[i] = (float)(core + 30 * mottle[i] + 5 * fine[i]);
                else if (rho < 1.0) canvas.Pixels[i] = (float)(ring + 10 * mottle[i]);             // enhancing rim
                else if (rho < 1.7) canvas.Pixels[i] -= (float)(22 * (1.7 - rho) / 0.7);          // oedema halo
            }
    }

    private static void DrawHemorrhage(Canvas canvas, Patient p, Random r, double cx, double cy, double ax, double ay, double cos, double sin)
    {
        int size = canvas.Size;
        double s = size;
        double brightness = r.Range(195, 235);
        if (p.Crescent)
        {
            // Subdural-like crescent hugging the inner skull, thickest at its middle.
            double width = r.Range(0.5, 0.9), thickness = r.Range(0.10, 0.17) * Math.Sqrt(p.LesionSize);
            for (int y = 0; y < size; y++)
                for (int x = 0; x < size; x++)
                {
                    double dx = (x - cx) / s, dy = (y - cy) / s;
                    double u = dx * cos + dy * sin, v = -dx * sin + dy * cos;
                    double d = Math.Sqrt(u / ax * (u / ax) + v / ay * (v / ay));
                    if (d > 0.89 || d < 0.89 - thickness) continue;
                    double delta = Math.Abs(Math.IEEERemainder(Math.Atan2(v / ay, u / ax) - p.CrescentAngle, 2 * Math.PI));
                    if (delta > width) continue;
                    double t = thickness * Math.Cos(delta / width * Math.PI / 2);
                    if (d >= 0.89 - t) canvas.Pixels[y * size + x] = (float)(brightness - 25 * (0.89 - d) / thickness);
                }
        }
        else
        {
            // Intraparenchymal blob: bright, smooth, slightly elongated.
            double bu = p.LesionU * ax * s + cx + r.Range(-0.01, 0.01) * s, bv = p.LesionV * ay * s + cy + r.Range(-0.01, 0.01) * s;
            double rx = p.LesionSize * r.Range(0.04, 0.09) * s, ry = rx * r.Range(0.6, 1.4);
            for (int y = 0; y < size; y++)
                for (int x = 0; x < size; x++)
                {
                    double q = (x - bu) / rx * ((x - bu) / rx) + (y - bv) / ry * ((y - bv) / ry);
                    int i = y * size + x;
                    if (q < 1 && canvas.Pixels[i] > 20 && canvas.Pixels[i] < 205)
                        canvas.Pixels[i] = (float)(brightness - 20 * q);
                    else if (q < 2.2 && canvas.Pixels[i] > 20 && canvas.Pixels[i] < 205)
                        canvas.Pixels[i] += (float)(15 * (2.2 - q) / 1.2);
                }
        }
    }
}
