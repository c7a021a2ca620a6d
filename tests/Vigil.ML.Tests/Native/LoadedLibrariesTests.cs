using Vigil.NativeFix;

namespace Vigil.ML.Tests.Native;

public sealed class LoadedLibrariesTests
{
    [Fact]
    public void FindsTheLibstdcxxThisProcessHasMapped()
    {
        string? path = LoadedLibraries.FindStdCxx();
        Assert.NotNull(path);
        Assert.True(File.Exists(path), path);
        Assert.StartsWith("libstdc++.so", Path.GetFileName(path));
    }

    [Theory]
    [InlineData("GLIBCXX_3.4.30")]
    [InlineData("GLIBCXX_3.4.32")]
    [InlineData("CXXABI_1.3")]
    public void VersionDefinitionsAgreeWithAByteSearch(string version) =>
        Assert.Equal(TestPaths.StdCxxHas(version), LoadedLibraries.DefinesVersion(LoadedLibraries.FindStdCxx()!, version));

    [Fact]
    public void UnmappedLibraryIsNotFound() => Assert.Null(LoadedLibraries.FindMapped("libdoes-not-exist-anywhere.so"));
}
