using Vigil.NativeFix;

namespace Vigil.ML.Tests.Native;

/// <summary>The patch itself, applied to copies of the real library from the NuGet cache.</summary>
public sealed class LibTorchSharpFixTests
{
    private static byte[] Original() => File.ReadAllBytes(TestPaths.CachedLibTorchSharp);

    private static ElfVersionNeed StdCxxNeed(byte[] data) =>
        ElfImage.Parse(data).ReadVersionNeeds().Single(n => n.File == LibTorchSharpFix.StdCxxLibrary);

    [Fact]
    public void ReaderSeesTheVersionNeedsReadelfShows()
    {
        // Expected values from `readelf -V` on TorchSharp 0.107.0's libLibTorchSharp.so.
        List<ElfVersionNeed> needs = ElfImage.Parse(Original()).ReadVersionNeeds();
        Assert.Equal(new[] { "ld-linux-x86-64.so.2", "libm.so.6", "libgcc_s.so.1", "libc.so.6", "libstdc++.so.6" }, needs.Select(n => n.File));
        ElfVersionNeed stdcxx = needs.Single(n => n.File == "libstdc++.so.6");
        Assert.Equal(20, stdcxx.Versions.Count);
        Assert.Equal(18, stdcxx.Versions.Single(v => v.Name == "GLIBCXX_3.4.32").Index);
        Assert.Equal(29, stdcxx.Versions.Single(v => v.Name == "GLIBCXX_3.4.30").Index);
        // The linker wrote every vna_hash; our hash function must agree with all of them.
        Assert.All(needs.SelectMany(n => n.Versions), v => Assert.Equal(v.Hash, ElfImage.Hash(v.Name)));
    }

    [Fact]
    public void OriginalNeedsThePatchOnlyForIosBaseLibraryInit()
    {
        LibTorchSharpAnalysis analysis = LibTorchSharpFix.Analyze(Original());
        Assert.Equal(LibTorchSharpFixState.NeedsPatch, analysis.State);
        Assert.Equal(new[] { "_ZSt21ios_base_library_initv" }, analysis.AffectedSymbols);
    }

    [Fact]
    public void PatchRemovesTheGlibcxx3432RequirementAndPointsAtGlibcxx3430()
    {
        byte[] data = Original();
        byte[] before = (byte[])data.Clone();

        LibTorchSharpAnalysis analysis = LibTorchSharpFix.Patch(data);

        Assert.Equal(LibTorchSharpFixState.NeedsPatch, analysis.State);
        ElfVersionNeed stdcxx = StdCxxNeed(data);
        Assert.DoesNotContain(stdcxx.Versions, v => v.Name == LibTorchSharpFix.MissingVersion);
        ElfVersionAux original3430 = StdCxxNeed(before).Versions.Single(v => v.Name == LibTorchSharpFix.ReplacementVersion);
        ElfVersionAux redirected = stdcxx.Versions.Single(v => v.Offset == analysis.Missing!.Offset);
        Assert.Equal(LibTorchSharpFix.ReplacementVersion, redirected.Name);
        Assert.Equal(original3430.NameOffset, redirected.NameOffset);
        Assert.Equal(original3430.Hash, redirected.Hash);
        Assert.Equal(18, redirected.Index); // symbols keep pointing at the same entry
        Assert.Equal(LibTorchSharpFixState.Patched, LibTorchSharpFix.Analyze(data).State);

        // Only vna_hash (+0..3) and vna_name (+8..11) of that one entry changed.
        long start = analysis.Missing!.Offset;
        int[] changed = Enumerable.Range(0, data.Length).Where(i => data[i] != before[i]).ToArray();
        Assert.NotEmpty(changed);
        Assert.All(changed, i => Assert.True((i >= start && i < start + 4) || (i >= start + 8 && i < start + 12), $"byte {i} changed"));
    }

    [Fact]
    public void PatchingTwiceChangesNothingTheSecondTime()
    {
        byte[] data = Original();
        LibTorchSharpFix.Patch(data);
        byte[] once = (byte[])data.Clone();

        LibTorchSharpAnalysis second = LibTorchSharpFix.Patch(data);

        Assert.Equal(LibTorchSharpFixState.Patched, second.State);
        Assert.Equal(once, data);
    }

    [Fact]
    public void PatchFileRewritesACopyKeepsItsTimeAndIsIdempotent()
    {
        using var temp = new TempFolder();
        string path = temp.File(LibTorchSharpFix.LibraryFileName);
        File.Copy(TestPaths.CachedLibTorchSharp, path);
        var stamp = new DateTime(2024, 5, 6, 7, 8, 9, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(path, stamp);

        LibTorchSharpFileResult first = LibTorchSharpFix.PatchFile(path);
        byte[] afterFirst = File.ReadAllBytes(path);
        LibTorchSharpFileResult second = LibTorchSharpFix.PatchFile(path);

        Assert.True(first.Changed);
        Assert.Equal(LibTorchSharpFixState.NeedsPatch, first.StateBefore);
        Assert.False(second.Changed);
        Assert.Equal(LibTorchSharpFixState.Patched, second.StateBefore);
        Assert.Equal(afterFirst, File.ReadAllBytes(path));
        // MSBuild's incremental copy compares size and time; keeping the time stops it restoring the original.
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(path));
        Assert.Equal(new[] { path }, Directory.GetFiles(temp.Path)); // no temporary file left behind
    }

    [Fact]
    public void PatchFileReplacesASymlinkInsteadOfWritingThroughIt()
    {
        using var temp = new TempFolder();
        string cache = temp.File("cache.so");
        File.Copy(TestPaths.CachedLibTorchSharp, cache);
        string output = temp.File(LibTorchSharpFix.LibraryFileName);
        File.CreateSymbolicLink(output, cache);

        LibTorchSharpFix.PatchFile(output);

        Assert.Null(new FileInfo(output).LinkTarget);
        Assert.Equal(LibTorchSharpFixState.Patched, LibTorchSharpFix.Analyze(File.ReadAllBytes(output)).State);
        Assert.Equal(File.ReadAllBytes(TestPaths.CachedLibTorchSharp), File.ReadAllBytes(cache));
    }

    [Fact]
    public void PatchFileReplacesAHardLinkInsteadOfWritingThroughIt()
    {
        using var temp = new TempFolder();
        string cache = temp.File("cache.so");
        File.Copy(TestPaths.CachedLibTorchSharp, cache);
        string output = temp.File(LibTorchSharpFix.LibraryFileName);
        Assert.Equal(0, HardLink.Create(cache, output));
        Assert.Equal(2, HardLink.Count(cache));

        LibTorchSharpFix.PatchFile(output);

        Assert.Equal(1, HardLink.Count(cache));
        Assert.Equal(LibTorchSharpFixState.Patched, LibTorchSharpFix.Analyze(File.ReadAllBytes(output)).State);
        Assert.Equal(File.ReadAllBytes(TestPaths.CachedLibTorchSharp), File.ReadAllBytes(cache));
    }

    [Fact]
    public void ReferencedSymbolNeedingGlibcxx3432IsRefused()
    {
        // If a future TorchSharp really called a 3.4.32 symbol, redirecting would break it at run time: refuse.
        byte[] data = Original();
        ElfImage image = ElfImage.Parse(data);
        long symbol = image.SymbolsWithVersionIndex(18).Single().Key;
        ElfSection plt = image.Sections.Single(s => s.Name == ".rela.plt");
        long rInfo = plt.Offset + 8;
        BitConverter.GetBytes((uint)symbol).CopyTo(data, rInfo + 4); // ELF64_R_SYM is the high half of r_info

        var error = Assert.Throws<ElfFormatException>(() => LibTorchSharpFix.Analyze(data));
        Assert.Contains("_ZSt21ios_base_library_initv", error.Message);
        Assert.Contains("relocations", error.Message);
    }

    [Fact]
    public void LibraryWithoutGlibcxx3430IsRefused()
    {
        byte[] data = Original();
        ElfVersionAux v3430 = StdCxxNeed(data).Versions.Single(v => v.Name == LibTorchSharpFix.ReplacementVersion);
        ElfVersionAux v3429 = StdCxxNeed(data).Versions.Single(v => v.Name == "GLIBCXX_3.4.29");
        // Rename the 3.4.30 entry to 3.4.29, leaving nothing to redirect to.
        Array.Copy(data, v3429.Offset, data, v3430.Offset, 4);
        Array.Copy(data, v3429.Offset + 8, data, v3430.Offset + 8, 4);

        var error = Assert.Throws<ElfFormatException>(() => LibTorchSharpFix.Analyze(data));
        Assert.Contains("0 GLIBCXX_3.4.30 entries", error.Message);
    }
}
