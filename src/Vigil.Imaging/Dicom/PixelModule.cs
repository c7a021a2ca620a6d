namespace Vigil.Imaging.Dicom;

/// <summary>Reads and validates the Image Pixel module of a data set into a <see cref="DicomImageInfo"/>.</summary>
internal static class PixelModule
{
    private static readonly HashSet<string> SingleSample = ["MONOCHROME1", "MONOCHROME2", "PALETTE COLOR"];
    private static readonly HashSet<string> ThreeSamples =
        ["RGB", "YBR_FULL", "YBR_FULL_422", "YBR_PARTIAL_422", "YBR_PARTIAL_420", "YBR_ICT", "YBR_RCT"];

    /// <exception cref="DicomException">A required attribute is missing or the combination is not decodable.</exception>
    public static DicomImageInfo Read(DicomDataSet dataSet, ImageReadOptions options)
    {
        int rows = Required(dataSet, DicomTag.Rows, "Rows");
        int columns = Required(dataSet, DicomTag.Columns, "Columns");
        if (rows == 0 || columns == 0) throw new DicomException($"image is {columns}x{rows} pixels (Columns x Rows); nothing to decode");
        long pixels = (long)rows * columns;
        if (pixels > options.MaxPixelsPerImage)
            throw new DicomException($"image declares {columns}x{rows} = {pixels} pixels, above the limit of {options.MaxPixelsPerImage}");

        int samples = dataSet.GetUInt16(DicomTag.SamplesPerPixel) ?? 1;
        // Whatever the configured limit, one frame's samples must fit in one array.
        if (pixels * Math.Max(1, samples) > Array.MaxLength)
            throw new DicomException($"image declares {columns}x{rows}x{samples} samples, more than one frame can hold in memory");
        var photometric = dataSet.GetString(DicomTag.PhotometricInterpretation)?.ToUpperInvariant()
            ?? (samples == 3 ? "RGB" : "MONOCHROME2");
        if (samples is not (1 or 3)) throw new DicomException($"SamplesPerPixel {samples} is not supported (only 1 or 3)");
        bool single = SingleSample.Contains(photometric), three = ThreeSamples.Contains(photometric);
        if (!single && !three) throw new DicomException($"PhotometricInterpretation '{DicomDataSet.Shorten(photometric)}' is not supported");
        if (single != (samples == 1)) throw new DicomException($"PhotometricInterpretation {photometric} does not fit SamplesPerPixel {samples}");

        int bitsAllocated = Required(dataSet, DicomTag.BitsAllocated, "BitsAllocated");
        if (bitsAllocated is not (1 or 8 or 16 or 32)) throw new DicomException($"BitsAllocated {bitsAllocated} is not supported (1, 8, 16 or 32)");
        if (bitsAllocated == 1 && samples != 1) throw new DicomException("BitsAllocated 1 is only defined for single-sample images");
        int bitsStored = dataSet.GetUInt16(DicomTag.BitsStored) ?? bitsAllocated;
        if (bitsStored < 1 || bitsStored > bitsAllocated)
            throw new DicomException($"BitsStored {bitsStored} does not fit BitsAllocated {bitsAllocated}");
        int highBit = dataSet.GetUInt16(DicomTag.HighBit) ?? bitsStored - 1;
        // A High Bit that puts stored bits outside the allocated ones is a writer bug; the usual meaning is BitsStored-1.
        if (highBit < bitsStored - 1 || highBit >= bitsAllocated) highBit = bitsStored - 1;
        int representation = dataSet.GetUInt16(DicomTag.PixelRepresentation) ?? 0;
        if (representation is not (0 or 1)) throw new DicomException($"PixelRepresentation {representation} is invalid (0 or 1)");

        long frames = dataSet.GetIntegerString(DicomTag.NumberOfFrames, "NumberOfFrames") ?? 1;
        if (frames < 1 || frames > int.MaxValue) throw new DicomException($"NumberOfFrames {frames} is invalid");
        int planar = samples == 3 ? dataSet.GetUInt16(DicomTag.PlanarConfiguration) ?? 0 : 0;
        if (planar is not (0 or 1)) throw new DicomException($"PlanarConfiguration {planar} is invalid (0 or 1)");

        return new DicomImageInfo(rows, columns, (int)frames, samples, bitsAllocated, bitsStored, highBit,
            representation == 1, photometric, planar);
    }

    private static int Required(DicomDataSet dataSet, DicomTag tag, string name) =>
        dataSet.GetUInt16(tag) ?? throw new DicomException($"PixelData is present but {name} {tag} is missing");
}
