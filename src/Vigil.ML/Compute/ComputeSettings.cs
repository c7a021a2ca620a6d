using TorchSharp;

namespace Vigil.ML.Compute;

/// <summary>
/// The compute settings every verb (train, evaluate, detect) runs with, resolved once by
/// <see cref="ComputeResolver.Resolve(string?, int?)"/>.
/// </summary>
/// <param name="Device">The torch device to put models and tensors on.</param>
/// <param name="Threads">The intra-op CPU thread count already applied with <c>torch.set_num_threads</c>.</param>
/// <param name="Requested">What the user asked for, as parsed.</param>
/// <param name="Description">One human line, e.g. "cpu (auto: CUDA not available: ...), 2 threads".</param>
public sealed record ComputeSettings(torch.Device Device, int Threads, DeviceRequest Requested, string Description)
{
    /// <summary>Whether <see cref="Device"/> is a CUDA GPU.</summary>
    public bool IsCuda => Device.type == DeviceType.CUDA;
}
