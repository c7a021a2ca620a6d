namespace Vigil.ML.Compute;

/// <summary>A parsed <c>--device</c> value: <c>auto</c>, <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>.</summary>
/// <param name="Kind">What kind of device was asked for.</param>
/// <param name="CudaIndex">The GPU index given as <c>cuda:N</c>, or null for plain <c>cuda</c> / <c>auto</c>.</param>
public sealed record DeviceRequest(DeviceKind Kind, int? CudaIndex)
{
    private const string Accepted = "use auto, cpu, cuda or cuda:N";

    /// <summary>Parses the user's text (case-insensitive; null means <c>auto</c>).</summary>
    /// <exception cref="ComputeSettingsException">The text is not one of the accepted forms.</exception>
    public static DeviceRequest Parse(string? text)
    {
        if (text is null) return new DeviceRequest(DeviceKind.Auto, null);
        string value = text.Trim().ToLowerInvariant();
        switch (value)
        {
            case "auto": return new DeviceRequest(DeviceKind.Auto, null);
            case "cpu": return new DeviceRequest(DeviceKind.Cpu, null);
            case "cuda": return new DeviceRequest(DeviceKind.Cuda, null);
        }
        if (value.StartsWith("cuda:", StringComparison.Ordinal))
        {
            string index = value["cuda:".Length..];
            // Digits only: int.TryParse alone would accept "+1" or " 1".
            if (index.Length is > 0 and <= 4 && index.All(char.IsAsciiDigit))
                return new DeviceRequest(DeviceKind.Cuda, int.Parse(index, System.Globalization.CultureInfo.InvariantCulture));
            throw new ComputeSettingsException($"--device {text} has no valid GPU index after 'cuda:'; use cuda (the first GPU) or cuda:N with N = 0, 1, ...");
        }
        throw new ComputeSettingsException($"--device '{text}' is not recognised; {Accepted}");
    }

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        DeviceKind.Auto => "auto",
        DeviceKind.Cpu => "cpu",
        _ => CudaIndex is { } i ? $"cuda:{i}" : "cuda",
    };
}
