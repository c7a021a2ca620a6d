using Vigil.ML.Compute;

namespace Vigil.ML.Tests.Compute;

public sealed class DeviceRequestTests
{
    [Theory]
    [InlineData(null, DeviceKind.Auto, null)]
    [InlineData("auto", DeviceKind.Auto, null)]
    [InlineData(" CPU ", DeviceKind.Cpu, null)]
    [InlineData("cuda", DeviceKind.Cuda, null)]
    [InlineData("Cuda:0", DeviceKind.Cuda, 0)]
    [InlineData("cuda:12", DeviceKind.Cuda, 12)]
    public void AcceptedForms(string? text, DeviceKind kind, int? index) =>
        Assert.Equal(new DeviceRequest(kind, index), DeviceRequest.Parse(text));

    [Theory]
    [InlineData("gpu", "--device 'gpu' is not recognised; use auto, cpu, cuda or cuda:N")]
    [InlineData("", "--device '' is not recognised; use auto, cpu, cuda or cuda:N")]
    [InlineData("cuda:", "--device cuda: has no valid GPU index after 'cuda:'; use cuda (the first GPU) or cuda:N with N = 0, 1, ...")]
    [InlineData("cuda:-1", "--device cuda:-1 has no valid GPU index after 'cuda:'; use cuda (the first GPU) or cuda:N with N = 0, 1, ...")]
    [InlineData("cuda:one", "--device cuda:one has no valid GPU index after 'cuda:'; use cuda (the first GPU) or cuda:N with N = 0, 1, ...")]
    public void RejectedFormsSayWhatToUse(string text, string message) =>
        Assert.Equal(message, Assert.Throws<ComputeSettingsException>(() => DeviceRequest.Parse(text)).Message);

    [Theory]
    [InlineData("AUTO", "auto")]
    [InlineData("cuda:3", "cuda:3")]
    public void PrintsInCanonicalForm(string text, string expected) => Assert.Equal(expected, DeviceRequest.Parse(text).ToString());
}
