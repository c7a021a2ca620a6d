namespace Vigil.Imaging.Dicom;

/// <summary>
/// Decompresses JPEG-family pixel data by running <c>gdcmconv --raw IN OUT</c>. A child process, because GDCM's C++
/// assertions abort the whole process on some malformed files; here they only fail that one file.
/// </summary>
internal static class GdcmConverter
{
    /// <summary>The bytes of an uncompressed copy of <paramref name="path"/>.</summary>
    /// <exception cref="DicomException">gdcmconv is missing, fails, crashes or times out.</exception>
    public static byte[] Decompress(string path, TransferSyntax syntax, DicomReaderSettings settings, CancellationToken cancellationToken)
    {
        var program = DicomCodecs.FindGdcmconv(settings)
            ?? throw new DicomException($"{syntax.Name} pixel data needs GDCM's gdcmconv, which was not found: {DicomCodecs.GdcmInstallHint}");
        var output = Path.Combine(settings.TempDirectory ?? Path.GetTempPath(), $"vigil-dicom-{Guid.NewGuid():N}.dcm");
        try
        {
            var result = ChildProcess.Run(program, ["--raw", Path.GetFullPath(path), output], settings.ConverterTimeout, cancellationToken);
            if (result.TimedOut)
                throw new DicomException($"gdcmconv did not decode the {syntax.Name} pixel data within {settings.ConverterTimeout.TotalSeconds:0.#} s and was stopped");
            if (result.ExitCode != 0)
                throw new DicomException($"gdcmconv could not decode the {syntax.Name} pixel data ({ChildProcess.DescribeExit(result.ExitCode)}): {Summarise(result)}");
            var produced = new FileInfo(output);
            if (!produced.Exists || produced.Length == 0)
                throw new DicomException($"gdcmconv reported success but wrote no output: {Summarise(result)}");
            if (produced.Length > Array.MaxLength)
                throw new DicomException($"decompressed file is {produced.Length} bytes, larger than can be held in memory");
            return File.ReadAllBytes(output);
        }
        finally
        {
            try { File.Delete(output); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }

    // GDCM repeats itself; keep the first few distinct lines.
    private static string Summarise(ChildProcessResult result)
    {
        var lines = (result.StandardError + "\n" + result.StandardOutput)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Distinct()
            .Take(3)
            .ToArray();
        var text = lines.Length == 0 ? "no message" : string.Join("; ", lines);
        return text.Length <= 300 ? text : text[..300] + "…";
    }
}
