using System.Text.RegularExpressions;

namespace Vigil.Imaging.Dicom;

/// <summary>How a transfer syntax's pixel data gets decoded here.</summary>
public enum DicomDecoderKind
{
    /// <summary>Decoded in-process by Vigil's own code (uncompressed, deflated, RLE).</summary>
    Native,
    /// <summary>Decoded by GDCM's gdcmconv in a child process (JPEG, JPEG-LS, JPEG 2000).</summary>
    Gdcmconv,
    /// <summary>Not decodable (video, HTJ2K, JPIP).</summary>
    Unsupported,
}

/// <summary>One transfer syntax and whether this machine can decode it.</summary>
/// <param name="Uid">Transfer Syntax UID.</param>
/// <param name="Name">Its name in PS3.6.</param>
/// <param name="Decoder">Which decoder handles it.</param>
/// <param name="Available">True when that decoder is present (always for native, only with gdcmconv for the JPEG family).</param>
public sealed record DicomSyntaxSupport(string Uid, string Name, DicomDecoderKind Decoder, bool Available);

/// <summary>What <see cref="DicomCodecs.Probe"/> found.</summary>
/// <param name="GdcmconvPath">Where gdcmconv is, or null.</param>
/// <param name="GdcmconvVersion">Its version ("3.0.21"), or null when absent or silent.</param>
/// <param name="TransferSyntaxes">Every known transfer syntax with its support.</param>
public sealed record DicomCodecReport(string? GdcmconvPath, string? GdcmconvVersion, IReadOnlyList<DicomSyntaxSupport> TransferSyntaxes)
{
    /// <summary>True when the JPEG family can be decoded.</summary>
    public bool GdcmconvAvailable => GdcmconvPath is not null;

    /// <summary>What to do when gdcmconv is missing; null when nothing is.</summary>
    public string? Advice => GdcmconvAvailable ? null : $"JPEG, JPEG-LS and JPEG 2000 DICOM files cannot be decoded: {DicomCodecs.GdcmInstallHint}";
}

/// <summary>Decoder availability for <c>vigil doctor</c>, and the lookup of gdcmconv.</summary>
public static class DicomCodecs
{
    /// <summary>The fix for a missing gdcmconv, quoted in every error about it.</summary>
    public const string GdcmInstallHint = "install Debian package libgdcm-tools";

    /// <summary>Lists which transfer syntaxes decode natively, which via gdcmconv, and gdcmconv's version.</summary>
    public static DicomCodecReport Probe(DicomReaderSettings? settings = null)
    {
        settings ??= DicomReaderSettings.Default;
        var path = FindGdcmconv(settings);
        var version = path is null ? null : ReadVersion(path);
        var syntaxes = TransferSyntax.Known.Select(t => t.Codec switch
        {
            PixelCodec.Gdcm => new DicomSyntaxSupport(t.Uid, t.Name, DicomDecoderKind.Gdcmconv, path is not null),
            PixelCodec.Unsupported => new DicomSyntaxSupport(t.Uid, t.Name, DicomDecoderKind.Unsupported, false),
            _ => new DicomSyntaxSupport(t.Uid, t.Name, DicomDecoderKind.Native, true),
        }).ToArray();
        return new DicomCodecReport(path, version, syntaxes);
    }

    /// <summary>The configured gdcmconv if it exists, else the first on PATH, else null.</summary>
    internal static string? FindGdcmconv(DicomReaderSettings settings)
    {
        if (settings.GdcmconvPath is { } configured) return File.Exists(configured) ? configured : null;
        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(folder, "gdcmconv");
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    private static string? ReadVersion(string program)
    {
        try
        {
            var result = ChildProcess.Run(program, ["--version"], TimeSpan.FromSeconds(10), CancellationToken.None);
            var text = result.StandardOutput + result.StandardError;
            var match = Regex.Match(text, @"gdcm\s+(\d+(?:\.\d+)+)");
            if (match.Success) return match.Groups[1].Value;
            var line = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
            return string.IsNullOrEmpty(line) ? null : line;
        }
        catch (DicomException)
        {
            return null;
        }
    }
}
