using System.Collections.Concurrent;
using TorchSharp;

namespace Vigil.ML.Native;

/// <summary>
/// Scalar arguments that stay alive while libtorch reads them. TorchSharp's implicit conversion
/// (<c>x.clamp_min(1e-12)</c>) makes a <see cref="Scalar"/> whose only reference ends as the native call starts; a
/// garbage collection during that call (another thread allocating: a server answering requests) may finalize it and
/// free the native value while libtorch still reads it. Seen in <c>vigil serve</c> under load: <c>clamp_min</c> failing
/// in <c>c10::Scalar::toDouble</c>. So Vigil never converts implicitly (a test checks the compiled code): constants come
/// from <see cref="Of(double)"/>, held for the life of the process; a value that changes per call is made with
/// <c>ToScalar()</c> into a <c>using</c> variable, which keeps it referenced until the call has returned.
/// </summary>
internal static class KeptScalars
{
    private static readonly ConcurrentDictionary<double, Scalar> Doubles = new();
    private static readonly ConcurrentDictionary<long, Scalar> Integers = new();

    /// <summary>The floating-point constant <paramref name="value"/>, created once. Only for constants: every value is kept.</summary>
    public static Scalar Of(double value) => Doubles.GetOrAdd(value, v => v.ToScalar());

    /// <summary>The integer constant <paramref name="value"/>, created once. Only for constants: every value is kept.</summary>
    public static Scalar OfInteger(long value) => Integers.GetOrAdd(value, v => v.ToScalar());
}
