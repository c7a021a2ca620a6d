using Vigil.Core.Taxonomy;

namespace Vigil.Core.Tests.Taxonomy;

public class TaxonomyKeywordsTests
{
    [Theory]
    [InlineData("brain_mri/tumor/x.png", "brain", "MRI")]
    [InlineData("data/Head_CT/scan_001.png", "brain", "CT")]
    [InlineData("COVID-19_Radiography/Lung_Opacity/1.png", "chest", "X-ray")]
    [InlineData("COVID-19/Lung_Opacity/1.png", "chest", null)]
    [InlineData("chest_xray/train/PNEUMONIA/p.jpeg", "chest", "X-ray")]
    [InlineData("ChestXray14/images/0001.png", "chest", "X-ray")]
    [InlineData("cxr8/a.png", "chest", "X-ray")]
    [InlineData("MURA/XR_WRIST/patient1/image1.png", "musculoskeletal", "X-ray")]
    [InlineData("BraTS2021/T1ce/slice.png", "brain", "MRI")]
    [InlineData("kvasir/polyps/x.jpg", null, "endoscopy")]
    [InlineData("fundus_photos/glaucoma/eye1.jpg", "retina", "fundus")]
    [InlineData("OCT2017/DRUSEN/x.jpeg", "retina", "OCT")]
    [InlineData("CBIS-DDSM/mass/x.png", "breast", "mammography")]
    [InlineData("ISIC_2019/melanoma/x.jpg", "skin", "dermoscopy")]
    [InlineData("liver_tumor_ct/x.png", "abdomen", "CT")]
    [InlineData("x-ray/hand/x.png", "musculoskeletal", "X-ray")]
    [InlineData("knee_MRI_T2/a.png", "musculoskeletal", "MRI")]
    public void Recognises_regions_and_modalities_from_paths(string path, string? region, string? modality)
    {
        var match = TaxonomyKeywords.Detect(path);
        Assert.Equal(region, match.Region);
        Assert.Equal(modality, match.Modality);
    }

    [Theory]
    [InlineData("my_project/normal/a.png")]   // "ct" inside "project"
    [InlineData("abstract_art/x.png")]        // "ct" inside "abstract"
    [InlineData("perfect/strict/x.png")]
    [InlineData("heartbreak_hotel.png")]      // "heart" inside a longer word
    [InlineData("chestnut_trees/a.png")]      // "chest" inside "chestnut"
    [InlineData("")]
    [InlineData(null)]
    public void Does_not_match_keywords_inside_longer_words(string? path)
    {
        Assert.Equal(TaxonomyMatch.None, TaxonomyKeywords.Detect(path));
    }

    [Fact]
    public void The_keyword_nearest_the_file_wins_and_says_which_word_decided()
    {
        var match = TaxonomyKeywords.Detect("chest_studies/brain/mri/x.png");
        Assert.Equal("brain", match.Region);
        Assert.Equal("brain", match.RegionKeyword);
        Assert.Equal("mri", match.ModalityKeyword);
    }

    [Fact]
    public void Words_split_on_separators_camel_case_and_digits()
    {
        var words = TaxonomyText.Words("ChestXRay_CTScan-covid19.png").Select(w => w.Text).ToArray();
        Assert.Equal(["chest", "x", "ray", "chestxray", "ct", "scan", "ctscan", "covid19", "covid", "19", "png"], words);
        var positions = TaxonomyText.Words("covid19 t1").Select(w => w.Position).ToArray();
        Assert.Equal([0, 0, 0, 1, 1, 1], positions);
    }
}
