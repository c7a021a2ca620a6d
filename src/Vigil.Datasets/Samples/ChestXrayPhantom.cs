namespace Vigil.Datasets.Samples;

/// <summary>
/// Frontal chest X-ray-like images: bright soft tissue, two dark lungs with vascular texture and a domed diaphragm,
/// a bright mediastinum and heart shadow, ribs and clavicles as bright bands. "opacity" adds a hazy, mottled bright patch
/// inside one lung. Body habitus persists per patient; positioning, exposure and noise vary per image.
/// </summary>
internal static class ChestXrayPhantom
{
    /// <summary>Classes and their share of patients.</summary>
    public static readonly (string Label, double Share)[] Classes = [("normal", 0.6), ("opacity", 0.4)];

    /// <summary>What stays the same across one patient's images.</summary>
    public sealed record Patient(double Width, double LungHeight, double Heart, bool RightLung, double SiteU, double SiteV, double Extent);

    /// <summary>Draws a patient.</summary>
    public static Patient NewPatient(Random r) =>
        // Opacity sites favour the lateral, upper and middle lung, where the heart shadow does not hide them.
        new(r.Range(0.9, 1.1), r.Range(0.9, 1.1), r.Range(0.85, 1.2), r.NextDouble() < 0.5, r.Range(-0.3, 0.5), r.Range(-0.6, 0.35), r.Range(0.8, 1.3));

    /// <summary>Draws one image of <paramref name="p"/> showing <paramref name="label"/>.</summary>
    public static Canvas Draw(int size, Patient p, string label, Random r)
    {
        var canvas = new Canvas(size);
        var px = canvas.Pixels;
        var vessels = canvas.SmoothNoise(r, 20);
        var soft = canvas.SmoothNoise(r, 6);
        double s = size;
        double shiftU = r.Range(-0.03, 0.03), shiftV = r.Range(-0.03, 0.03);
        double lungRx = 0.15 * p.Width, lungRy = 0.31 * p.LungHeight, lungCx = 0.19 * p.Width, lungCy = -0.03;
        double heartRx = 0.14 * p.Heart, heartRy = 0.12 * p.Heart;
        double ribSpacing = r.Range(0.068, 0.08), ribCurve = r.Range(0.8, 1.4);

        for (int y = 0; y < size; y++)
        {
            for (int x = 0; x < size; x++)
            {
                double u = x / s - 0.5 - shiftU, v = y / s - 0.5 - shiftV;
                int i = y * size + x;
                double au = Math.Abs(u);
                double value;
                if (au > 0.46 * p.Width) value = 22 + 6 * soft[i];
                else
                {
                    value = 125 + 20 * v + 10 * soft[i];
                    double lu = (au - lungCx) / lungRx, lv = (v - lungCy) / lungRy;
                    double diaphragm = lungCy + lungRy * (0.75 - 0.25 * lu * lu);
                    bool lung = lu * lu + lv * lv < 1 && v < diaphragm;
                    if (lung)
                    {
                        double hilum = Math.Exp(-((au - 0.09) * (au - 0.09) + v * v) / 0.006);
                        value = 52 + 14 * vessels[i] + 35 * hilum + 8 * soft[i];
                    }
                    // Heart shadow, bulging to the image right (patient's left).
                    double hu = (u - 0.05) / heartRx, hv = (v - 0.13) / heartRy;
                    if (hu * hu + hv * hv < 1) value = Math.Max(value, 168 + 8 * soft[i]);
                    if (au < 0.055 && v < 0.15) value = Math.Max(value, 165 + 6 * soft[i]); // mediastinum
                    if (au < 0.025) value += 12;                                               // spine
                    // Ribs: arcs descending laterally, most visible over the lungs.
                    double arc = v + ribCurve * 0.3 * (au - 0.05) * (au - 0.05) + 0.36;
                    double phase = arc / ribSpacing;
                    double frac = phase - Math.Floor(phase);
                    if (phase > 0 && phase < 9 && au > 0.04 && frac < 0.22) value += lung ? 30 : 12;
                    // Clavicles.
                    double clav = v + 0.36 - 0.18 * au;
                    if (au > 0.05 && au < 0.3 && Math.Abs(clav) < 0.014) value += 38;
                }
                px[i] = (float)value;
            }
        }
        if (label == "opacity") DrawOpacity(canvas, p, r, shiftU, shiftV, lungCx, lungCy, lungRx, lungRy);
        return canvas;
    }

    private static void DrawOpacity(Canvas canvas, Patient p, Random r, double shiftU, double shiftV, double lungCx, double lungCy, double lungRx, double lungRy)
    {
        int size = canvas.Size;
        double s = size;
        double side = p.RightLung ? -1 : 1;
        double cu = side * (lungCx + p.SiteU * lungRx * 0.8) + r.Range(-0.02, 0.02);
        double cv = lungCy + p.SiteV * lungRy * 0.7 + r.Range(-0.02, 0.02);
        double sigma = p.Extent * r.Range(0.06, 0.1), amplitude = r.Range(70, 110);
        var mottle = canvas.SmoothNoise(r, 28);
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
            {
                double u = x / s - 0.5 - shiftU, v = y / s - 0.5 - shiftV;
                double q = ((u - cu) * (u - cu) + (v - cv) * (v - cv)) / (2 * sigma * sigma);
                if (q > 6) continue;
                // Soft lung mask: the opacity fills the airspace, and fades where the lung ends.
                double lu = (Math.Abs(u) - lungCx) / lungRx, lv = (v - lungCy) / lungRy;
                double inside = Math.Clamp((1 - (lu * lu + lv * lv)) * 4, 0, 1);
                int i = y * size + x;
                canvas.Pixels[i] += (float)(amplitude * Math.Exp(-q) * inside * (0.65 + 0.35 * mottle[i]));
            }
    }
}
