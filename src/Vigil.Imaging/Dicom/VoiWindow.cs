namespace Vigil.Imaging.Dicom;

/// <summary>
/// The VOI transform from modality values to a 0..1 display fraction: the file's window (PS3.3 C.11.2.1.2) or,
/// when the file has none, the frame's own value range.
/// </summary>
internal sealed class VoiWindow
{
    private readonly double _center, _width, _low, _high;
    private readonly string _function, _description;

    private VoiWindow(double center, double width, string function, double low, double high, string description)
    {
        _center = center; _width = width; _function = function; _low = low; _high = high; _description = description;
    }

    /// <summary>The file's window when valid, else the range of the frame's modality values.</summary>
    public static VoiWindow Choose(long[] values, DisplayParameters display)
    {
        if (display.WindowCenter is { } c && display.WindowWidth is { } w)
            return new VoiWindow(c, w, display.VoiFunction, 0, 0,
                $"center={DisplayParameters.Format(c)} width={DisplayParameters.Format(w)} function={display.VoiFunction} source=file");
        long min = long.MaxValue, max = long.MinValue;
        foreach (var v in values) { if (v < min) min = v; if (v > max) max = v; }
        double a = min * display.Slope + display.Intercept, b = max * display.Slope + display.Intercept;
        double low = Math.Min(a, b), high = Math.Max(a, b);
        return new VoiWindow(0, 0, "RANGE", low, high,
            $"min={DisplayParameters.Format(low)} max={DisplayParameters.Format(high)} source=frame-range");
    }

    public string Describe() => _description;

    /// <summary>Display fraction in 0..1 for a modality value.</summary>
    public double Fraction(double x)
    {
        switch (_function)
        {
            case "RANGE":
                return _high > _low ? Math.Clamp((x - _low) / (_high - _low), 0, 1) : 0;
            case "LINEAR_EXACT":
                if (x <= _center - _width / 2) return 0;
                if (x > _center + _width / 2) return 1;
                return (x - _center) / _width + 0.5;
            case "SIGMOID":
                return 1 / (1 + Math.Exp(-4 * (x - _center) / _width));
            default:
                // LINEAR: the DICOM definition, with its half-unit offsets.
                double half = (_width - 1) / 2;
                if (x <= _center - 0.5 - half) return 0;
                if (x > _center - 0.5 + half) return 1;
                return (x - (_center - 0.5)) / (_width - 1) + 0.5;
        }
    }
}
