namespace Vigil.Imaging.Dicom;

/// <summary>How <see cref="DicomReader"/> reaches GDCM's <c>gdcmconv</c> for the JPEG family.</summary>
public sealed record DicomReaderSettings
{
    /// <summary>Full path of <c>gdcmconv</c>; null searches PATH.</summary>
    public string? GdcmconvPath { get; init; }

    /// <summary>How long one <c>gdcmconv</c> run may take before it is killed and the file reported as undecodable.</summary>
    public TimeSpan ConverterTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Folder for the decompressed temporary file; null uses the system temp folder.</summary>
    public string? TempDirectory { get; init; }

    /// <summary>The default settings.</summary>
    public static DicomReaderSettings Default { get; } = new();
}
