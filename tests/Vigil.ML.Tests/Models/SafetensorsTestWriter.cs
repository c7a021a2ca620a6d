using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace Vigil.ML.Tests.Models;

/// <summary>
/// A minimal safetensors writer for tests, written from the format's description (not from the reader under
/// test): u64 LE header length, JSON header padded with spaces to a multiple of 8, then the tensors' bytes.
/// </summary>
internal static class SafetensorsTestWriter
{
    public sealed record Entry(string Name, string DType, long[] Shape, byte[] Data);

    public static void Write(string path, IEnumerable<Entry> entries, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var list = entries.ToList();
        using var json = new MemoryStream();
        using (var writer = new Utf8JsonWriter(json))
        {
            writer.WriteStartObject();
            if (metadata is not null)
            {
                writer.WriteStartObject("__metadata__");
                foreach (var (key, value) in metadata) writer.WriteString(key, value);
                writer.WriteEndObject();
            }
            long offset = 0;
            foreach (Entry e in list)
            {
                writer.WriteStartObject(e.Name);
                writer.WriteString("dtype", e.DType);
                writer.WriteStartArray("shape");
                foreach (long d in e.Shape) writer.WriteNumberValue(d);
                writer.WriteEndArray();
                writer.WriteStartArray("data_offsets");
                writer.WriteNumberValue(offset);
                writer.WriteNumberValue(offset + e.Data.Length);
                writer.WriteEndArray();
                writer.WriteEndObject();
                offset += e.Data.Length;
            }
            writer.WriteEndObject();
        }
        byte[] header = json.ToArray();
        int padded = (header.Length + 7) / 8 * 8;
        using var file = File.Create(path);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)padded);
        file.Write(length);
        file.Write(header);
        file.Write(Encoding.ASCII.GetBytes(new string(' ', padded - header.Length)));
        foreach (Entry e in list) file.Write(e.Data);
    }

    /// <summary>A tensor as F32, F16, BF16 (rounded by truncation is not what torch does, so BF16 here is round-to-nearest-even) or I64.</summary>
    public static Entry FromTensor(string name, Tensor tensor, string dtype)
    {
        long[] shape = tensor.shape;
        if (dtype == "I64")
        {
            long[] longs = tensor.to_type(ScalarType.Int64).contiguous().data<long>().ToArray();
            var bytes64 = new byte[longs.Length * 8];
            for (int i = 0; i < longs.Length; i++) BinaryPrimitives.WriteInt64LittleEndian(bytes64.AsSpan(8 * i), longs[i]);
            return new Entry(name, dtype, shape, bytes64);
        }
        float[] values = tensor.to_type(ScalarType.Float32).contiguous().data<float>().ToArray();
        int size = dtype == "F32" ? 4 : 2;
        var bytes = new byte[values.Length * size];
        for (int i = 0; i < values.Length; i++)
        {
            Span<byte> at = bytes.AsSpan(size * i);
            switch (dtype)
            {
                case "F32": BinaryPrimitives.WriteSingleLittleEndian(at, values[i]); break;
                case "F16": BinaryPrimitives.WriteHalfLittleEndian(at, (Half)values[i]); break;
                case "BF16":
                    uint bits = BitConverter.SingleToUInt32Bits(values[i]);
                    uint rounded = bits + 0x7FFF + ((bits >> 16) & 1);
                    BinaryPrimitives.WriteUInt16LittleEndian(at, (ushort)(rounded >> 16));
                    break;
                default: throw new ArgumentException(dtype);
            }
        }
        return new Entry(name, dtype, shape, bytes);
    }

    /// <summary>A module's whole state (parameters and buffers), renamed; names mapped to null are left out.</summary>
    public static IEnumerable<Entry> FromState(nn.Module module, Func<string, string?> rename, string dtype = "F32")
    {
        foreach (var (name, value) in module.state_dict())
        {
            if (rename(name) is not { } fileName) continue;
            yield return FromTensor(fileName, value, name.EndsWith("num_batches_tracked", StringComparison.Ordinal) ? "I64" : dtype);
        }
    }
}
