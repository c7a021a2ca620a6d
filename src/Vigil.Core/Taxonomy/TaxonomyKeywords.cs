using R = Vigil.Core.Taxonomy.AnatomicalRegion;
using M = Vigil.Core.Taxonomy.ImagingModality;

namespace Vigil.Core.Taxonomy;

/// <summary>
/// Recognises region and modality from words in paths, file names and tags ("brain_mri/tumor/x.png" → brain, MRI).
/// Keywords match whole words only (see <see cref="TaxonomyText.Words"/>). When several keywords disagree, the one
/// nearest the end of the text wins: in a path that is the one nearest the file, the most specific.
/// </summary>
public static class TaxonomyKeywords
{
    private readonly record struct Entry(string? Region, string? Modality);

    // One-word keywords. Words too ambiguous outside medicine ("pet", "us", "cr", "blood") are left out on purpose:
    // a wrong region is worse than "unknown".
    private static readonly Dictionary<string, Entry> Single = BuildSingle();

    // Two-word keywords, "first second".
    private static readonly Dictionary<string, Entry> Pairs = new(StringComparer.Ordinal)
    {
        ["x ray"] = new(null, M.XRay), ["x rays"] = new(null, M.XRay),
        ["magnetic resonance"] = new(null, M.Mri), ["computed tomography"] = new(null, M.Ct),
        ["cat scan"] = new(null, M.Ct), ["whole body"] = new(R.WholeBody, null),
    };

    private static Dictionary<string, Entry> BuildSingle()
    {
        var map = new Dictionary<string, Entry>(StringComparer.Ordinal);
        void Add(string? region, string? modality, params string[] words) { foreach (var w in words) map[w] = new(region, modality); }

        Add(R.Brain, null, "brain", "brains", "head", "cerebral", "cerebrum", "cerebellum", "cranial", "intracranial", "neuro",
            "neuroimaging", "glioma", "gliomas", "glioblastoma", "meningioma", "pituitary", "alzheimer", "alzheimers", "dementia",
            "braintumor", "braintumour");
        Add(R.Brain, M.Mri, "brats");
        Add(null, M.Mri, "mri", "mr", "t1", "t2", "t1w", "t2w", "t1c", "t1ce", "flair", "dwi", "adc", "swi", "mprage");
        Add(R.HeadNeck, null, "neck", "thyroid", "throat", "larynx");
        Add(R.Chest, null, "chest", "lung", "lungs", "thorax", "thoracic", "pulmonary", "pneumonia", "covid", "covid19", "sars",
            "tuberculosis", "pneumothorax", "pleural", "atelectasis", "cardiomegaly");
        Add(R.Chest, M.XRay, "cxr", "chestxray", "chestxrays", "chexpert");
        Add(null, M.XRay, "xray", "xrays", "radiograph", "radiographs", "radiography");
        Add(R.Cardiac, null, "heart", "cardiac", "cardio", "coronary");
        Add(R.Cardiac, M.Ultrasound, "echocardiography", "echocardiogram");
        Add(R.Abdomen, null, "abdomen", "abdominal", "liver", "hepatic", "kidney", "kidneys", "renal", "pancreas", "pancreatic",
            "spleen", "stomach", "gastric", "colon", "colorectal", "bowel", "intestine", "gallbladder");
        Add(R.Pelvis, null, "pelvis", "pelvic", "prostate", "bladder", "uterus", "ovarian");
        Add(null, M.Ct, "ct", "cta", "ctscan");
        Add(R.Musculoskeletal, null, "bone", "bones", "fracture", "fractures", "knee", "knees", "hip", "hips", "wrist", "elbow",
            "shoulder", "hand", "hands", "foot", "feet", "ankle", "femur", "humerus", "skeletal", "musculoskeletal", "msk",
            "arthritis", "osteoarthritis", "joint", "joints");
        Add(R.Musculoskeletal, M.XRay, "mura");
        Add(R.Spine, null, "spine", "spinal", "vertebra", "vertebrae", "vertebral", "lumbar", "scoliosis");
        Add(R.Retina, null, "retina", "retinal", "retinopathy", "glaucoma", "macular", "macula", "eye", "eyes", "ophthalmic",
            "ophthalmology");
        Add(R.Retina, M.Fundus, "fundus");
        Add(R.Retina, M.Oct, "oct");
        Add(R.Breast, null, "breast", "breasts", "inbreast", "cbis");
        Add(R.Breast, M.Mammography, "mammo", "mammogram", "mammograms", "mammography", "ddsm");
        Add(R.Skin, null, "skin", "dermatology", "melanoma", "nevus", "naevus");
        Add(R.Skin, M.Dermoscopy, "derm", "dermoscopy", "dermatoscopy", "dermoscopic", "isic");
        Add(R.Dental, null, "dental", "teeth", "tooth");
        Add(null, M.Ultrasound, "ultrasound", "ultrasonography", "sonography", "sonogram", "echo");
        Add(null, M.Microscopy, "histology", "histopathology", "histopathological", "pathology", "microscopy");
        Add(null, M.Endoscopy, "endoscopy", "endoscopic", "gastroscopy", "kvasir");
        Add(R.Abdomen, M.Endoscopy, "colonoscopy");
        Add(null, M.NuclearMedicine, "spect", "scintigraphy");
        return map;
    }

    /// <summary>
    /// Region and modality named by keywords in <paramref name="text"/>; each null when no keyword names it.
    /// Region and modality are decided independently, each by the keyword nearest the end of the text.
    /// </summary>
    public static TaxonomyMatch Detect(string? text)
    {
        var words = TaxonomyText.Words(text);
        string? region = null, modality = null, regionWord = null, modalityWord = null;
        for (int i = words.Count - 1; i >= 0 && (region is null || modality is null); i--)
        {
            if (!TryMatch(words, i, out var entry, out var keyword)) continue;
            if (region is null && entry.Region is not null) { region = entry.Region; regionWord = keyword; }
            if (modality is null && entry.Modality is not null) { modality = entry.Modality; modalityWord = keyword; }
        }
        return region is null && modality is null ? TaxonomyMatch.None : new TaxonomyMatch(region, modality, regionWord, modalityWord);
    }

    private static bool TryMatch(IReadOnlyList<TaxonomyText.Word> words, int i, out Entry entry, out string keyword)
    {
        var word = words[i];
        // A two-word keyword ending here ("x ray"); the previous word must sit at the previous position.
        for (int j = i - 1; j >= 0 && words[j].Position >= word.Position - 1; j--)
        {
            if (words[j].Position != word.Position - 1) continue;
            var pair = words[j].Text + " " + word.Text;
            if (Pairs.TryGetValue(pair, out entry)) { keyword = pair; return true; }
        }
        keyword = word.Text;
        return Single.TryGetValue(word.Text, out entry);
    }
}
