using Vigil.Imaging.Dicom;
using Vigil.Imaging.Tests.Support;

namespace Vigil.Imaging.Tests.Dicom;

/// <summary>
/// The gdcmconv path: availability report, and every way the child can fail (missing, non-zero exit, abort,
/// hang, cancellation) ending in a clear <see cref="ImageFormatException"/> with no temporary files left behind.
/// Misbehaving converters are real shell scripts run as child processes.
/// </summary>
public sealed class DicomCodecTests : IDisposable
{
    private const string JpegLs = "MR_small_jpeg_ls_lossless.dcm";
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Script(string name, string body)
    {
        var path = _dir.File(name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        Assert.False(OperatingSystem.IsWindows(), "these converter scripts are POSIX shell");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    private string TempFolder()
    {
        var path = _dir.File("tmp-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(path);
        return path;
    }

    [Fact]
    public void ProbeReportsNativeAndGdcmconvSyntaxes()
    {
        var report = DicomCodecs.Probe();
        Assert.True(report.GdcmconvAvailable, "gdcmconv not found: " + DicomCodecs.GdcmInstallHint);
        Assert.Null(report.Advice);
        Assert.Matches(@"^\d+\.\d+(\.\d+)?$", report.GdcmconvVersion);
        Assert.Equal(DicomDecoderKind.Native, Syntax(report, "1.2.840.10008.1.2.5").Decoder);
        Assert.Equal(DicomDecoderKind.Native, Syntax(report, "1.2.840.10008.1.2.1.99").Decoder);
        var jpeg = Syntax(report, "1.2.840.10008.1.2.4.50");
        Assert.Equal((DicomDecoderKind.Gdcmconv, true), (jpeg.Decoder, jpeg.Available));
        Assert.Equal((DicomDecoderKind.Unsupported, false), (Syntax(report, "1.2.840.10008.1.2.4.102").Decoder, Syntax(report, "1.2.840.10008.1.2.4.102").Available));
    }

    private static DicomSyntaxSupport Syntax(DicomCodecReport report, string uid) => report.TransferSyntaxes.Single(s => s.Uid == uid);

    [Fact]
    public void MissingGdcmconvIsReportedWithTheDebianPackage()
    {
        var settings = new DicomReaderSettings { GdcmconvPath = _dir.File("no-such-gdcmconv") };
        var report = DicomCodecs.Probe(settings);
        Assert.False(report.GdcmconvAvailable);
        Assert.False(Syntax(report, "1.2.840.10008.1.2.4.80").Available);
        Assert.Contains("install Debian package libgdcm-tools", report.Advice);

        var error = Assert.Throws<ImageFormatException>(() => new DicomReader(settings).Read(DicomCorpus.PathOf(JpegLs), ImageReadOptions.Default).ToList());
        Assert.Equal("JPEG-LS Lossless pixel data needs GDCM's gdcmconv, which was not found: install Debian package libgdcm-tools", error.Message);
        // Native syntaxes do not need it.
        Assert.Single(new DicomReader(settings).Read(DicomCorpus.PathOf("MR_small_RLE.dcm"), ImageReadOptions.Default));
    }

    [Fact]
    public void ConverterFailureQuotesItsMessage()
    {
        var tmp = TempFolder();
        var settings = new DicomReaderSettings { GdcmconvPath = Script("fails", "echo 'Unsupported JPEG data precision 12' >&2\necho 'Unsupported JPEG data precision 12' >&2\nexit 3"), TempDirectory = tmp };
        var error = Assert.Throws<ImageFormatException>(() => DicomFile.Open(DicomCorpus.PathOf(JpegLs), settings: settings));
        Assert.Equal("gdcmconv could not decode the JPEG-LS Lossless pixel data (exit code 3): Unsupported JPEG data precision 12", error.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(tmp));
    }

    [Fact]
    public void ConverterAbortIsContained()
    {
        // What GDCM does on an assertion: SIGABRT. Only the child dies.
        var settings = new DicomReaderSettings { GdcmconvPath = Script("aborts", "echo 'gdcmconv: Assertion failed' >&2\nkill -ABRT $$"), TempDirectory = TempFolder() };
        var error = Assert.Throws<ImageFormatException>(() => DicomFile.Open(DicomCorpus.PathOf(JpegLs), settings: settings));
        Assert.Equal("gdcmconv could not decode the JPEG-LS Lossless pixel data (aborted by SIGABRT, likely a failed assertion): gdcmconv: Assertion failed", error.Message);
    }

    [Fact]
    public void HangingConverterIsKilledAtTheTimeout()
    {
        var tmp = TempFolder();
        var pidFile = _dir.File("hangs.pid");
        var settings = new DicomReaderSettings { GdcmconvPath = Script("hangs", $"echo $$ > '{pidFile}'\nexec sleep 60"), ConverterTimeout = TimeSpan.FromSeconds(1), TempDirectory = tmp };
        var error = Assert.Throws<ImageFormatException>(() => DicomFile.Open(DicomCorpus.PathOf(JpegLs), settings: settings));
        // The timeout's message, not the one a converter that finished would get; and the child is gone, not left sleeping.
        Assert.Equal("gdcmconv did not decode the JPEG-LS Lossless pixel data within 1 s and was stopped", error.Message);
        AssertGone(ReadPid(pidFile));
        Assert.Empty(Directory.EnumerateFileSystemEntries(tmp));
    }

    [Fact]
    public async Task CancellationKillsTheConverter()
    {
        var pidFile = _dir.File("slow.pid");
        var settings = new DicomReaderSettings { GdcmconvPath = Script("slow", $"echo $$ > '{pidFile}'\nexec sleep 60"), TempDirectory = TempFolder() };
        using var cancel = new CancellationTokenSource();
        var outcome = Bounded.OutcomeAsync(() => DicomFile.Open(DicomCorpus.PathOf(JpegLs), settings: settings, cancellationToken: cancel.Token), Generous, "cancel");
        // Cancelled once the converter is running, so the cancellation has a child to kill.
        int pid = await WrittenPidAsync(pidFile);
        await cancel.CancelAsync();
        Assert.IsAssignableFrom<OperationCanceledException>(await outcome);
        AssertGone(pid);
    }

    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    // The script writes its process id before it execs sleep, so the id is the sleeping converter's.
    private static int ReadPid(string pidFile) => int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<int> WrittenPidAsync(string pidFile)
    {
        for (var deadline = DateTime.UtcNow + Generous; ; await Task.Delay(20))
        {
            if (File.Exists(pidFile) && File.ReadAllText(pidFile).EndsWith('\n')) return ReadPid(pidFile);
            Assert.True(DateTime.UtcNow < deadline, "the converter never started");
        }
    }

    // The reader reaps its child before it returns, so the process id no longer names a process.
    private static void AssertGone(int pid) => Assert.False(Directory.Exists($"/proc/{pid}"), $"converter process {pid} is still there");

    [Fact]
    public void ConverterThatWritesNothingIsReported()
    {
        var settings = new DicomReaderSettings { GdcmconvPath = Script("silent", "exit 0"), TempDirectory = TempFolder() };
        Assert.Contains("gdcmconv reported success but wrote no output", Assert.Throws<ImageFormatException>(() => DicomFile.Open(DicomCorpus.PathOf(JpegLs), settings: settings)).Message);
    }

    [Fact]
    public void ConverterOutputThatStaysCompressedIsRejected()
    {
        // A converter that copies its input: the output is still JPEG-LS.
        var settings = new DicomReaderSettings { GdcmconvPath = Script("copies", "cp \"$2\" \"$3\""), TempDirectory = TempFolder() };
        Assert.Contains("gdcmconv left the pixel data encoded as JPEG-LS Lossless", Assert.Throws<ImageFormatException>(() => DicomFile.Open(DicomCorpus.PathOf(JpegLs), settings: settings)).Message);
    }

    [Fact]
    public void RealDecodeLeavesNoTemporaryFiles()
    {
        var tmp = TempFolder();
        var file = DicomFile.Open(DicomCorpus.PathOf("JPGExtended.dcm"), settings: new DicomReaderSettings { TempDirectory = tmp });
        Assert.Equal("gdcmconv", file.Decoder);
        Assert.Equal("1.2.840.10008.1.2.4.51", file.Metadata.Extra["dicom.transfer_syntax_uid"]);
        Assert.Empty(Directory.EnumerateFileSystemEntries(tmp));
    }

    [Fact]
    public void JpegYbr422IsConvertedToRgbForDisplay()
    {
        // GDCM hands back YBR_FULL for this YBR_FULL_422 baseline JPEG; the windowed output must be RGB,
        // and equal (within JPEG rounding) to the RGB version of the same picture.
        var ybr = new DicomReader().Read(DicomCorpus.PathOf("SC_rgb_dcmtk_+eb+cy+np.dcm"), ImageReadOptions.Default).Single();
        var rgb = new DicomReader().Read(DicomCorpus.PathOf("SC_rgb_rle.dcm"), ImageReadOptions.Default).Single();
        Assert.Equal("YBR_FULL_422", ybr.Metadata.Extra["dicom.photometric"]);
        Assert.Equal("YBR_FULL", ybr.Metadata.Extra["dicom.decoded_photometric"]);
        Assert.Equal("YBR_FULL converted to RGB", ybr.Metadata.Extra["dicom.color"]);
        double meanDifference = ybr.Frame.Data.Zip(rgb.Frame.Data, (a, b) => Math.Abs(a - b)).Average();
        Assert.True(meanDifference < 3, $"YBR JPEG vs RGB differ by {meanDifference:F2} on average");
    }
}
