using System.Diagnostics;
using Vigil.NativeFix;

namespace Vigil.ML.Tests.Native;

/// <summary>
/// Runs build/Vigil.TorchSharp.targets in a real MSBuild on a stand-in project, so the RoslynCodeTaskFactory compile
/// of the shared source (netstandard 2.0 only) and the Build/Publish wiring are tested, not only the C# logic.
/// </summary>
public sealed class PatchTaskTests
{
    private const string Project = """
        <Project>
          <PropertyGroup>
            <!-- What an SDK project defines: where Csc lives, and obj/ for the compiled task. -->
            <RoslynTargetsPath>$(MSBuildToolsPath)/Roslyn</RoslynTargetsPath>
            <IntermediateOutputPath>obj/</IntermediateOutputPath>
            <OutDir>out/</OutDir>
            <PublishDir>pub/</PublishDir>
          </PropertyGroup>
          <ItemGroup>
            <ReferenceCopyLocalPaths Include="cache/libLibTorchSharp.so" DestinationSubDirectory="runtimes/linux-x64/native/" />
            <ReferenceCopyLocalPaths Include="cache/bogus/libLibTorchSharp.so" DestinationSubDirectory="bogus/" Condition="'$(WithBogus)' == 'true'" />
            <ResolvedFileToPublish Include="cache/libLibTorchSharp.so" RelativePath="runtimes/linux-x64/native/libLibTorchSharp.so" />
          </ItemGroup>
          <Import Project="$(VigilTargets)" />
          <!-- Stand-ins for the SDK's copy steps, which the patch targets run after. -->
          <Target Name="Build">
            <Copy SourceFiles="@(ReferenceCopyLocalPaths)" DestinationFiles="@(ReferenceCopyLocalPaths->'$(OutDir)%(DestinationSubDirectory)%(Filename)%(Extension)')" SkipUnchangedFiles="true" />
          </Target>
          <Target Name="Publish" DependsOnTargets="Build">
            <Copy SourceFiles="@(ResolvedFileToPublish)" DestinationFiles="@(ResolvedFileToPublish->'$(PublishDir)%(RelativePath)')" SkipUnchangedFiles="true" />
          </Target>
        </Project>
        """;

    [Fact]
    public void BuildAndPublishPatchTheirCopiesOnceAndRefuseAFakeLibrary()
    {
        using var temp = new TempFolder();
        Directory.CreateDirectory(temp.File("cache/bogus"));
        string cache = temp.File("cache/libLibTorchSharp.so");
        File.Copy(TestPaths.CachedLibTorchSharp, cache);
        File.WriteAllText(temp.File("cache/bogus/libLibTorchSharp.so"), "not a library");
        File.WriteAllText(temp.File("fake.proj"), Project);
        byte[] original = File.ReadAllBytes(cache);
        bool patchExpected = !TestPaths.StdCxxHas(LibTorchSharpFix.MissingVersion);
        LibTorchSharpFixState expected = patchExpected ? LibTorchSharpFixState.Patched : LibTorchSharpFixState.NeedsPatch;
        string output = temp.File("out/runtimes/linux-x64/native/libLibTorchSharp.so");
        string published = temp.File("pub/runtimes/linux-x64/native/libLibTorchSharp.so");

        (int firstExit, string firstLog) = MSBuild(temp.Path, "-t:Publish");

        Assert.True(firstExit == 0, firstLog);
        Assert.Equal(expected, State(output));
        Assert.Equal(expected, State(published));
        Assert.Equal(patchExpected ? 2 : 0, CountOf(firstLog, "Vigil: patched"));
        Assert.Equal(original, File.ReadAllBytes(cache));

        // Second build: the patched copy is left alone (Copy sees it unchanged, the task sees it patched),
        // and a file that is not a library is refused with a clear error wherever a patch is due.
        byte[] patched = File.ReadAllBytes(output);
        (int secondExit, string secondLog) = MSBuild(temp.Path, "-t:Build", "-p:WithBogus=true");

        Assert.Equal(patched, File.ReadAllBytes(output));
        Assert.Equal(0, CountOf(secondLog, "Vigil: patched"));
        Assert.Equal(original, File.ReadAllBytes(cache));
        if (patchExpected)
        {
            Assert.True(secondExit != 0, secondLog);
            Assert.Contains("error VIGIL001", secondLog);
            Assert.Contains("not an ELF file", secondLog);
        }
        else
        {
            Assert.True(secondExit == 0, secondLog);
        }
    }

    private static LibTorchSharpFixState State(string path) => LibTorchSharpFix.Analyze(File.ReadAllBytes(path)).State;

    private static int CountOf(string text, string value) => (text.Length - text.Replace(value, "", StringComparison.Ordinal).Length) / value.Length;

    private static (int Exit, string Log) MSBuild(string folder, params string[] arguments)
    {
        // The test host runs under the dotnet muxer; use the same one.
        string dotnet = Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in new[] { "msbuild", "fake.proj", "-nologo", "-nodeReuse:false", "-v:n",
                     $"-p:VigilTargets={Path.Combine(TestPaths.RepoRoot, "build", "Vigil.TorchSharp.targets")}" }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using Process process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        string log = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, log + error.Result);
    }
}
