using System.Globalization;

namespace Vigil.Imaging.Dicom;

/// <summary>
/// What turns stored values into display values: Modality LUT (rescale) and VOI window. Invalid values in the file
/// are ignored (with a note) rather than fatal: they only affect display, the pixels stay decodable.
/// </summary>
internal sealed record DisplayParameters(double Slope, double Intercept, double? WindowCenter, double? WindowWidth, string VoiFunction, string? Note)
{
    public static DisplayParameters Read(DicomDataSet dataSet)
    {
        var notes = new List<string>();
        double slope = First(dataSet, DicomTag.RescaleSlope) ?? 1, intercept = First(dataSet, DicomTag.RescaleIntercept) ?? 0;
        if (double.IsNaN(slope) || slope == 0 || double.IsNaN(intercept))
        {
            notes.Add($"ignored invalid rescale '{dataSet.GetString(DicomTag.RescaleSlope)}'/'{dataSet.GetString(DicomTag.RescaleIntercept)}'");
            slope = 1; intercept = 0;
        }
        var function = dataSet.GetString(DicomTag.VoiLutFunction)?.ToUpperInvariant() ?? "LINEAR";
        if (function is not ("LINEAR" or "LINEAR_EXACT" or "SIGMOID")) { notes.Add($"unknown VOILUTFunction '{DicomDataSet.Shorten(function)}' read as LINEAR"); function = "LINEAR"; }
        double? center = First(dataSet, DicomTag.WindowCenter), width = First(dataSet, DicomTag.WindowWidth);
        bool hasWindow = center is not null || width is not null;
        // LINEAR needs width >= 1 (PS3.3 C.11.2.1.2.1); the others need width > 0.
        if (center is not { } c || width is not { } w || double.IsNaN(c) || double.IsNaN(w) || w <= 0 || (function == "LINEAR" && w < 1))
        {
            if (hasWindow) notes.Add($"ignored invalid window center '{dataSet.GetString(DicomTag.WindowCenter)}' width '{dataSet.GetString(DicomTag.WindowWidth)}'");
            center = null; width = null;
        }
        return new DisplayParameters(slope, intercept, center, width, function, notes.Count == 0 ? null : string.Join("; ", notes));
    }

    /// <summary>"slope=1 intercept=-1024", for metadata.</summary>
    public string DescribeRescale() => $"slope={Format(Slope)} intercept={Format(Intercept)}";

    public static string Format(double value) => value.ToString("G10", CultureInfo.InvariantCulture);

    private static double? First(DicomDataSet dataSet, DicomTag tag)
    {
        var values = dataSet.GetDecimals(tag);
        return values.Length == 0 ? null : values[0];
    }
}
