namespace Vigil.Core.Taxonomy;

/// <summary>
/// Canonical anatomical regions. Datasets, models and reports use these exact lower-case names so that
/// "Chest", "thorax" and "LUNG" all count as one region; <see cref="Unknown"/> is stated, never guessed.
/// </summary>
public static class AnatomicalRegion
{
    /// <summary>Brain and head (DICOM HEAD, BRAIN, SKULL).</summary>
    public const string Brain = "brain";
    /// <summary>Neck, throat, thyroid.</summary>
    public const string HeadNeck = "head_neck";
    /// <summary>Vertebral column.</summary>
    public const string Spine = "spine";
    /// <summary>Chest, lungs, thorax.</summary>
    public const string Chest = "chest";
    /// <summary>Heart.</summary>
    public const string Cardiac = "cardiac";
    /// <summary>Abdomen and its organs (liver, kidney, pancreas, bowel…).</summary>
    public const string Abdomen = "abdomen";
    /// <summary>Pelvis, prostate, bladder.</summary>
    public const string Pelvis = "pelvis";
    /// <summary>Bones, joints and limbs.</summary>
    public const string Musculoskeletal = "musculoskeletal";
    /// <summary>Breast.</summary>
    public const string Breast = "breast";
    /// <summary>Retina and eye.</summary>
    public const string Retina = "retina";
    /// <summary>Skin.</summary>
    public const string Skin = "skin";
    /// <summary>Teeth and jaw.</summary>
    public const string Dental = "dental";
    /// <summary>Blood (cell smears).</summary>
    public const string Blood = "blood";
    /// <summary>Whole body.</summary>
    public const string WholeBody = "whole_body";
    /// <summary>Not known: no reliable clue was found.</summary>
    public const string Unknown = "unknown";

    /// <summary>Every canonical region name, <see cref="Unknown"/> last.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        Brain, HeadNeck, Spine, Chest, Cardiac, Abdomen, Pelvis, Musculoskeletal,
        Breast, Retina, Skin, Dental, Blood, WholeBody, Unknown,
    ];

    // Spellings a person (a --region option, a CSV column) may use for a canonical name.
    private static readonly Dictionary<string, string> Synonyms = BuildSynonyms();

    private static Dictionary<string, string> BuildSynonyms()
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in All) map[name] = name;
        void Add(string canonical, params string[] words) { foreach (var w in words) map[w] = canonical; }
        Add(Brain, "head", "neuro", "cerebral", "skull", "cranial");
        Add(HeadNeck, "neck", "headneck", "thyroid", "throat");
        Add(Spine, "spinal", "vertebra", "vertebrae", "cspine", "tspine", "lspine", "sspine");
        Add(Chest, "thorax", "thoracic", "lung", "lungs", "pulmonary");
        Add(Cardiac, "heart", "cardio");
        Add(Abdomen, "abdominal", "liver", "kidney", "kidneys", "pancreas", "colon", "bowel", "stomach", "spleen", "abdomenpelvis");
        Add(Pelvis, "pelvic", "prostate", "bladder", "hip");
        Add(Musculoskeletal, "msk", "bone", "bones", "skeletal", "extremity", "extremities", "knee", "hand", "wrist", "elbow",
            "shoulder", "ankle", "foot", "arm", "leg", "joint");
        Add(Breast, "mamma", "mammary");
        Add(Retina, "eye", "retinal", "fundus", "ocular", "ophthalmic");
        Add(Skin, "derm", "dermatology", "dermal");
        Add(Dental, "teeth", "tooth", "jaw", "tmj", "mandible");
        Add(Blood, "hematology", "haematology");
        Add(WholeBody, "wholebody", "body", "whole");
        return map;
    }

    /// <summary>
    /// Maps a user-given name or synonym ("Thorax", "lung", "head") to its canonical region.
    /// </summary>
    /// <returns>True when the value is a known region or synonym.</returns>
    public static bool TryNormalize(string? value, out string region)
    {
        region = Unknown;
        var key = TaxonomyText.Compact(value);
        if (key.Length == 0) return false;
        if (!Synonyms.TryGetValue(key, out var found)) return false;
        region = found;
        return true;
    }

    /// <summary>
    /// Maps a DICOM BodyPartExamined (0018,0015) value ("CHEST", "HEAD", "LSPINE") to a region, or null when
    /// the tag is empty or names nothing this taxonomy knows.
    /// </summary>
    public static string? FromDicomBodyPart(string? bodyPart)
    {
        if (string.IsNullOrWhiteSpace(bodyPart)) return null;
        if (TryNormalize(bodyPart, out var region) && region != Unknown) return region;
        // Free-text values ("CHEST PA", "Head^Brain"): fall back to keywords on word boundaries.
        return TaxonomyKeywords.Detect(bodyPart).Region;
    }
}
