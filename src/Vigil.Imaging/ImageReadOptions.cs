namespace Vigil.Imaging;

/// <summary>Axis along which a 3D volume is cut into 2D slices.</summary>
public enum SliceAxis
{
    /// <summary>Slices perpendicular to the third voxel axis (k), axial for most acquisitions.</summary>
    Axial,
    /// <summary>Slices perpendicular to the second voxel axis (j).</summary>
    Coronal,
    /// <summary>Slices perpendicular to the first voxel axis (i).</summary>
    Sagittal,
}

/// <summary>Options shared by all readers; each reader uses the ones that apply to it.</summary>
public sealed record ImageReadOptions
{
    /// <summary>Axis for slicing volumes (NIfTI, 3D arrays).</summary>
    public SliceAxis SliceAxis { get; init; } = SliceAxis.Axial;
    /// <summary>Skip slices whose voxels are all equal (empty background) when slicing volumes.</summary>
    public bool SkipEmptySlices { get; init; } = true;
    /// <summary>Largest number of pixels one image may declare; larger declarations are rejected before any allocation.</summary>
    public long MaxPixelsPerImage { get; init; } = 1L << 28;
    /// <summary>Which volume of a 4D series (NIfTI dim[4]) to slice; 0, the first, by default.</summary>
    public int VolumeIndex { get; init; }
    /// <summary>DICOM only: display values (windowed, the default) or the raw stored values; see docs/formats-dicom.md.</summary>
    public Dicom.DicomValues DicomValues { get; init; } = Dicom.DicomValues.Windowed;
    /// <summary>The default options.</summary>
    public static ImageReadOptions Default { get; } = new();
}
