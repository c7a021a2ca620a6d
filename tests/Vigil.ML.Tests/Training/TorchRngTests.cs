using TorchSharp;
using Vigil.ML.Training;

namespace Vigil.ML.Tests.Training;

[Collection(TorchCollection.Name)]
public sealed class TorchRngTests
{
    public TorchRngTests() => Vigil.ML.Native.TorchNative.EnsureLoaded();

    [Fact]
    public void RestoringTheCpuStateReplaysTheSameRandomNumbers()
    {
        torch.manual_seed(42);
        using (torch.rand(17)) { } // move the generator somewhere arbitrary
        byte[] state = TorchRng.CaptureCpuState();
        float[] first = Draw();

        torch.manual_seed(7);
        using (torch.randn(5)) { }
        TorchRng.RestoreCpuState(state);
        float[] again = Draw();

        Assert.Equal(first, again);
        Assert.True(state.Length > 1000, $"the state has only {state.Length} bytes");
    }

    [Fact]
    public void AStateOfTheWrongSizeIsRefused()
    {
        Assert.Contains("bytes", Assert.Throws<ArgumentException>(() => TorchRng.RestoreCpuState(new byte[10])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DerivedSeedsDifferPerCounterAndRepeatPerInput()
    {
        long[] seeds = Enumerable.Range(0, 100).Select(e => TorchRng.DeriveSeed(1234, e)).ToArray();

        Assert.Equal(100, seeds.Distinct().Count());
        Assert.All(seeds, s => Assert.True(s >= 0));
        Assert.Equal(seeds[3], TorchRng.DeriveSeed(1234, 3));
        Assert.NotEqual(TorchRng.DeriveSeed(1, 3), TorchRng.DeriveSeed(2, 3));
    }

    private static float[] Draw()
    {
        // Both a uniform and a normal draw: the normal sampler caches a value that must be part of the state.
        using torch.Tensor u = torch.rand(8);
        using torch.Tensor n = torch.randn(3);
        return [.. u.data<float>().ToArray(), .. n.data<float>().ToArray()];
    }
}
