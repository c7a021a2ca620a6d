using System.Runtime.InteropServices;
using Vigil.ML.Native;

namespace Vigil.ML.Tests.Native;

public sealed class TorchNativeTests
{
    [Fact]
    public void LoadsHere()
    {
        Assert.Null(TorchNative.TryLoad());
        TorchNative.EnsureLoaded(); // must not throw either
        Assert.NotNull(Vigil.NativeFix.LoadedLibraries.FindMapped("libLibTorchSharp.so"));
    }

    [Fact]
    public void LoadingTurnsNnpackOff()
    {
        TorchNative.EnsureLoaded();
        nint library = NativeLibrary.Load("LibTorchSharp", typeof(TorchSharp.torch).Assembly, null);
        Assert.Equal(false, Nnpack.IsEnabled(library));
        Assert.True(Nnpack.Disable(library)); // idempotent, and the symbols are found in this libtorch
    }

    [Fact]
    public void LoadFailureIsDescribedByTheLoadersOwnWords()
    {
        using var temp = new TempFolder();
        string fake = temp.File("libfake.so");
        File.WriteAllText(fake, "not a library");

        var failure = Assert.Throws<DllNotFoundException>(() => NativeLibrary.Load(fake));
        string description = TorchNative.DescribeLoadFailure(new TypeInitializationException("TorchSharp.torch", failure));

        Assert.StartsWith("DllNotFoundException: ", description);
        Assert.Contains(fake, description);
        Assert.DoesNotContain("\n", description);
    }

    [Fact]
    public void MissingSymbolVersionLineIsPreferred()
    {
        // The shape of .NET's message when dlopen() fails on the unpatched library under Debian 12 (seen here).
        var failure = new DllNotFoundException(
            "Unable to load shared library 'LibTorchSharp' or one of its dependencies. In order to help diagnose loading problems, consider using a tool like strace. If you're using glibc, consider setting the LD_DEBUG environment variable: \n" +
            "/app/runtimes/linux-x64/native/libLibTorchSharp.so: cannot open shared object file: No such file or directory\n" +
            "/lib/x86_64-linux-gnu/libstdc++.so.6: version `GLIBCXX_3.4.32' not found (required by /app/libLibTorchSharp.so)\n");

        Assert.Equal("DllNotFoundException: /lib/x86_64-linux-gnu/libstdc++.so.6: version `GLIBCXX_3.4.32' not found (required by /app/libLibTorchSharp.so)",
            TorchNative.DescribeLoadFailure(failure));
    }

    [Fact]
    public void MessageWithoutLoaderLinesFallsBackToTheInnermostMessage() =>
        Assert.Equal("InvalidOperationException: boom",
            TorchNative.DescribeLoadFailure(new TypeInitializationException("X", new InvalidOperationException("boom"))));
}
