using System.Buffers.Binary;

namespace Vigil.Serving.Protocol;

/// <summary>
/// Tensors' raw form, shared by REST's binary tensor extension and gRPC's raw contents: little-endian values, row-major;
/// BOOL one byte each; BYTES elements each after a 4-byte little-endian length.
/// </summary>
public static class TensorBytes
{
    /// <summary>Reads the raw data of input <paramref name="name"/> as <paramref name="datatype"/> (other datatypes give no data).</summary>
    /// <exception cref="InferenceException">The data do not fit the datatype.</exception>
    public static (IReadOnlyList<ReadOnlyMemory<byte>>? Bytes, byte[]? UInt8, float[]? Fp32) Read(string name, string datatype, ReadOnlyMemory<byte> raw)
    {
        switch (datatype)
        {
            case Datatypes.Bytes:
                var elements = new List<ReadOnlyMemory<byte>>();
                int at = 0;
                while (at < raw.Length)
                {
                    if (raw.Length - at < 4) throw InferenceException.Invalid($"input \"{name}\": the binary BYTES data end inside an element's 4-byte length");
                    uint length = BinaryPrimitives.ReadUInt32LittleEndian(raw.Span[at..]);
                    at += 4;
                    if (length > raw.Length - at) throw InferenceException.Invalid($"input \"{name}\": element {elements.Count} declares {length} bytes but only {raw.Length - at} follow");
                    elements.Add(raw.Slice(at, (int)length));
                    at += (int)length;
                }
                return (elements, null, null);
            case Datatypes.UInt8:
                return (null, raw.ToArray(), null);
            case Datatypes.Fp32:
                if (raw.Length % 4 != 0) throw InferenceException.Invalid($"input \"{name}\": {raw.Length} bytes of FP32 data is not a whole number of 4-byte values");
                var values = new float[raw.Length / 4];
                for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(raw.Span[(i * 4)..]);
                return (null, null, values);
            default:
                return (null, null, null); // the service names the datatypes it takes
        }
    }

    /// <summary>The raw form of an output.</summary>
    public static byte[] Write(OutputTensor output)
    {
        if (output.Fp32 is { } floats)
        {
            var raw = new byte[floats.Length * 4];
            for (int i = 0; i < floats.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * 4), floats[i]);
            return raw;
        }
        if (output.Bool is { } bools) return bools.Select(b => (byte)(b ? 1 : 0)).ToArray();
        var stream = new MemoryStream();
        Span<byte> length = stackalloc byte[4];
        foreach (byte[] element in output.Bytes ?? [])
        {
            BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)element.Length);
            stream.Write(length);
            stream.Write(element);
        }
        return stream.ToArray();
    }
}
