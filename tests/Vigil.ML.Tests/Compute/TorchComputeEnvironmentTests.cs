using TorchSharp;
using Vigil.ML.Compute;

namespace Vigil.ML.Tests.Compute;

/// <summary>The real machine: TorchSharp-cpu, so CPU works and CUDA is refused with the reason.</summary>
[Collection(TorchCollection.Name)]
public sealed class TorchComputeEnvironmentTests
{
    [Fact]
    public void CpuSettingAppliesTheThreadCountToLibtorch()
    {
        try
        {
            ComputeSettings one = ComputeResolver.Resolve("cpu", 1);
            Assert.Equal(1, torch.get_num_threads());
            Assert.Equal(DeviceType.CPU, one.Device.type);

            ComputeSettings all = ComputeResolver.Resolve("auto", null);
            Assert.Equal(Environment.ProcessorCount, all.Threads);
            Assert.Equal(Environment.ProcessorCount, torch.get_num_threads());
            Assert.Equal(DeviceType.CPU, all.Device.type); // the CPU-only libtorch never offers CUDA
        }
        finally
        {
            torch.set_num_threads(Environment.ProcessorCount);
        }
    }

    [Fact]
    public void CudaIsRefusedBecauseThisIsTheCpuOnlyBuild()
    {
        var error = Assert.Throws<ComputeSettingsException>(() => ComputeResolver.Resolve("cuda", null));
        Assert.Equal("--device cuda was requested but CUDA is not available on this machine (this build ships the CPU-only libtorch (TorchSharp-cpu)); use --device cpu or auto", error.Message);
    }

    [Fact]
    public void TensorsGoToTheResolvedDevice()
    {
        ComputeSettings settings = ComputeResolver.Resolve("cpu", null);
        using torch.Tensor t = torch.ones(2, 3, device: settings.Device);
        Assert.Equal(DeviceType.CPU, t.device_type);
        Assert.Equal(6f, t.sum().item<float>());
    }
}
