using Vigil.Imaging.Idx;
using Vigil.Imaging.Nifti;
using Vigil.Imaging.Png;
using Vigil.Imaging.Tests.Support;

namespace Vigil.Imaging.Tests.Numpy;

/// <summary>The default registry picks the PNG, NIfTI, npz/npy and IDX readers by content, whatever the file is called.</summary>
public sealed class FormatRegistrationTests
{
    private static string Repo(params string[] parts) => Path.Combine([TestCorpora.RepositoryRoot, "tests", "Vigil.Imaging.Tests", .. parts]);

    public static TheoryData<string, Type> Files => new()
    {
        { Repo("Png", "Fixtures", "grey16_13x11.png"), typeof(PngReader) },
        { "/usr/share/mricron/templates/ch2bet.nii.gz", typeof(NiftiReader) },
        { Repo("Nifti", "Fixtures", "int8.nii"), typeof(NiftiReader) },
        { Repo("Nifti", "Fixtures", "pair_uint16.hdr"), typeof(NiftiReader) },
        { Repo("Numpy", "Fixtures", "pneumoniamnist.npz"), typeof(Vigil.Imaging.Numpy.NpzReader) },
        { Repo("Numpy", "Fixtures", "chestmnist.npz"), typeof(Vigil.Imaging.Numpy.NpzReader) },
        { Repo("Numpy", "Fixtures", "single_rgb.npy"), typeof(Vigil.Imaging.Numpy.NpyReader) },
        { "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz", typeof(IdxReader) },
        { Repo("Idx", "Fixtures", "digits", "train-images-idx3-ubyte"), typeof(IdxReader) },
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void Content_picks_the_reader_even_under_a_wrong_name(string path, Type reader)
    {
        using var dir = new TempDir();
        var misnamed = dir.File("upload.bin");
        File.Copy(path, misnamed);
        var registry = ImageReaderRegistry.CreateDefault();
        Assert.IsType(reader, registry.Resolve(path));
        Assert.IsType(reader, registry.Resolve(misnamed));
    }

    [Theory]
    [InlineData("scan.nii.gz", typeof(NiftiReader))]
    [InlineData("SCAN.NII", typeof(NiftiReader))]
    [InlineData("pathmnist_128.npz", typeof(Vigil.Imaging.Numpy.NpzReader))]
    [InlineData("faces.npy", typeof(Vigil.Imaging.Numpy.NpyReader))]
    [InlineData("train-images-idx3-ubyte.gz", typeof(IdxReader))]
    [InlineData("t10k-images.idx3-ubyte", typeof(IdxReader))]
    [InlineData("x.png", typeof(PngReader))]
    public void Extensions_are_claimed(string name, Type reader)
    {
        Assert.IsType(reader, ImageReaderRegistry.CreateDefault().FindByExtension("/data/" + name));
    }

    [Fact]
    public void Labels_files_are_not_claimed_as_images()
    {
        Assert.Null(ImageReaderRegistry.CreateDefault().FindByExtension("/data/train-labels-idx1-ubyte.gz"));
    }
}
