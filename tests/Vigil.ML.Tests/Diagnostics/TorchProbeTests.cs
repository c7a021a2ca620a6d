using Vigil.ML.Diagnostics;
using Vigil.NativeFix;

namespace Vigil.ML.Tests.Diagnostics;

public sealed class TorchProbeTests
{
    [Fact]
    public void ReportsLibtorchLoadedFromThisOutputFolder()
    {
        TorchProbeReport report = TorchProbe.Run();

        Assert.True(report.Loaded, report.LoadError);
        Assert.Null(report.LoadError);
        Assert.Matches(@"^\d+\.\d+\.\d+", report.TorchSharpVersion);
        // The libtorch version must name the restored native package.
        Assert.NotNull(report.LibTorchVersion);
        Assert.True(Directory.Exists(Path.Combine(TestPaths.NuGetPackageRoot, "libtorch-cpu-linux-x64", report.LibTorchVersion)),
            $"libtorch-cpu-linux-x64/{report.LibTorchVersion} is not in the NuGet cache");
        Assert.InRange(report.Threads ?? 0, 1, Environment.ProcessorCount);
        Assert.Equal(Environment.ProcessorCount, report.LogicalCores);
        Assert.False(report.CudaAvailable);
        Assert.Equal(0, report.CudaDeviceCount);
        Assert.Equal(Path.GetFullPath(TestPaths.OutputLibTorchSharp), report.LibTorchSharpPath);
    }

    [Fact]
    public void ReportsThePatchExactlyWhenLibstdcxxLacksGlibcxx3432()
    {
        TorchProbeReport report = TorchProbe.Run();
        bool has3432 = TestPaths.StdCxxHas(LibTorchSharpFix.MissingVersion);

        Assert.Equal(has3432, report.StdCxxHasGlibcxx3432);
        Assert.Equal(has3432 ? LibTorchSharpPatchState.Unpatched : LibTorchSharpPatchState.Patched, report.PatchState);
        Assert.Equal(!has3432, report.LibTorchSharpWasPatched);
        Assert.Equal(LoadedLibraries.FindStdCxx(), report.StdCxxPath);
    }
}
