using System.Text.RegularExpressions;

namespace Vigil.Imaging.Numpy;

/// <summary>The task a MedMNIST dataset's labels describe.</summary>
public enum MedMnistTask
{
    /// <summary>One class out of several per image.</summary>
    MultiClass,
    /// <summary>One of two classes per image.</summary>
    BinaryClass,
    /// <summary>Any number of findings per image (ChestMNIST): a 0/1 vector; none set means normal.</summary>
    MultiLabel,
    /// <summary>Ordered grades (RetinaMNIST's diabetic retinopathy grades 0–4).</summary>
    OrdinalRegression,
}

/// <summary>One MedMNIST v2 2D dataset: its official label names and what the images show.</summary>
/// <param name="Name">File-name key, lower case ("pneumoniamnist").</param>
/// <param name="Labels">Official label names by class index (medmnist's INFO table).</param>
/// <param name="NormalClass">The label meaning "no finding", or null when the dataset has none (organ, cell-type datasets).</param>
/// <param name="Region">Body region, spelled as Vigil.Core's AnatomicalRegion ("chest", "abdomen", "retina"…).</param>
/// <param name="Anatomy">Finer anatomy the images show ("lung", "colon", "kidney"…).</param>
/// <param name="Modality">Imaging modality, spelled as Vigil.Core's ImagingModality ("X-ray", "CT", "OCT", "microscopy"…).</param>
/// <param name="Task">What the labels describe.</param>
/// <param name="Channels">1 (grey) or 3 (RGB).</param>
public sealed record MedMnistDataset(
    string Name, IReadOnlyList<string> Labels, string? NormalClass, string Region, string Anatomy, string Modality,
    MedMnistTask Task, int Channels);

/// <summary>
/// The MedMNIST v2 2D datasets with their official label names (from medmnist's INFO table), normal class,
/// region and modality, so the dataset organizer can name classes and choose the normal class of an npz file.
/// </summary>
public static partial class MedMnistCatalog
{
    /// <summary>Label given to a multi-label image with no finding set (ChestMNIST), and ChestMNIST's normal class.</summary>
    public const string NoFinding = "normal";

    private static readonly string[] Organs =
        ["bladder", "femur-left", "femur-right", "heart", "kidney-left", "kidney-right", "liver", "lung-left", "lung-right", "pancreas", "spleen"];

    /// <summary>Every dataset, in medmnist's order.</summary>
    public static IReadOnlyList<MedMnistDataset> Datasets { get; } =
    [
        new("pathmnist", ["adipose", "background", "debris", "lymphocytes", "mucus", "smooth muscle", "normal colon mucosa",
                "cancer-associated stroma", "colorectal adenocarcinoma epithelium"],
            "normal colon mucosa", "abdomen", "colon", "microscopy", MedMnistTask.MultiClass, 3),
        new("chestmnist", ["atelectasis", "cardiomegaly", "effusion", "infiltration", "mass", "nodule", "pneumonia", "pneumothorax",
                "consolidation", "edema", "emphysema", "fibrosis", "pleural", "hernia"],
            NoFinding, "chest", "lung", "X-ray", MedMnistTask.MultiLabel, 1),
        new("dermamnist", ["actinic keratoses and intraepithelial carcinoma", "basal cell carcinoma", "benign keratosis-like lesions",
                "dermatofibroma", "melanoma", "melanocytic nevi", "vascular lesions"],
            null, "skin", "skin lesion", "dermoscopy", MedMnistTask.MultiClass, 3),
        new("octmnist", ["choroidal neovascularization", "diabetic macular edema", "drusen", "normal"],
            "normal", "retina", "retina", "OCT", MedMnistTask.MultiClass, 1),
        new("pneumoniamnist", ["normal", "pneumonia"], "normal", "chest", "lung", "X-ray", MedMnistTask.BinaryClass, 1),
        new("retinamnist", ["0", "1", "2", "3", "4"], "0", "retina", "retina", "fundus", MedMnistTask.OrdinalRegression, 3),
        new("breastmnist", ["malignant", "normal, benign"], "normal, benign", "breast", "breast", "ultrasound", MedMnistTask.BinaryClass, 1),
        new("bloodmnist", ["basophil", "eosinophil", "erythroblast", "immature granulocytes(myelocytes, metamyelocytes and promyelocytes)",
                "lymphocyte", "monocyte", "neutrophil", "platelet"],
            null, "blood", "blood cells", "microscopy", MedMnistTask.MultiClass, 3),
        new("tissuemnist", ["Collecting Duct, Connecting Tubule", "Distal Convoluted Tubule", "Glomerular endothelial cells",
                "Interstitial endothelial cells", "Leukocytes", "Podocytes", "Proximal Tubule Segments", "Thick Ascending Limb"],
            null, "abdomen", "kidney", "microscopy", MedMnistTask.MultiClass, 1),
        new("organamnist", Organs, null, "abdomen", "abdominal organs (axial)", "CT", MedMnistTask.MultiClass, 1),
        new("organcmnist", Organs, null, "abdomen", "abdominal organs (coronal)", "CT", MedMnistTask.MultiClass, 1),
        new("organsmnist", Organs, null, "abdomen", "abdominal organs (sagittal)", "CT", MedMnistTask.MultiClass, 1),
    ];

    /// <summary>
    /// The dataset a file or name refers to: "pneumoniamnist", "PneumoniaMNIST.npz", "/data/pneumoniamnist_224.npz"
    /// (MedMNIST+ size suffixes are ignored). Null when it is not a MedMNIST 2D dataset.
    /// </summary>
    public static MedMnistDataset? Find(string nameOrPath)
    {
        var name = Path.GetFileName(nameOrPath).ToLowerInvariant();
        if (name.EndsWith(".npz", StringComparison.Ordinal)) name = name[..^4];
        name = SizeSuffix().Replace(name, "");
        foreach (var dataset in Datasets)
            if (dataset.Name == name) return dataset;
        return null;
    }

    [GeneratedRegex(@"_\d+$")]
    private static partial Regex SizeSuffix();
}
