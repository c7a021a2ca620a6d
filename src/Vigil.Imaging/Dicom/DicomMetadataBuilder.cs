using System.Globalization;

namespace Vigil.Imaging.Dicom;

/// <summary>Builds the file-level <see cref="ImageMetadata"/>: identifying tags plus cheap facts in <see cref="ImageMetadata.Extra"/>.</summary>
internal static class DicomMetadataBuilder
{
    public static ImageMetadata Build(ParsedDicom parsed, DicomImageInfo fileImage, DicomImageInfo decodedImage, DisplayParameters display, string decoder)
    {
        var ds = parsed.DataSet;
        var extra = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["dicom.transfer_syntax_uid"] = parsed.Syntax.Uid,
            ["dicom.transfer_syntax"] = parsed.Syntax.Name + (parsed.SyntaxGuessed ? " (guessed: the file names none)" : ""),
            ["dicom.decoder"] = decoder,
            ["dicom.photometric"] = fileImage.PhotometricInterpretation,
            ["dicom.rows"] = Invariant(fileImage.Rows),
            ["dicom.columns"] = Invariant(fileImage.Columns),
            ["dicom.frames"] = Invariant(fileImage.Frames),
            ["dicom.samples_per_pixel"] = Invariant(fileImage.SamplesPerPixel),
            ["dicom.bits_allocated"] = Invariant(fileImage.BitsAllocated),
            ["dicom.bits_stored"] = Invariant(fileImage.BitsStored),
            ["dicom.pixel_representation"] = fileImage.IsSigned ? "1" : "0",
            ["dicom.rescale"] = display.DescribeRescale(),
        };
        if (decodedImage.PhotometricInterpretation != fileImage.PhotometricInterpretation)
            extra["dicom.decoded_photometric"] = decodedImage.PhotometricInterpretation;
        if (decodedImage.BitsStored != fileImage.BitsStored)
            extra["dicom.decoded_bits_stored"] = Invariant(decodedImage.BitsStored);
        if (display.Note is not null) extra["dicom.display_note"] = display.Note;
        AddIfPresent(extra, "dicom.sop_class_uid", ds.GetString(DicomTag.SopClassUid) ?? parsed.Meta.GetString(DicomTag.MediaStorageSopClassUid));
        AddIfPresent(extra, "dicom.sop_instance_uid", ds.GetString(DicomTag.SopInstanceUid));
        AddIfPresent(extra, "dicom.pixel_spacing", ds.GetString(DicomTag.PixelSpacing));
        AddIfPresent(extra, "dicom.slice_thickness", ds.GetString(DicomTag.SliceThickness));
        AddIfPresent(extra, "dicom.instance_number", ds.GetString(DicomTag.InstanceNumber));
        AddIfPresent(extra, "dicom.manufacturer", ds.GetString(DicomTag.Manufacturer));
        AddIfPresent(extra, "dicom.lossy_compression", ds.GetString(DicomTag.LossyImageCompression));
        AddIfPresent(extra, "dicom.specific_character_set", ds.GetString(DicomTag.SpecificCharacterSet));

        return new ImageMetadata
        {
            Modality = ds.GetString(DicomTag.Modality),
            BodyPart = ds.GetString(DicomTag.BodyPartExamined),
            PatientId = ds.GetString(DicomTag.PatientId),
            StudyInstanceUid = ds.GetString(DicomTag.StudyInstanceUid),
            SeriesInstanceUid = ds.GetString(DicomTag.SeriesInstanceUid),
            SeriesDescription = ds.GetString(DicomTag.SeriesDescription),
            Extra = extra,
        };
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static void AddIfPresent(Dictionary<string, string> extra, string key, string? value)
    {
        if (value is not null) extra[key] = value;
    }
}
