using Vigil.NativeFix;

namespace Vigil.ML.Tests.Native;

/// <summary>The build step (Directory.Build.targets) patched this test project's own output, and only that.</summary>
public sealed class BuildOutputTests
{
    [Fact]
    public void OutputCopyIsPatchedWhereNeededAndTheNuGetCacheIsNot()
    {
        Assert.True(File.Exists(TestPaths.OutputLibTorchSharp), TestPaths.OutputLibTorchSharp);
        LibTorchSharpFixState cache = LibTorchSharpFix.Analyze(File.ReadAllBytes(TestPaths.CachedLibTorchSharp)).State;
        LibTorchSharpFixState output = LibTorchSharpFix.Analyze(File.ReadAllBytes(TestPaths.OutputLibTorchSharp)).State;

        Assert.Equal(LibTorchSharpFixState.NeedsPatch, cache);
        // The build patches only where libstdc++ lacks GLIBCXX_3.4.32 (Debian 12 does).
        LibTorchSharpFixState expected = TestPaths.StdCxxHas(LibTorchSharpFix.MissingVersion)
            ? LibTorchSharpFixState.NeedsPatch
            : LibTorchSharpFixState.Patched;
        Assert.Equal(expected, output);
    }

    [Fact]
    public void OutputCopyIsTheCacheCopyWithTheOneEntryRewritten()
    {
        byte[] expected = File.ReadAllBytes(TestPaths.CachedLibTorchSharp);
        if (!TestPaths.StdCxxHas(LibTorchSharpFix.MissingVersion)) LibTorchSharpFix.Patch(expected);
        Assert.Equal(expected, File.ReadAllBytes(TestPaths.OutputLibTorchSharp));
    }
}
