namespace Vigil.Datasets.Samples;

/// <summary>
/// Colour fundus photograph-like images (the retina seen through the pupil): a circular field of view on black, an
/// orange-red retina darker towards the rim, a bright yellowish optic disc to one side, a darker macula, and dark red
/// vessels arching from the disc around the macula. "hemorrhage" adds dark red blots and flame shapes, "exudate"
/// clusters of small bright yellow spots, "drusen" pale yellow soft dots around the macula. Eye side, pigmentation, disc
/// size, vessel pattern and lesion site persist per patient; position, rotation, exposure and noise vary per image.
/// </summary>
internal static class FundusPhantom
{
    /// <summary>Classes and their share of patients.</summary>
    public static readonly (string Label, double Share)[] Classes = [("normal", 0.55), ("hemorrhage", 0.2), ("exudate", 0.15), ("drusen", 0.1)];

    /// <summary>What stays the same across one patient's images.</summary>
    public sealed record Patient(bool RightEye, double Pigment, double DiscSize, int VesselSeed, double SiteU, double SiteV, double Extent);

    private const double FieldRadius = 0.46;

    /// <summary>Draws a patient.</summary>
    public static Patient NewPatient(Random r) =>
        new(r.NextDouble() < 0.5, r.Range(0.82, 1.12), r.Range(0.85, 1.15), r.Next(), r.Range(-0.12, 0.12), r.Range(-0.12, 0.12), r.Range(0.7, 1.3));

    /// <summary>Draws one image of <paramref name="p"/> showing <paramref name="label"/>.</summary>
    public static RgbCanvas Draw(int size, Patient p, string label, Random r)
    {
        var canvas = new RgbCanvas(size);
        var texture = canvas.Red.SmoothNoise(r, 12);
        double s = size;
        double shiftU = r.Range(-0.02, 0.02), shiftV = r.Range(-0.02, 0.02);
        double angle = r.Range(-0.08, 0.08), cos = Math.Cos(angle), sin = Math.Sin(angle);
        double side = p.RightEye ? 1 : -1;
        double discU = side * 0.2, discV = 0.0, discR = 0.06 * p.DiscSize;
        double maculaU = -side * 0.08, maculaV = 0.02;
        var vessels = VesselMask(size, p, side, discU, discV, cos, sin, shiftU, shiftV);

        for (int y = 0; y < size; y++)
        {
            for (int x = 0; x < size; x++)
            {
                int i = y * size + x;
                double u0 = x / s - 0.5 - shiftU, v0 = y / s - 0.5 - shiftV;
                double rho = Math.Sqrt(u0 * u0 + v0 * v0);
                if (rho > FieldRadius) continue; // black outside the pupil's field of view
                // Eye coordinates: the image is the eye rotated by the camera's small tilt.
                double u = u0 * cos + v0 * sin, v = -u0 * sin + v0 * cos;
                double light = (1 - 0.4 * (rho / FieldRadius) * (rho / FieldRadius)) * (1 + 0.06 * texture[i]) * p.Pigment;
                double md = ((u - maculaU) * (u - maculaU) + (v - maculaV) * (v - maculaV)) / (2 * 0.055 * 0.055);
                light *= 1 - 0.35 * Math.Exp(-md);
                double red = 205 * light, green = 92 * light, blue = 38 * light;
                // Vessels: dark red, drawn before the disc so they disappear into it.
                double vessel = vessels[i];
                red += (118 * light - red) * vessel; green += (28 * light - green) * vessel; blue += (22 * light - blue) * vessel;
                double dd = Math.Sqrt((u - discU) * (u - discU) + (v - discV) * (v - discV)) / discR;
                if (dd < 1.25)
                {
                    double disc = Math.Clamp((1.25 - dd) / 0.35, 0, 1), cup = Math.Clamp((0.5 - dd) / 0.2, 0, 1);
                    red += (248 - red) * disc; green += (206 + 30 * cup - green) * disc; blue += (132 + 70 * cup - blue) * disc;
                }
                canvas.Set(i, red, green, blue);
            }
        }
        switch (label)
        {
            case "hemorrhage": DrawSpots(canvas, p, r, maculaU, maculaV, shiftU, shiftV, (3, 9), (0.012, 0.03), (105, 22, 14), elongate: true, soft: 0.35); break;
            case "exudate": DrawSpots(canvas, p, r, maculaU, maculaV, shiftU, shiftV, (8, 22), (0.006, 0.014), (246, 222, 112), elongate: false, soft: 0.25); break;
            case "drusen": DrawSpots(canvas, p, r, maculaU, maculaV, shiftU, shiftV, (10, 26), (0.008, 0.016), (226, 192, 122), elongate: false, soft: 0.7); break;
        }
        return canvas;
    }

    // Vessel opacity per pixel in [0, 1]: tapering segments of four arcades (two temporal around the macula, two nasal)
    // with side branches, generated from the patient's seed so every image of an eye has the same tree.
    private static float[] VesselMask(int size, Patient p, double side, double discU, double discV, double cos, double sin, double shiftU, double shiftV)
    {
        var mask = new float[size * size];
        var tree = new Random(p.VesselSeed);
        double s = size;
        void Segment(double u0, double v0, double u1, double v1, double width)
        {
            // Eye coordinates to pixels (the inverse of the tilt applied in Draw).
            (double X, double Y) Pixel(double u, double v) => ((u * cos - v * sin + 0.5 + shiftU) * s, (u * sin + v * cos + 0.5 + shiftV) * s);
            var (x0, y0) = Pixel(u0, v0);
            var (x1, y1) = Pixel(u1, v1);
            double w = Math.Max(0.6, width * s);
            int xa = Math.Max(0, (int)(Math.Min(x0, x1) - w - 1)), xb = Math.Min(size - 1, (int)(Math.Max(x0, x1) + w + 1));
            int ya = Math.Max(0, (int)(Math.Min(y0, y1) - w - 1)), yb = Math.Min(size - 1, (int)(Math.Max(y0, y1) + w + 1));
            double dx = x1 - x0, dy = y1 - y0, length2 = Math.Max(1e-9, dx * dx + dy * dy);
            for (int y = ya; y <= yb; y++)
                for (int x = xa; x <= xb; x++)
                {
                    double t = Math.Clamp(((x - x0) * dx + (y - y0) * dy) / length2, 0, 1);
                    double ex = x - (x0 + t * dx), ey = y - (y0 + t * dy);
                    double alpha = Math.Clamp(w - Math.Sqrt(ex * ex + ey * ey) + 0.5, 0, 1) * 0.85;
                    int i = y * size + x;
                    if (alpha > mask[i]) mask[i] = (float)alpha;
                }
        }
        void Branch(double u, double v, double heading, double turn, double length, double width, int depth)
        {
            const int Steps = 10;
            for (int k = 0; k < Steps; k++)
            {
                double step = length / Steps;
                double nu = u + step * Math.Cos(heading), nv = v + step * Math.Sin(heading);
                double w = width * (1 - 0.5 * k / Steps);
                Segment(u, v, nu, nv, w);
                if (depth > 0 && k is 3 or 6 && tree.NextDouble() < 0.8)
                    Branch(nu, nv, heading + (tree.NextDouble() < 0.5 ? -1 : 1) * tree.Range(0.5, 1.0), turn * 0.5, length * 0.45, w * 0.6, depth - 1);
                u = nu; v = nv;
                heading += turn / Steps + tree.Range(-0.08, 0.08);
                if (u * u + v * v > FieldRadius * FieldRadius) return;
            }
        }
        // Temporal arcades leave the disc upwards and downwards and bend towards the macula's side.
        double temporal = side > 0 ? Math.PI : 0;
        foreach (double up in new[] { -1.0, 1.0 })
        {
            double start = temporal + side * up * tree.Range(1.0, 1.3);
            Branch(discU, discV, start, -side * up * tree.Range(1.1, 1.5), tree.Range(0.42, 0.5), 0.011, 2);
            Branch(discU, discV, start + side * up * 0.15, -side * up * tree.Range(0.9, 1.3), tree.Range(0.38, 0.46), 0.008, 1);
            // Nasal vessels: shorter and straighter, away from the macula.
            Branch(discU, discV, temporal + Math.PI + up * tree.Range(0.4, 0.9), up * tree.Range(-0.3, 0.3), tree.Range(0.2, 0.26), 0.008, 1);
        }
        return mask;
    }

    // Lesions scattered around the patient's site near the macula (eye coordinates), clipped to the field of view.
    private static void DrawSpots(RgbCanvas canvas, Patient p, Random r, double maculaU, double maculaV, double shiftU, double shiftV,
        (int Min, int Max) count, (double Min, double Max) radius, (double R, double G, double B) colour, bool elongate, double soft)
    {
        int size = canvas.Size;
        double s = size;
        int n = (int)Math.Round(r.Next(count.Min, count.Max + 1) * p.Extent);
        for (int k = 0; k < n; k++)
        {
            double cu = maculaU + p.SiteU + r.Range(-0.13, 0.13), cv = maculaV + p.SiteV + r.Range(-0.13, 0.13);
            double rx = r.Range(radius.Min, radius.Max), ry = elongate && r.NextDouble() < 0.5 ? rx * r.Range(0.3, 0.6) : rx * r.Range(0.8, 1.2);
            double tilt = r.Range(0, Math.PI), tc = Math.Cos(tilt), ts = Math.Sin(tilt);
            double px = (cu + 0.5 + shiftU) * s, py = (cv + 0.5 + shiftV) * s, reach = Math.Max(rx, ry) * s + 1;
            for (int y = Math.Max(0, (int)(py - reach)); y <= Math.Min(size - 1, (int)(py + reach)); y++)
                for (int x = Math.Max(0, (int)(px - reach)); x <= Math.Min(size - 1, (int)(px + reach)); x++)
                {
                    int i = y * size + x;
                    if (canvas.Red.Pixels[i] <= 0) continue; // outside the field of view
                    double du = (x - px) / s, dv = (y - py) / s;
                    double a = (du * tc + dv * ts) / rx, b = (-du * ts + dv * tc) / ry;
                    double q = a * a + b * b;
                    if (q >= 1) continue;
                    canvas.Blend(i, colour.R, colour.G, colour.B, Math.Clamp((1 - q) / soft, 0, 1) * 0.9);
                }
        }
    }
}
