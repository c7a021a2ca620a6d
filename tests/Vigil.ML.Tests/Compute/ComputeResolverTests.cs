using TorchSharp;
using Vigil.ML.Compute;
using Vigil.ML.Native;

namespace Vigil.ML.Tests.Compute;

/// <summary>Resolution rules, against a stand-in machine so CUDA paths can be exercised too.</summary>
public sealed class ComputeResolverTests
{
    private sealed class FakeMachine(int cores, int cudaDevices, bool cudaThrows = false, Exception? loadFailure = null) : IComputeEnvironment
    {
        public int? ThreadsSet { get; private set; }
        public bool CudaQueried { get; private set; }
        public int LogicalCores => cores;

        public bool CudaAvailable
        {
            get
            {
                CudaQueried = true;
                if (loadFailure is not null) throw loadFailure;
                if (cudaThrows) throw new InvalidOperationException("CUDA must not be queried in this test");
                return cudaDevices > 0;
            }
        }

        public int CudaDeviceCount => cudaDevices;
        public string DescribeCudaAbsence() => "stand-in reason";
        public void SetThreads(int threads) => ThreadsSet = loadFailure is null ? threads : throw loadFailure;
    }

    [Fact]
    public void AutoWithoutCudaIsCpuWithAllCores()
    {
        var machine = new FakeMachine(cores: 6, cudaDevices: 0);
        ComputeSettings settings = ComputeResolver.Resolve(null, null, machine);
        Assert.Equal(DeviceType.CPU, settings.Device.type);
        Assert.False(settings.IsCuda);
        Assert.Equal(6, settings.Threads);
        Assert.Equal(6, machine.ThreadsSet);
        Assert.Equal("cpu (auto: CUDA is not available: stand-in reason), 6 CPU threads (of 6 logical cores)", settings.Description);
    }

    [Fact]
    public void CpuNeverAsksAboutCuda()
    {
        var machine = new FakeMachine(cores: 4, cudaDevices: 0, cudaThrows: true);
        ComputeSettings settings = ComputeResolver.Resolve("cpu", 1, machine);
        Assert.Equal(DeviceType.CPU, settings.Device.type);
        Assert.Equal(1, machine.ThreadsSet);
        Assert.False(machine.CudaQueried);
        Assert.Equal("cpu, 1 CPU thread (of 4 logical cores)", settings.Description);
    }

    [Fact]
    public void AutoPicksTheFirstGpuWhenThereIsOne()
    {
        ComputeSettings settings = ComputeResolver.Resolve("auto", 8, new FakeMachine(cores: 16, cudaDevices: 2));
        Assert.Equal(DeviceType.CUDA, settings.Device.type);
        Assert.Equal(0, settings.Device.index);
        Assert.True(settings.IsCuda);
        Assert.Equal("cuda:0 (auto), GPU 1 of 2, 8 CPU threads (of 16 logical cores)", settings.Description);
    }

    [Fact]
    public void CudaIndexSelectsThatGpu() =>
        Assert.Equal(1, ComputeResolver.Resolve("cuda:1", null, new FakeMachine(cores: 16, cudaDevices: 2)).Device.index);

    [Fact]
    public void CudaIndexBeyondTheVisibleGpusIsAnError() =>
        Assert.Equal("--device cuda:2 was requested but only 2 CUDA device(s) are visible (cuda:0 to cuda:1); pick one of those, or use --device cuda",
            Assert.Throws<ComputeSettingsException>(() => ComputeResolver.Resolve("cuda:2", null, new FakeMachine(16, 2))).Message);

    [Fact]
    public void CudaWithoutCudaIsAnErrorThatSaysWhatToDo()
    {
        var machine = new FakeMachine(cores: 2, cudaDevices: 0);
        var error = Assert.Throws<ComputeSettingsException>(() => ComputeResolver.Resolve("cuda", null, machine));
        Assert.Equal("--device cuda was requested but CUDA is not available on this machine (stand-in reason); use --device cpu or auto", error.Message);
        Assert.Null(machine.ThreadsSet); // nothing is applied when resolution fails
    }

    [Theory]
    [InlineData(0, "--threads 0 is invalid: give a whole number from 1 to 4, or leave it out to use all 4 logical cores")]
    [InlineData(-3, "--threads -3 is invalid: give a whole number from 1 to 4, or leave it out to use all 4 logical cores")]
    [InlineData(5, "--threads 5 is more than the 4 logical cores available; use 1 to 4, or leave it out to use all of them")]
    public void ThreadsOutsideOneToCoresAreErrors(int threads, string message)
    {
        var machine = new FakeMachine(cores: 4, cudaDevices: 0);
        Assert.Equal(message, Assert.Throws<ComputeSettingsException>(() => ComputeResolver.Resolve("cpu", threads, machine)).Message);
        Assert.Null(machine.ThreadsSet);
    }

    [Fact]
    public void BadDeviceIsReportedEvenWhenLibtorchCannotLoad()
    {
        var machine = new FakeMachine(cores: 4, cudaDevices: 0, loadFailure: new TorchLoadException("stand-in"));
        var error = Assert.Throws<ComputeSettingsException>(() => ComputeResolver.Resolve("tpu", null, machine));
        Assert.StartsWith("--device 'tpu' is not recognised", error.Message);
    }

    [Fact]
    public void UnloadableLibtorchIsAnInstallationFaultNotAnInputError()
    {
        var failure = new TorchLoadException("DllNotFoundException: libstdc++.so.6: version `GLIBCXX_3.4.32' not found");
        var error = Assert.Throws<TorchLoadException>(() => ComputeResolver.Resolve("cpu", null, new FakeMachine(4, 0, loadFailure: failure)));
        Assert.Equal("libtorch cannot be loaded: DllNotFoundException: libstdc++.so.6: version `GLIBCXX_3.4.32' not found; run 'vigil doctor' for details", error.Message);
        Assert.IsNotAssignableFrom<Vigil.Core.UserInputException>(error);
    }

    [Fact]
    public void InputErrorsAreUserInputExceptionsForTheCli() =>
        Assert.IsAssignableFrom<Vigil.Core.UserInputException>(Assert.Throws<ComputeSettingsException>(() => ComputeResolver.Resolve("cpu", 0, new FakeMachine(4, 0))));
}
