namespace Vigil.Imaging;

/// <summary>
/// What a reader learned about an image besides its pixels. Every field is optional: a PNG knows
/// nothing of patients, a DICOM file knows a lot. Container formats (npz, IDX) carry labels and the
/// source's official split; medical formats carry acquisition tags.
/// </summary>
public sealed record ImageMetadata
{
    /// <summary>DICOM Modality (0008,0060) or an equivalent (e.g. "MR", "CT", "CR").</summary>
    public string? Modality { get; init; }
    /// <summary>DICOM BodyPartExamined (0018,0015) or an equivalent.</summary>
    public string? BodyPart { get; init; }
    /// <summary>DICOM PatientID (0010,0020) or an equivalent.</summary>
    public string? PatientId { get; init; }
    /// <summary>DICOM StudyInstanceUID (0020,000D).</summary>
    public string? StudyInstanceUid { get; init; }
    /// <summary>DICOM SeriesInstanceUID (0020,000E).</summary>
    public string? SeriesInstanceUid { get; init; }
    /// <summary>DICOM SeriesDescription (0008,103E).</summary>
    public string? SeriesDescription { get; init; }
    /// <summary>Class label carried by the container (npz/IDX label arrays), already mapped to a name when known.</summary>
    public string? Label { get; init; }
    /// <summary>Official split carried by the container ("train", "val", "test"), when the source defines one.</summary>
    public string? OfficialSplit { get; init; }
    /// <summary>Any other facts worth keeping (transfer syntax, windowing applied, slice axis…).</summary>
    public IReadOnlyDictionary<string, string> Extra { get; init; } = new Dictionary<string, string>();

    /// <summary>An empty metadata record.</summary>
    public static ImageMetadata Empty { get; } = new();
}
