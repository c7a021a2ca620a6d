using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TorchSharp;

namespace Vigil.ML.Data;

/// <summary>
/// Raw access to a contiguous CPU tensor's bytes beyond the 2 GiB a single <see cref="torch.Tensor.bytes"/> span can
/// cover: a split of 224×224 RGB images passes that at about 14,000 images.
/// </summary>
internal static unsafe class TensorMemory
{
    /// <summary>The address of the tensor's first byte; valid while the tensor (or a view of its storage) lives.</summary>
    public static nint Address(torch.Tensor tensor)
    {
        if (tensor.device_type != DeviceType.CPU || !tensor.is_contiguous())
            throw new ArgumentException("Raw access needs a contiguous CPU tensor.", nameof(tensor));
        using var flat = tensor.view(-1);
        using var first = flat.narrow(0, 0, 1);
        return (nint)Unsafe.AsPointer(ref MemoryMarshal.GetReference(first.bytes));
    }

    /// <summary>A span of <paramref name="length"/> bytes at <paramref name="offset"/> from <paramref name="address"/>.</summary>
    public static Span<byte> Span(nint address, long offset, int length) => new((byte*)address + offset, length);
}
