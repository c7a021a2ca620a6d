using TorchSharp;
using static TorchSharp.torch;

namespace Vigil.ML.Training;

/// <summary>
/// libtorch's random state, for exact resumption. TorchSharp 0.107 exposes the CPU generator's full state
/// (<c>torch.get_rng_state</c> / <c>set_rng_state</c>: a byte tensor of the Mersenne Twister state and the cached
/// normal sample), which drives dropout, random init and CPU augmentation. It exposes no CUDA generator state, only
/// <c>torch.cuda.manual_seed_all</c>; so on a GPU the trainer reseeds CUDA from (seed, epoch) at every epoch start,
/// which makes a resumed epoch draw the same CUDA numbers as an uninterrupted one at epoch granularity.
/// </summary>
public static class TorchRng
{
    /// <summary>The CPU generator's state as bytes (a checkpoint entry).</summary>
    public static byte[] CaptureCpuState()
    {
        Native.TorchNative.EnsureLoaded();
        using Tensor state = torch.get_rng_state();
        return state.bytes.ToArray();
    }

    /// <summary>Puts the CPU generator back in a state from <see cref="CaptureCpuState"/>.</summary>
    /// <exception cref="ArgumentException">The bytes are not a state of this libtorch's CPU generator.</exception>
    public static void RestoreCpuState(byte[] state)
    {
        ArgumentNullException.ThrowIfNull(state);
        Native.TorchNative.EnsureLoaded();
        using Tensor current = torch.get_rng_state();
        // libtorch checks the size too, but its message names no cause a person could act on.
        if (current.NumberOfElements != state.Length)
            throw new ArgumentException($"the saved random state has {state.Length} bytes; this libtorch's CPU generator uses {current.NumberOfElements}", nameof(state));
        using Tensor tensor = torch.tensor(state, dtype: ScalarType.Byte);
        torch.set_rng_state(tensor);
    }

    /// <summary>Seeds every CUDA generator from (<paramref name="seed"/>, <paramref name="epoch"/>) when CUDA is in use; does nothing otherwise.</summary>
    public static void SeedCudaForEpoch(long seed, int epoch)
    {
        Native.TorchNative.EnsureLoaded();
        if (torch.cuda.is_available()) torch.cuda.manual_seed_all(DeriveSeed(seed, epoch));
    }

    /// <summary>A well-mixed seed from a run seed and a counter (SplitMix64), so neighbouring epochs get unrelated streams.</summary>
    public static long DeriveSeed(long seed, long counter)
    {
        unchecked
        {
            ulong z = (ulong)seed + 0x9E3779B97F4A7C15UL * (ulong)(counter + 1);
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return (long)((z ^ (z >> 31)) & long.MaxValue);
        }
    }
}
