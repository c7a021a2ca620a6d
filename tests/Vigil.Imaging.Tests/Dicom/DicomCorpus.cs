using Vigil.Imaging.Tests.Support;

namespace Vigil.Imaging.Tests.Dicom;

/// <summary>
/// pydicom's test corpus (Debian python3-pydicom) and what the reader must do with each file: decode to the
/// reference in <see cref="DicomReferenceData"/>, or fail with the message listed here.
/// </summary>
public static class DicomCorpus
{
    public static string Root => TestCorpora.Pydicom;

    /// <summary>Every file under the corpus folder, relative, with '/' separators; enumerated at test time.</summary>
    public static IReadOnlyList<string> AllFiles() =>
        Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Root, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToArray();

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    private const string NotDicom = "not a DICOM file: no 'DICM' marker at byte 128";
    private const string DicomDir = "no pixel data (SOP class 1.2.840.10008.1.3.10, Media Storage Directory Storage (DICOMDIR))";

    /// <summary>Files that must fail, with a fragment of the expected message. A trailing '*' matches a prefix.</summary>
    public static readonly IReadOnlyList<(string Pattern, string Message)> ExpectedFailures =
    [
        // Malformed on purpose.
        ("badVR.dcm", "NumberOfFrames (0028,0008) is '1A', not an integer"),
        ("MR_truncated.dcm", "truncated: PixelData at offset 1488 declares 8192 bytes but only 8130 remain"),
        ("rtplan_truncated.dcm", "truncated: element (300A,00B0) at offset 1410 declares 976 bytes but only 711 remain"),
        ("JPEG2000-embedded-sequence-delimiter.dcm", "gdcmconv could not decode the JPEG 2000 Image Compression pixel data (exit code 1): Invalid number of tiles"),
        ("meta_missing_tsyntax.dcm", "PixelData is present but Rows (0028,0010) is missing"),
        ("nested_priv_SQ.dcm", "PixelData is present but Rows (0028,0010) is missing"),
        // CT_small's data set cut one byte late, so it starts with a stray 0x20: no recognisable start.
        ("no_meta.dcm", NotDicom),
        // Not images.
        ("ExplVR_BigEndNoMeta.dcm", "no pixel data (SOP class 1.2.840.10008.5.1.4.1.1.481.8, RT Ion Plan Storage)"),
        ("ExplVR_LitEndNoMeta.dcm", "no pixel data (SOP class 1.2.840.10008.5.1.4.1.1.481.8, RT Ion Plan Storage)"),
        ("empty_charset_LEI.dcm", "no pixel data (SOP class unknown)"),
        ("no_meta_group_length.dcm", "no pixel data (SOP class 1.2.840.10008.5.1.4.1.1.481.1, RT Image Storage)"),
        ("priv_SQ.dcm", "no pixel data (SOP class 1.2.840.10008.5.1.4.1.1.4, MR Image Storage)"),
        ("reportsi.dcm", "no pixel data (SOP class 1.2.840.10008.5.1.4.1.1.88.11, Basic Text SR Storage)"),
        ("reportsi_with_empty_number_tags.dcm", "no pixel data (SOP class 1.2.840.10008.5.1.4.1.1.88.11, Basic Text SR Storage)"),
        ("rtplan.dcm", "no pixel data (SOP class 1.2.840.10008.5.1.4.1.1.481.5, RT Plan Storage)"),
        ("rtstruct.dcm", "no pixel data (SOP class 1.2.840.10008.5.1.4.1.1.481.3, RT Structure Set Storage)"),
        ("test-SR.dcm", "no pixel data (SOP class 1.2.840.10008.5.1.4.1.1.88.33, Comprehensive SR Storage)"),
        ("UN_sequence.dcm", "no pixel data (SOP class 1.2.840.10008.5.1.4.1.1.2, CT Image Storage)"),
        ("waveform_ecg.dcm", "no pixel data (SOP class 1.2.840.10008.5.1.4.1.1.9.1.1, 12-lead ECG Waveform Storage)"),
        ("dicomdirtests/DICOMDIR*", DicomDir),
        ("dicomdirtests/TINY_ALPHA/DICOMDIR", DicomDir),
        ("dicomdirtests/TINY_ALPHA/PT000000/ST000000/SE000000/IM*", "no pixel data (SOP class 1.2.840.10008.5.1.4.1.1.2, CT Image Storage)"),
        // Not DICOM at all.
        ("README.txt", NotDicom),
        ("dicomdirtests/README.txt", NotDicom),
        ("dicomdirtests/TINY_ALPHA/README", NotDicom),
        ("rtplan.dump", NotDicom),
        ("rtstruct.dump", NotDicom),
        ("test1.json", NotDicom),
        ("test_PN.json", NotDicom),
        ("zipMR.gz", NotDicom),
    ];

    public static DicomReference? ReferenceFor(string relative) =>
        DicomReferenceData.All.SingleOrDefault(r => r.File == relative);

    public static string? ExpectedFailure(string relative) =>
        ExpectedFailures.FirstOrDefault(f => f.Pattern.EndsWith('*') ? relative.StartsWith(f.Pattern[..^1], StringComparison.Ordinal) : relative == f.Pattern).Message;
}
