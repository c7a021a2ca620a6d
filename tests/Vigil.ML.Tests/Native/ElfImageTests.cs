using System.Text;
using Vigil.NativeFix;

namespace Vigil.ML.Tests.Native;

/// <summary>Bad input gives a clear <see cref="ElfFormatException"/>, never a crash or an out-of-range read.</summary>
public sealed class ElfImageTests
{
    private static byte[] Original() => File.ReadAllBytes(TestPaths.CachedLibTorchSharp);

    private static string RefusalOf(byte[] data) => Assert.Throws<ElfFormatException>(() => LibTorchSharpFix.Analyze(data)).Message;

    [Fact]
    public void TextFileIsNotAnElfFile() =>
        Assert.Contains("not an ELF file", RefusalOf(Encoding.UTF8.GetBytes("this is a text file, not a library\n")));

    [Fact]
    public void EmptyFileIsNotAnElfFile() => Assert.Contains("not an ELF file", RefusalOf([]));

    [Fact]
    public void FileCutInsideTheHeaderIsReportedAsTruncated() =>
        Assert.Contains("truncated ELF file: 40 bytes", RefusalOf(Original()[..40]));

    [Fact]
    public void FileCutBeforeTheSectionTableIsReportedAsTruncated()
    {
        string message = RefusalOf(Original()[..100_000]);
        Assert.Contains("truncated ELF file", message);
        Assert.Contains("section header table", message);
    }

    [Theory]
    [InlineData(4, 1, "only 64-bit ELF")]
    [InlineData(5, 2, "only little-endian ELF")]
    [InlineData(0x10, 2, "not a shared library")]
    public void UnsupportedHeaderFieldsAreNamed(int offset, byte value, string expected)
    {
        byte[] data = Original();
        data[offset] = value;
        Assert.Contains(expected, RefusalOf(data));
    }

    [Fact]
    public void VersionRecordPointingOutsideItsSectionIsRefused()
    {
        byte[] data = Original();
        ElfSection verneed = ElfImage.Parse(data).Sections.Single(s => s.Name == ".gnu.version_r");
        BitConverter.GetBytes(0x7fff_0000u).CopyTo(data, verneed.Offset + 12); // vn_next of the first record
        Assert.Contains("lies outside the section", RefusalOf(data));
    }

    [Fact]
    public void VersionNameOutsideTheStringTableIsRefused()
    {
        byte[] data = Original();
        ElfVersionAux first = ElfImage.Parse(data).ReadVersionNeeds()[0].Versions[0];
        BitConverter.GetBytes(0xffff_fff0u).CopyTo(data, first.Offset + 8); // vna_name
        Assert.Contains("string offset", RefusalOf(data));
    }

    [Fact]
    public void SectionRunningPastTheEndIsRefused()
    {
        byte[] data = Original();
        ElfImage image = ElfImage.Parse(data);
        long tableOffset = BitConverter.ToInt64(data, 0x28);
        int dynstr = image.Sections.Single(s => s.Name == ".dynstr").Index;
        BitConverter.GetBytes((ulong)data.Length).CopyTo(data, tableOffset + dynstr * 64 + 0x20); // sh_size
        Assert.Contains("runs past the end", RefusalOf(data));
    }

    [Fact]
    public void PatchFileOnANonElfFileThrowsAndLeavesTheFileAlone()
    {
        using var temp = new TempFolder();
        string path = temp.File(LibTorchSharpFix.LibraryFileName);
        File.WriteAllText(path, "not a library");

        var error = Assert.Throws<ElfFormatException>(() => LibTorchSharpFix.PatchFile(path));

        Assert.Contains("not an ELF file", error.Message);
        Assert.Equal("not a library", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(temp.Path));
    }
}
