namespace Vigil.ML.Compute;

/// <summary>The kind of device the user asked for with <c>--device</c>.</summary>
public enum DeviceKind
{
    /// <summary>CUDA when available, otherwise the CPU.</summary>
    Auto,
    /// <summary>The CPU.</summary>
    Cpu,
    /// <summary>A CUDA GPU.</summary>
    Cuda,
}
