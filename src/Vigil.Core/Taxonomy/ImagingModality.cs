namespace Vigil.Core.Taxonomy;

/// <summary>
/// Canonical imaging modalities, spelled the way clinicians write them ("MRI", "CT", "X-ray").
/// <see cref="Unknown"/> is stated when nothing reliable says which modality an image comes from.
/// </summary>
public static class ImagingModality
{
    /// <summary>Magnetic resonance imaging (DICOM MR).</summary>
    public const string Mri = "MRI";
    /// <summary>Computed tomography (DICOM CT).</summary>
    public const string Ct = "CT";
    /// <summary>Projection radiography (DICOM CR, DX, DR, RG, RF, XA, PX, IO).</summary>
    public const string XRay = "X-ray";
    /// <summary>Ultrasound (DICOM US).</summary>
    public const string Ultrasound = "ultrasound";
    /// <summary>Fundus photography (DICOM OP).</summary>
    public const string Fundus = "fundus";
    /// <summary>Optical coherence tomography (DICOM OPT).</summary>
    public const string Oct = "OCT";
    /// <summary>Mammography (DICOM MG).</summary>
    public const string Mammography = "mammography";
    /// <summary>Dermoscopy and clinical skin photographs.</summary>
    public const string Dermoscopy = "dermoscopy";
    /// <summary>Positron emission tomography (DICOM PT).</summary>
    public const string Pet = "PET";
    /// <summary>Nuclear medicine, SPECT (DICOM NM, ST).</summary>
    public const string NuclearMedicine = "nuclear_medicine";
    /// <summary>Microscopy: histopathology slides, blood smears (DICOM SM, GM).</summary>
    public const string Microscopy = "microscopy";
    /// <summary>Endoscopy (DICOM ES).</summary>
    public const string Endoscopy = "endoscopy";
    /// <summary>Not known: no reliable clue was found.</summary>
    public const string Unknown = "unknown";

    /// <summary>Every canonical modality name, <see cref="Unknown"/> last.</summary>
    public static IReadOnlyList<string> All { get; } =
        [Mri, Ct, XRay, Ultrasound, Fundus, Oct, Mammography, Dermoscopy, Pet, NuclearMedicine, Microscopy, Endoscopy, Unknown];

    // DICOM Modality (0008,0060) defined terms. Codes that say nothing about the picture (OT, SC, SR…) are absent.
    private static readonly Dictionary<string, string> DicomCodes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["MR"] = Mri, ["CT"] = Ct,
        ["CR"] = XRay, ["DX"] = XRay, ["DR"] = XRay, ["RG"] = XRay, ["RF"] = XRay, ["XA"] = XRay, ["PX"] = XRay, ["IO"] = XRay,
        ["US"] = Ultrasound, ["IVUS"] = Ultrasound,
        ["OP"] = Fundus, ["OPT"] = Oct, ["IVOCT"] = Oct, ["MG"] = Mammography,
        ["PT"] = Pet, ["NM"] = NuclearMedicine, ["ST"] = NuclearMedicine,
        ["SM"] = Microscopy, ["GM"] = Microscopy, ["ES"] = Endoscopy, ["XC"] = Dermoscopy,
    };

    private static readonly Dictionary<string, string> Synonyms = BuildSynonyms();

    private static Dictionary<string, string> BuildSynonyms()
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in All) map[TaxonomyText.Compact(name)] = name;
        void Add(string canonical, params string[] words) { foreach (var w in words) map[TaxonomyText.Compact(w)] = canonical; }
        Add(Mri, "mr", "magnetic resonance", "nmr");
        Add(Ct, "ct scan", "cat", "computed tomography", "cta");
        Add(XRay, "xray", "x ray", "radiograph", "radiography", "cr", "dx", "dr", "cxr");
        Add(Ultrasound, "us", "sonography", "echo", "echography");
        Add(Fundus, "fundus photography", "op", "cfp");
        Add(Oct, "opt", "optical coherence tomography");
        Add(Mammography, "mammo", "mammogram", "mg");
        Add(Dermoscopy, "derm", "dermatoscopy", "dermoscopic", "xc");
        Add(Pet, "pt", "positron emission tomography");
        Add(NuclearMedicine, "nm", "spect", "scintigraphy", "nuclear medicine");
        Add(Microscopy, "histology", "histopathology", "pathology", "sm");
        Add(Endoscopy, "es", "colonoscopy");
        return map;
    }

    /// <summary>Maps a user-given name or synonym ("mr", "Xray", "CT scan") to its canonical modality.</summary>
    /// <returns>True when the value is a known modality or synonym.</returns>
    public static bool TryNormalize(string? value, out string modality)
    {
        modality = Unknown;
        var key = TaxonomyText.Compact(value);
        if (key.Length == 0 || !Synonyms.TryGetValue(key, out var found)) return false;
        modality = found;
        return true;
    }

    /// <summary>
    /// Maps a DICOM Modality code (MR→MRI, CT→CT, CR/DX/DR→X-ray, US→ultrasound, OP→fundus, OPT→OCT, MG→mammography…)
    /// to a canonical modality, or null for empty or uninformative codes (OT, SC, SR…).
    /// </summary>
    public static string? FromDicomCode(string? code)
    {
        if (string.IsNullOrWhiteSpace(code)) return null;
        // Multi-valued tags ("CT\PT") keep their first value.
        var first = code.Split('\\')[0].Trim();
        return DicomCodes.TryGetValue(first, out var modality) ? modality : null;
    }
}
