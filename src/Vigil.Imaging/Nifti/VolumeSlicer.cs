namespace Vigil.Imaging.Nifti;

/// <summary>
/// Cuts a volume (i fastest, then j, then k) into 2D slices, oriented so that RAS-stored data displays
/// anatomically: columns follow the first in-plane axis left to right, rows follow the second in-plane axis
/// from its high end at the top (axial: j reversed, anterior up; coronal and sagittal: k reversed, superior up).
/// No reorientation by qform/sform is done: slices follow the voxel axes as stored.
/// </summary>
internal sealed class VolumeSlicer(int nx, int ny, int nz, int elementSize, SliceAxis axis)
{
    /// <summary>Number of slices along the axis.</summary>
    public int Count => axis switch { SliceAxis.Axial => nz, SliceAxis.Coronal => ny, _ => nx };
    /// <summary>Slice width in pixels.</summary>
    public int Width => axis == SliceAxis.Sagittal ? ny : nx;
    /// <summary>Slice height in pixels.</summary>
    public int Height => axis == SliceAxis.Axial ? ny : nz;

    /// <summary>Copies the raw samples of slice <paramref name="index"/> into <paramref name="destination"/> (Width×Height elements).</summary>
    public void Extract(ReadOnlySpan<byte> voxels, int index, Span<byte> destination)
    {
        int s = elementSize;
        long rowBytes = (long)nx * s, planeBytes = rowBytes * ny;
        switch (axis)
        {
            case SliceAxis.Axial: // k = index; row r is j = ny-1-r, a contiguous run along i
                for (int r = 0; r < ny; r++)
                    voxels.Slice((int)(index * planeBytes + (ny - 1 - r) * rowBytes), (int)rowBytes).CopyTo(destination[(int)(r * rowBytes)..]);
                break;
            case SliceAxis.Coronal: // j = index; row r is k = nz-1-r, a contiguous run along i
                for (int r = 0; r < nz; r++)
                    voxels.Slice((int)((nz - 1 - r) * planeBytes + index * rowBytes), (int)rowBytes).CopyTo(destination[(int)(r * rowBytes)..]);
                break;
            default: // i = index; row r is k = nz-1-r, columns run along j (stride of one row)
                for (int r = 0; r < nz; r++)
                {
                    long plane = (nz - 1 - r) * planeBytes + (long)index * s;
                    var target = destination.Slice(r * ny * s, ny * s);
                    for (int j = 0; j < ny; j++) voxels.Slice((int)(plane + j * rowBytes), s).CopyTo(target[(j * s)..]);
                }
                break;
        }
    }
}
